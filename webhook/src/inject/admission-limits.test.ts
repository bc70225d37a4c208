// Admission work budgets and annotation-path checks (issue 10): every limit is a denial naming the
// annotation and the limit, never a crash or a stall.
import { admit, MAX_ANNOTATION_BYTES, MAX_DENIAL_MESSAGE_LENGTH, MAX_REPLY_PATCH_BYTES, MAX_REPLY_WARNINGS, MAX_WARNING_LENGTH } from './admit.js';
import { MAX_PATCHED_CONTAINER_BYTES } from './build/container-json-patch.js';
import { annotatedPodRequest } from '../../../test/helpers/annotated-pod.js';
import { parseSettings } from '../settings/parse-settings.js';
import type { Settings } from '../settings/settings.js';

function settings(): Settings {
  const result = parseSettings(['-vault-address=https://vault:8200'], {});
  if (result.kind !== 'settings') throw new Error('bad test settings');
  return result.settings;
}

const request = annotatedPodRequest;

function denial(annotations: Record<string, string>, containers = 1): string {
  const outcome = admit(request(annotations, containers), settings());
  expect(outcome.decision).toBe('denied');
  return outcome.response.status?.message ?? '';
}

describe('agent-json-patch amplification', () => {
  // Each `copy` of /lifecycle into itself doubles it: 14 ops turn 1 KB into 16 MB.
  const doubling = JSON.stringify([
    { op: 'add', path: '/lifecycle', value: { seed: 'x'.repeat(1000) } },
    ...Array.from({ length: 14 }, (_, i) => ({ op: 'copy', from: '/lifecycle', path: `/lifecycle/c${i}` })),
  ]);

  it.each(['agent-json-patch', 'agent-init-json-patch'])('%s with doubling copies is denied naming the annotation and the limit', (name) => {
    const message = denial({ [`vault.hashicorp.com/${name}`]: doubling });
    expect(message).toContain(`annotation vault.hashicorp.com/${name}=`);
    expect(message).toContain(`limit of ${MAX_PATCHED_CONTAINER_BYTES} bytes`);
    expect(message.length).toBeLessThan(2000);
  });

  it('a few doublings well under the limit still apply', () => {
    const small = JSON.stringify([
      { op: 'add', path: '/lifecycle', value: {} },
      { op: 'add', path: '/lifecycle/seed', value: 'x' },
      ...Array.from({ length: 3 }, (_, i) => ({ op: 'copy', from: '/lifecycle', path: `/lifecycle/c${i}` })),
    ]);
    const outcome = admit(request({ 'vault.hashicorp.com/agent-json-patch': small }), settings());
    expect(outcome.decision).toBe('injected');
  });

  it('the whole reply is capped', () => {
    // Two large agent containers (within the API server's 256 KiB of annotations), then many app
    // containers each given a mount.
    const large = JSON.stringify([{ op: 'add', path: '/lifecycle', value: { pad: 'y'.repeat(100 * 1024) } }]);
    const message = denial({ 'vault.hashicorp.com/agent-json-patch': large, 'vault.hashicorp.com/agent-init-json-patch': large }, 24_000);
    expect(message).toContain(`over the limit of ${MAX_REPLY_PATCH_BYTES} bytes per reply`);
  });
});

