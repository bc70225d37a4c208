// cf's config is checked at start as Vault Agent checks it; its credential files' problems are
// login errors naming the variable, never quoting the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodVaultAccess } from './auth-method.js';
import { createCfMethod } from './cf.js';
import { createAuthMethod } from './create-auth-method.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-method-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const vault: MethodVaultAccess = { address: 'http://127.0.0.1:8200', request: () => Promise.reject(new Error('no Vault calls expected')) };
const method = (type: string, config: Record<string, unknown>): ReturnType<typeof createAuthMethod> =>
  createAuthMethod({ type, mountPath: `auth/${type}`, namespace: undefined, wrapTtl: undefined, minBackoffMs: undefined, maxBackoffMs: undefined, exitOnError: false, config });

it.each<[Record<string, unknown>, string]>([
  [{}, "cf auth: missing 'role' value"],
  [{ role: ['app'] }, "cf auth: could not convert 'role' config value to string"],
])('%j is refused at start: %s', (config, message) => {
  expect(() => method('cf', config)).toThrow(message);
  expect(() => method('pcf', config)).toThrow(message);
});

it('the CF_INSTANCE_* variables and files: missing, unreadable, not a key — named, the key never quoted', async () => {
  const certFile = join(dir, 'instance.crt');
  writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const keyText = '-----BEGIN RSA PRIVATE KEY-----\nnot-really-a-key-Hq72\n-----END RSA PRIVATE KEY-----\n';
  const keyFile = join(dir, 'instance.key');
  writeFileSync(keyFile, keyText);
  const plan = (env: NodeJS.ProcessEnv): Promise<unknown> => createCfMethod('auth/cf', 'app', { env, now: Date.now }).planLogin(vault);
  await expect(plan({ CF_INSTANCE_KEY: keyFile })).rejects.toThrow('cf auth: missing "CF_INSTANCE_CERT" value');
  await expect(plan({ CF_INSTANCE_CERT: certFile })).rejects.toThrow('cf auth: missing "CF_INSTANCE_KEY" value');
  await expect(plan({ CF_INSTANCE_CERT: join(dir, 'absent'), CF_INSTANCE_KEY: keyFile })).rejects.toThrow(`cannot read CF_INSTANCE_CERT file ${join(dir, 'absent')} (ENOENT)`);
  const failure = await plan({ CF_INSTANCE_CERT: certFile, CF_INSTANCE_KEY: keyFile }).then(() => undefined, (error: unknown) => String(error));
  expect(failure).toContain('unable to decode the RSA private key at CF_INSTANCE_KEY');
  expect(failure).not.toContain('not-really-a-key-Hq72');
});
