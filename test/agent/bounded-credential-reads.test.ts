// Files the agent reads on a pod author's say (auth-config-* paths, ca-cert, client-cert, template
// sources) are bounded: a path pointed at /dev/zero, a FIFO or a huge file is refused with an error
// naming it, instead of the agent reading forever or exhausting its memory. Real files, the real
// method factory and the real Vault client.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthMethod } from '../../agent/src/auth/create-auth-method.js';
import { MAX_CREDENTIAL_FILE_BYTES, type MethodVaultAccess } from '../../agent/src/auth/auth-method.js';
import type { AuthMethodConfig } from '../../agent/src/config/agent-config.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { MAX_PEM_FILE_BYTES, readFileBoundedSync, readTextBounded } from '../../agent/src/fs/read-bounded.js';
import { VaultClient } from '../../agent/src/vault/vault-client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bounded-reads-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const vault: MethodVaultAccess = { address: 'http://127.0.0.1:1', request: () => Promise.reject(new Error('no Vault calls expected')) };

function method(type: string, config: Record<string, unknown>): ReturnType<typeof createAuthMethod> {
  const methodConfig: AuthMethodConfig = { type, mountPath: `auth/${type}`, namespace: undefined, wrapTtl: undefined, minBackoffMs: undefined, maxBackoffMs: undefined, exitOnError: false, config };
  return createAuthMethod(methodConfig, {});
}

function sparseFile(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return path;
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('auth methods read credential files bounded', () => {
  it('kubernetes: a projected-volume token (a symlink chain) is read as before', async () => {
    mkdirSync(join(dir, '..2026_12_04'));
    writeFileSync(join(dir, '..2026_12_04', 'token'), 'header.payload.sig\n');
    symlinkSync('..2026_12_04', join(dir, '..data'));
    symlinkSync('..data/token', join(dir, 'token'));
    const plan = await method('kubernetes', { role: 'app', token_path: join(dir, 'token') }).planLogin(vault);
    expect(plan).toEqual({ kind: 'login', path: 'auth/kubernetes/login', body: { role: 'app', jwt: 'header.payload.sig' } });
  });

  it.each([
    ['kubernetes', 'token_path'],
    ['jwt', 'path'],
    ['approle', 'role_id_file_path'],
  ])('%s: a file over the limit, /dev/zero and a FIFO are refused by name, not read', async (type, key) => {
    const huge = sparseFile('huge', MAX_CREDENTIAL_FILE_BYTES + 1);
    await expect(method(type, { role: 'app', [key]: huge }).planLogin(vault)).rejects.toThrow(`cannot use credential file: ${huge} is ${MAX_CREDENTIAL_FILE_BYTES + 1} bytes, more than the ${MAX_CREDENTIAL_FILE_BYTES} allowed`);
    await expect(method(type, { role: 'app', [key]: '/dev/zero' }).planLogin(vault)).rejects.toThrow('cannot use credential file: /dev/zero is not a regular file');
    // A FIFO with no writer would block a plain read forever.
    const pipe = fifo('pipe');
    await expect(method(type, { role: 'app', [key]: pipe }).planLogin(vault)).rejects.toThrow(`${pipe} is not a regular file`);
  });

  it('a file at the limit is still read', async () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'a'.repeat(MAX_CREDENTIAL_FILE_BYTES));
    const plan = await method('kubernetes', { role: 'app', token_path: path }).planLogin(vault);
    expect(plan.kind === 'login' && (plan.body['jwt'] as string).length).toBe(MAX_CREDENTIAL_FILE_BYTES);
  });

  it('a missing file keeps its old meaning (no credential), not a read error', async () => {
    await expect(method('kubernetes', { role: 'app', token_path: join(dir, 'absent') }).planLogin(vault)).rejects.toThrow(`kubernetes auth: no service account token at ${join(dir, 'absent')}`);
  });

  it('ldap: an oversized password file is reported with its size, and nothing is logged in with', async () => {
    const huge = sparseFile('password', MAX_CREDENTIAL_FILE_BYTES + 7);
    await expect(method('ldap', { username: 'alice', password_file_path: huge }).planLogin(vault)).rejects.toThrow(`${huge} is ${MAX_CREDENTIAL_FILE_BYTES + 7} bytes`);
  });

  it('cf: an instance certificate path at /dev/zero is refused by name', async () => {
    const method_ = createAuthMethod(
      { type: 'cf', mountPath: 'auth/cf', namespace: undefined, wrapTtl: undefined, minBackoffMs: undefined, maxBackoffMs: undefined, exitOnError: false, config: { role: 'app' } },
      { CF_INSTANCE_CERT: '/dev/zero', CF_INSTANCE_KEY: '/dev/zero' },
    );
    await expect(method_.planLogin(vault)).rejects.toThrow('cf auth: cannot use CF_INSTANCE_CERT file: /dev/zero is not a regular file');
  });
});

describe('TLS files', () => {
  it('the Vault client refuses a ca_cert at /dev/zero or over the limit, naming it, on its first request', async () => {
    const base = validateAgentConfig({}).vault;
    for (const [caCert, message] of [
      ['/dev/zero', '/dev/zero is not a regular file'],
      [sparseFile('ca.pem', MAX_PEM_FILE_BYTES + 1), `is ${MAX_PEM_FILE_BYTES + 1} bytes, more than the ${MAX_PEM_FILE_BYTES} allowed`],
    ] as const) {
      const { connection } = resolveVaultConnection({ ...base, address: 'https://127.0.0.1:1', caCert }, {});
      const client = new VaultClient({ ...connection, maxRetries: 0 });
      await expect(client.request({ method: 'GET', path: 'sys/health', retries: 0 })).rejects.toThrow(message);
      client.close();
    }
  });

  it('readFileBoundedSync and readTextBounded agree on a real file and follow symlinks only when asked', async () => {
    const target = join(dir, 'cert.pem');
    writeFileSync(target, 'PEM');
    symlinkSync(target, join(dir, 'link.pem'));
    expect(readFileBoundedSync(join(dir, 'link.pem'), 10, { followSymlinks: true }).toString()).toBe('PEM');
    expect(await readTextBounded(join(dir, 'link.pem'), 10, { followSymlinks: true })).toBe('PEM');
    expect(() => readFileBoundedSync(join(dir, 'link.pem'), 10)).toThrow(expect.objectContaining({ code: 'ELOOP' }) as Error);
    expect(() => readFileBoundedSync(target, 2)).toThrow(`${target} is 3 bytes, more than the 2 allowed`);
  });
});
