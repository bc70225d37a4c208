// Names of Object.prototype members (`constructor`, `__proto__`, `toString`, `hasOwnProperty`)
// given where a user names something: each must be an unknown name with the usual clear message,
// never a match found on the prototype (a crash, a stack trace or a silently wrong value). One test
// per public entry whose lookup was fixed; the webhook's flags are covered in
// webhook/src/settings/parse-settings.test.ts ("startup validation, per flag kind").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodConfigProblems } from '../../agent/src/config/method-config.js';
import { CLI_PATH, REPO_ROOT } from '../helpers/webhook-process.js';

const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

function cli(args: readonly string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    cwd: REPO_ROOT,
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'prototype-keys-'));

/** An agent config that stops at once: token_file auth with no token file and exit_on_err. */
const QUICK_EXIT_CONFIG = {
  auto_auth: {
    method: { type: 'token_file', exit_on_err: true, config: { token_file_path: join(scratch, 'missing-token') } },
    sink: [{ type: 'file', config: { path: join(scratch, 'sink') } }],
  },
  vault: { address: 'http://127.0.0.1:1' },
  exit_after_auth: true,
};

describe.each(PROTOTYPE_KEYS)('the name %j', (key) => {
  it('is an unknown vault-injector command', () => {
    const { code, stderr } = cli([key]);
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toBe(`Unknown command: ${key}`);
  });

  it('is an unknown agent -log-level and -log-format', () => {
    const config = join(scratch, 'quick.json');
    writeFileSync(config, JSON.stringify(QUICK_EXIT_CONFIG));
    const level = cli(['agent', `-config=${config}`, `-log-level=${key}`]);
    expect({ code: level.code, stderr: level.stderr.trim() }).toEqual({
      code: 1,
      stderr: `-log-level: "${key}" is not a log level; use trace, debug, info, warn or error (unknown log level: ${key})`,
    });
    const format = cli(['agent', `-config=${config}`, `-log-format=${key}`]);
    expect(format.code).toBe(1);
    expect(format.stderr.trim()).toMatch(new RegExp(`^-log-format: "${key}" is not a log format`));
  });

  it('is an unknown top-level key of an agent config directory (warned about, not merged into the prototype)', () => {
    const dir = join(scratch, `dir-${key}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.json'), `{"${key}": {"pid_file": "${join(dir, 'pid')}"}}`);
    writeFileSync(join(dir, 'b.json'), JSON.stringify(QUICK_EXIT_CONFIG));
    const { code, stderr } = cli(['agent', `-config=${dir}`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`[WARN]  agent: ${key} is not a Vault Agent setting and is ignored`);
  });

  it('is an unknown auth method type, with no method rules found for it', () => {
    const config = join(scratch, `method-${key}.json`);
    writeFileSync(config, JSON.stringify({ ...QUICK_EXIT_CONFIG, auto_auth: { ...QUICK_EXIT_CONFIG.auto_auth, method: { type: key, config: {} } } }));
    const { code, stderr } = cli(['agent', `-config=${config}`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`auto_auth.method.type: unknown auth method "${key}"`);
    // The per-method rules (run when the agent starts) know no such method either.
    expect(methodConfigProblems(key, {})).toEqual([]);
  });

  it('is an unknown manifest kind for `inject` (passed through unchanged)', () => {
    const manifest = `apiVersion: v1\nkind: ${key}\nmetadata:\n  name: x\n`;
    const { code, stdout, stderr } = cli(['inject', '-f', '-', '-vault-address=https://vault:8200'], manifest);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: manifest, stderr: '' });
  });

  it.each([
    ['go', '{{ with secret "pki/issue/web" "KEY=a" }}{{ .Data.certificate }}{{ end }}'],
    ['handlebars', '{{#with (secret "pki/issue/web" "KEY=a")}}{{Data.certificate}}{{/with}}'],
  ])('stays a write parameter of secret in a %s template', (engine, text) => {
    const template = join(scratch, `write-${engine}-${key}.tpl`);
    const response = join(scratch, 'certificate.json');
    writeFileSync(template, text.replace('KEY', key));
    writeFileSync(response, '{"certificate": "CERT"}');
    const { code, stdout } = cli(['template', 'render', template, '--engine', engine, '--secret', `pki/issue/web?${key}=a=${response}`]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'CERT' });
  });

  it('is an unknown field of a struct with methods in a template (*semver.Version), as in Go', () => {
    const template = join(scratch, `semver-${key}.tpl`);
    writeFileSync(template, `{{ (sprig_semver "1.2.3").${key} }}`);
    const { code, stdout, stderr } = cli(['template', 'render', template]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(`can't evaluate field ${key} in type *semver.Version`);
  });
});
