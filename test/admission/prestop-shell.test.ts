// The revoke-on-shutdown preStop hook run by a real sh (issue 10): annotation values pasted into
// `sh -c` must stay one argument each and run nothing, whatever quotes or substitutions they hold.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admit } from '../../webhook/src/inject/admit.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import { annotatedPodRequest } from '../helpers/annotated-pod.js';

type PatchOp = { path: string; value?: { name?: string; lifecycle?: { preStop?: { exec?: { command?: string[] } } } } };

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'prestop-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('hostile service, ca-cert, client-cert and client-key values each stay one argument and run nothing', () => {
  const marker = join(dir, 'pwned');
  const values = {
    service: `https://v:8200; touch ${marker} #`,
    'ca-cert': `/ca.pem$(touch ${marker})`,
    'client-cert': `/c.pem\`touch ${marker}\``,
    'client-key': `/k.pem' ; touch ${marker} ; echo '`,
  };
  const annotations = Object.fromEntries(Object.entries(values).map(([name, value]) => [`vault.hashicorp.com/${name}`, value]));
  const parsed = parseSettings(['-vault-address=https://vault:8200'], {});
  if (parsed.kind !== 'settings') throw new Error('bad test settings');
  const outcome = admit(annotatedPodRequest({ 'vault.hashicorp.com/agent-revoke-on-shutdown': 'true', ...annotations }), parsed.settings);
  expect(outcome.decision).toBe('injected');
  const ops = JSON.parse(Buffer.from(outcome.response.patch ?? '', 'base64').toString('utf8')) as PatchOp[];
  const sidecar = ops.find((op) => op.path === '/spec/containers/-' && op.value?.name === 'vault-agent');
  const [shell, flag, script] = sidecar?.value?.lifecycle?.preStop?.exec?.command ?? [];
  expect([shell, flag]).toEqual(['/bin/sh', '-c']);
  // The hook as the kubelet runs it, with /bin/sleep and /bin/vault swapped for a recorder of its arguments.
  const recorder = join(dir, 'record.sh');
  writeFileSync(recorder, `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done\n`, { mode: 0o755 });
  const runnable = (script ?? '').replace(/^\/bin\/sleep \d+ && \/bin\/vault /, `${recorder} `);
  expect(runnable.startsWith(recorder)).toBe(true);
  const args = execFileSync('/bin/sh', ['-c', runnable], { encoding: 'utf8' }).split('\0').slice(0, -1);
  expect(args).toEqual([
    'token',
    'revoke',
    `-address=${values.service}`,
    `-ca-cert=${values['ca-cert']}`,
    `-client-cert=${values['client-cert']}`,
    `-client-key=${values['client-key']}`,
    '-self',
  ]);
  expect(existsSync(marker)).toBe(false);
});
