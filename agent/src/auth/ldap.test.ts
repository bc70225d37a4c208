// The ldap method reads its password file as Vault Agent's ldap.go does (credential-file.ts) and
// puts the username in the login path as one escaped segment.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoginPlan, MethodVaultAccess } from './auth-method.js';
import { createLdapMethod, readLdapSettings } from './ldap.js';
import { createAuthMethod } from './create-auth-method.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldap-method-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const vault: MethodVaultAccess = { address: 'http://127.0.0.1:8200', request: () => Promise.reject(new Error('no Vault calls expected')) };

function login(plan: LoginPlan): { path: string; password: string | undefined } {
  if (plan.kind !== 'login') throw new Error('expected a login');
  const password = plan.body['password'];
  return { path: plan.path, password: typeof password === 'string' ? password : undefined };
}

describe('ldap config', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ password_file_path: '/p' }, "missing 'username' value"],
    [{ username: 'u' }, "missing 'password_file_path' value"],
    [{ username: '', password_file_path: '/p' }, "'username' value is empty"],
    [{ username: 'u', password_file_path: '' }, "'password_file_path' value is empty"],
    [{ username: ['u'], password_file_path: '/p' }, "could not convert 'username' config value to string"],
    [{ username: '..', password_file_path: '/p' }, "'username' value \"..\" is not a user name"],
    [{ username: 'u', password_file_path: '/p', remove_password_after_reading: 'maybe' }, "error parsing 'remove_password_after_reading' value"],
    [{ username: 'u', password_file_path: '/p', remove_password_follows_symlinks: 3 }, "error parsing 'remove_password_follows_symlinks' value"],
    [{ username: 'u', password_file_path: '/p', password_read_period: '0s' }, "error parsing 'password_read_period' value into a positive value"],
    [{ username: 'u', password_file_path: '/p', password_read_period: 'soon' }, "error parsing 'password_read_period' value into a positive value"],
  ])('%j is refused at start: %s', (config, message) => {
    expect(() => createAuthMethod({ type: 'ldap', mountPath: 'auth/ldap', config } as Parameters<typeof createAuthMethod>[0])).toThrow(message);
  });

  it('defaults as ldap.go: remove after reading, not through symlinks, read period 0.5 s when removing, else 1 m', () => {
    expect(readLdapSettings({ username: 'u', password_file_path: '/p' })).toMatchObject({ removePasswordAfterReading: true, removePasswordFollowsSymlinks: false, passwordReadPeriodMs: 500 });
    expect(readLdapSettings({ username: 'u', password_file_path: '/p', remove_password_after_reading: 'false' }).passwordReadPeriodMs).toBe(60_000);
    expect(readLdapSettings({ username: 'u', password_file_path: '/p', password_read_period: '90s' }).passwordReadPeriodMs).toBe(90_000);
    expect(readLdapSettings({ username: 'u', password_file_path: '/p', password_read_period: 2 }).passwordReadPeriodMs).toBe(2000);
  });
});

describe('ldap login plan', () => {
  it('POST <mount>/login/<escaped username> {password}; /, .., ?, # stay in one segment', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'pw-1');
    const plan = login(await createLdapMethod('auth/corp-ldap', { username: '../../sys/x?a=b#c d', password_file_path: file }).planLogin(vault));
    expect(plan.path).toBe('auth/corp-ldap/login/..%2F..%2Fsys%2Fx%3Fa%3Db%23c%20d');
  });

  it('the file is sent as it is, removed after reading, and the cached password serves later logins', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'pw-1\n');
    const method = createLdapMethod('auth/ldap', { username: 'u', password_file_path: file });
    expect(login(await method.planLogin(vault)).password).toBe('pw-1\n');
    expect(existsSync(file)).toBe(false);
    expect(login(await method.planLogin(vault)).password).toBe('pw-1\n');
    writeFileSync(file, 'pw-2');
    expect(login(await method.planLogin(vault)).password).toBe('pw-2');
  });

  it('remove_password_after_reading = false keeps the file; an empty file keeps the last password', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'pw-1');
    const method = createLdapMethod('auth/ldap', { username: 'u', password_file_path: file, remove_password_after_reading: false });
    expect(login(await method.planLogin(vault)).password).toBe('pw-1');
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, '');
    expect(login(await method.planLogin(vault)).password).toBe('pw-1');
  });

  it('no password yet: an error naming the file, never a login', async () => {
    const file = join(dir, 'missing');
    await expect(createLdapMethod('auth/ldap', { username: 'u', password_file_path: file }).planLogin(vault)).rejects.toThrow(`no password known yet (${file}: no file)`);
    writeFileSync(file, '');
    await expect(createLdapMethod('auth/ldap', { username: 'u', password_file_path: file }).planLogin(vault)).rejects.toThrow('the file is empty');
    mkdirSync(join(dir, 'folder'));
    await expect(createLdapMethod('auth/ldap', { username: 'u', password_file_path: join(dir, 'folder') }).planLogin(vault)).rejects.toThrow('not a regular file or symlink');
  });

  it('through a symlink: the link is removed, or the target with remove_password_follows_symlinks', async () => {
    const target = join(dir, 'real');
    const link = join(dir, 'link');
    writeFileSync(target, 'pw-1');
    symlinkSync(target, link);
    await createLdapMethod('auth/ldap', { username: 'u', password_file_path: link }).planLogin(vault);
    expect([existsSync(link), existsSync(target)]).toEqual([false, true]);
    symlinkSync(target, link);
    await createLdapMethod('auth/ldap', { username: 'u', password_file_path: link, remove_password_follows_symlinks: true }).planLogin(vault);
    expect(existsSync(target)).toBe(false);
  });
});
