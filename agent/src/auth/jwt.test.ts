// The jwt method's file handling against real files: what is removed after a read, and the last
// JWT kept for later logins (Vault Agent's command/agentproxyshared/auth/jwt/jwt.go ingressToken).
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile, realpath, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoginPlan, MethodVaultAccess } from './auth-method.js';
import { createJwtMethod } from './jwt.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwt-method-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const files = { readFile: (path: string) => readFile(path, 'utf8'), remove: (path: string) => unlink(path), resolve: (path: string) => realpath(path) };
const vault: MethodVaultAccess = { address: 'http://127.0.0.1:8200', request: () => Promise.reject(new Error('no Vault calls expected')) };
const jwtOf = (plan: LoginPlan): unknown => (plan.kind === 'login' ? plan.body['jwt'] : undefined);

function linkedJwt(): { link: string; target: string } {
  const target = join(dir, 'real-token');
  const link = join(dir, 'token');
  writeFileSync(target, 'header.payload.sig');
  symlinkSync(target, link);
  return { link, target };
}

it('removes the symlink, not its target, by default; the last JWT serves later logins', async () => {
  const { link, target } = linkedJwt();
  const method = createJwtMethod('auth/jwt', { path: link, role: 'app' }, files);
  expect(jwtOf(await method.planLogin(vault))).toBe('header.payload.sig');
  expect([existsSync(target), (() => { try { return lstatSync(link).isSymbolicLink(); } catch { return false; } })()]).toEqual([true, false]);
  expect(jwtOf(await method.planLogin(vault))).toBe('header.payload.sig');
});

it('remove_jwt_follows_symlinks removes the target and leaves the (now dangling) symlink', async () => {
  const { link, target } = linkedJwt();
  const method = createJwtMethod('auth/jwt', { path: link, role: 'app', remove_jwt_follows_symlinks: true }, files);
  expect(jwtOf(await method.planLogin(vault))).toBe('header.payload.sig');
  expect([existsSync(target), readlinkSync(link)]).toEqual([false, target]);
});

it('remove_jwt_after_reading = false removes nothing', async () => {
  const { link, target } = linkedJwt();
  const method = createJwtMethod('auth/jwt', { path: link, role: 'app', remove_jwt_after_reading: false, remove_jwt_follows_symlinks: true }, files);
  expect(jwtOf(await method.planLogin(vault))).toBe('header.payload.sig');
  expect([existsSync(target), readlinkSync(link)]).toEqual([true, target]);
});