describe('warnings and denial messages are bounded (the whole reply is capped)', () => {
  it('thousands of templates that do not parse: the first warnings, then a count of the rest', () => {
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 2_000; i += 1) {
      annotations[`vault.hashicorp.com/agent-inject-secret-s${i}`] = `kv/s${i}`;
      annotations[`vault.hashicorp.com/agent-inject-template-s${i}`] = `{{ .x ${'y'.repeat(i === 0 ? 5_000 : 1)}`;
    }
    const outcome = admit(request(annotations), settings());
    expect(outcome.decision).toBe('injected');
    const warnings = outcome.response.warnings ?? [];
    expect(warnings).toHaveLength(MAX_REPLY_WARNINGS);
    expect(warnings[0]).toContain('vault.hashicorp.com/agent-inject-template-s0 does not parse');
    expect(warnings[1]).toContain('vault.hashicorp.com/agent-inject-template-s1 does not parse');
    for (const warning of warnings) expect(warning.length).toBeLessThanOrEqual(MAX_WARNING_LENGTH + 40);
    expect(warnings.at(-1)).toBe(`${2_000 - MAX_REPLY_WARNINGS + 1} more warnings not shown`);
  });

  it('thousands of colliding secrets: the denial message is cut at the limit and says how much is left out', () => {
    const annotations: Record<string, string> = {};
    // 2,400 pairs: within the API server's 256 KiB of annotations, a denial of ~350 KB.
    for (let i = 0; i < 2_400; i += 1) {
      annotations[`vault.hashicorp.com/agent-inject-secret-s${i}`] = `kv/s${i}`;
      annotations[`vault.hashicorp.com/agent-inject-secret-S${i}`] = `kv/s${i}`;
    }
    const message = denial(annotations);
    expect(message).toMatch(/^Give secrets "S0" and "s0" different file names [^;]* — error validating agent configuration: secret "S0" writes \/vault\/secrets\/s0, as secret "s0" does/);
    expect(message.length).toBeLessThanOrEqual(MAX_DENIAL_MESSAGE_LENGTH + 40);
    expect(message).toMatch(/… \(\d+ more characters\)$/);
  });

  it('a short denial is untouched', () => {
    expect(denial({ 'vault.hashicorp.com/agent-run-as-user': '9007199254740993' })).not.toContain('more characters');
  });
});

describe('paths from annotations (issue 10)', () => {
  const secret = { 'vault.hashicorp.com/agent-inject-secret-db': 'secret/db' };
  it.each([
    ['vault.hashicorp.com/agent-inject-file-db', '../../etc/shadow', 'outside the secret volume'],
    ['vault.hashicorp.com/agent-inject-file-db', '../../home/vault/.vault-token', 'outside the secret volume'],
    ['vault.hashicorp.com/agent-inject-file-db', 'dir/', 'must not end in "/"'],
    ['vault.hashicorp.com/secret-volume-path', '/', 'mount path "/" is not allowed'],
    ['vault.hashicorp.com/secret-volume-path', 'relative/dir', 'must be absolute'],
    ['vault.hashicorp.com/secret-volume-path', '/vault/agent-cache', "injector's own /vault/agent-cache"],
    ['vault.hashicorp.com/secret-volume-path', '/home/vault/x', "injector's own /home/vault"],
    ['vault.hashicorp.com/secret-volume-path-db', '/vault/configs', "injector's own /vault/configs"],
    ['vault.hashicorp.com/secret-volume-path-db', '/vault/tls', "injector's own /vault/tls"],
    ['vault.hashicorp.com/secret-volume-path-db', '/srv/../vault/tls', 'must be clean'],
  ])('%s=%s is denied naming the annotation', (key, value, why) => {
    const message = denial({ ...secret, [key]: value });
    expect(message).toContain(why);
    expect(message).toContain(`annotation ${key}=`);
  });

  it('secrets whose names differ only in case collide and are denied', () => {
    const message = denial({ 'vault.hashicorp.com/agent-inject-secret-DB': 'secret/a', 'vault.hashicorp.com/agent-inject-secret-db': 'secret/b' });
    expect(message).toContain('names must differ beyond case');
    expect(message).toMatch(/annotation vault\.hashicorp\.com\/agent-inject-secret-(DB|db)=/);
  });

  it('ordinary paths are still injected, including a custom directory such as /etc/app', () => {
    const outcome = admit(
      request({ ...secret, 'vault.hashicorp.com/agent-inject-file-db': 'conf/db.json', 'vault.hashicorp.com/secret-volume-path-db': '/etc/app', 'vault.hashicorp.com/agent-inject-secret-other': 'secret/o' }),
      settings(),
    );
    expect(outcome.decision).toBe('injected');
  });
});

describe('integers beyond 2^53 (issue 10)', () => {
  it.each(['agent-run-as-user', 'agent-run-as-group'])('%s: 9007199254740993 is denied naming the annotation, not rounded', (name) => {
    const message = denial({ [`vault.hashicorp.com/${name}`]: '9007199254740993' });
    expect(message).toContain('cannot be represented exactly');
    expect(message).toContain(`annotation vault.hashicorp.com/${name}="9007199254740993"`);
  });

  it('9007199254740991 (2^53 - 1) is still accepted', () => {
    expect(admit(request({ 'vault.hashicorp.com/agent-run-as-user': '9007199254740991' }), settings()).decision).toBe('injected');
  });
});

describe('preStop revoke command quoting (issue 10)', () => {
  it('a hostile service value stays one argument of sh -c', async () => {
    const { execFileSync } = await import('node:child_process');
    const { revokeCommand, shellWord } = await import('./build/containers.js');
    const hostile = 'https://v:8200; touch /tmp/x #';
    expect(shellWord(`-address=${hostile}`)).toBe(`'-address=${hostile}'`);
    expect(shellWord("a'b c")).toBe(`'a'\\''b c'`);
    // sh itself splits the word back into exactly the original value.
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${shellWord(`-address=${hostile}`)} ${shellWord("x'y z")}`], { encoding: 'utf8' });
    expect(out).toBe(`-address=${hostile}\nx'y z\n`);
    expect(typeof revokeCommand).toBe('function');
  });

  it('ordinary values are byte-identical to vault-k8s', async () => {
    const { shellWord } = await import('./build/containers.js');
    for (const word of ['-address=https://vault.vault.svc:8200', '-ca-cert=/vault/tls/ca.crt', '-client-key=/vault/tls/tls.key']) expect(shellWord(word)).toBe(word);
  });
});

describe('preStop revoke command from admission (issue 10)', () => {
  it('agent-revoke-on-shutdown with a hostile service annotation quotes it', () => {
    const hostile = 'https://v:8200; touch /tmp/x #';
    const outcome = admit(request({ 'vault.hashicorp.com/agent-revoke-on-shutdown': 'true', 'vault.hashicorp.com/service': hostile }), settings());
    expect(outcome.decision).toBe('injected');
    const patch = Buffer.from(outcome.response.patch ?? '', 'base64').toString('utf8');
    expect(patch).toContain(JSON.stringify(`/bin/vault token revoke '-address=${hostile}' -self`).slice(1, -1));
  });
});

describe("the API server's annotation size limit", () => {
  const base = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };
  const baseBytes = Object.entries(base).reduce((total, [key, value]) => total + key.length + value.length, 0);
  const filler = 'example.com/filler';

  it('a Pod whose annotations reach exactly 256 KiB is admitted', () => {
    const annotations = { ...base, [filler]: 'x'.repeat(MAX_ANNOTATION_BYTES - baseBytes - filler.length) };
    expect(admit(request(annotations), settings()).decision).toBe('injected');
  });

  it('one byte more (counted in UTF-8, keys included) is refused with the API server message, before any annotation is parsed', () => {
    // 'é' is two bytes: a count in UTF-16 code units would let this through.
    const room = MAX_ANNOTATION_BYTES - baseBytes - filler.length;
    const value = 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat((room % 2) + 1);
    const message = denial({ ...base, [filler]: value, 'vault.hashicorp.com/agent-pre-populate': 'not-a-bool' });
    expect(message).toBe(`metadata.annotations: Too long: must have at most 262144 bytes (the Pod's annotations are ${MAX_ANNOTATION_BYTES + 1 + 'vault.hashicorp.com/agent-pre-populate'.length + 'not-a-bool'.length} bytes; the API server would refuse it after admission)`);
  });

  it('a 3 MB annotation value (the API server lets 3 MiB requests through) is refused the same way', () => {
    const message = denial({ ...base, 'vault.hashicorp.com/auth-min-backoff': '\u0000\\"\\'.repeat(750_000) });
    expect(message).toMatch(/^metadata\.annotations: Too long: must have at most 262144 bytes/);
  });
});
