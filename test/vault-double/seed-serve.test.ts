// The JSON seed (every problem reported at once) and the standalone serve.ts entry.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { applySeed, parseSeed, startVaultDouble, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const SEED = {
  rootToken: 'root-for-bench',
  policies: [{ name: 'app', rules: [{ path: 'secret/data/*', capabilities: ['read'] }] }],
  kv: [{ path: 'secret', version: 2 }, { path: 'kv', version: 1, defaultLeaseTtlSeconds: 600 }],
  secrets: [{ path: 'secret/app/config', data: { user: 'u' } }, { path: 'kv/legacy', data: { a: 'b' } }],
  kubernetesRoles: [{ role: 'app', serviceAccountJwt: 'sa-jwt', policies: ['app'], tokenTtlSeconds: 120 }],
  tokens: [{ id: 'hvs.fixedtokenforbenchmarks', ttlSeconds: 3600, policies: ['app'] }],
  databaseRoles: [{ role: 'app', defaultTtlSeconds: 60, maxTtlSeconds: 600 }],
};

let vault: VaultDouble | undefined;
afterEach(async () => {
  await vault?.close();
  vault = undefined;
});

describe('parseSeed', () => {
  it('accepts a valid seed and applySeed builds the described double', async () => {
    vault = await startVaultDouble({ rootToken: SEED.rootToken });
    await applySeed(vault, parseSeed(SEED));
    const login = await callVault(vault.address, 'POST', 'auth/kubernetes/login', { body: { role: 'app', jwt: 'sa-jwt' } });
    const token = String(asRecord(asRecord(login.body)['auth'])['client_token']);
    expect(asRecord(asRecord((await callVault(vault.address, 'GET', 'secret/data/app/config', { token })).body)['data'])['data']).toEqual({ user: 'u' });
    expect(asRecord((await callVault(vault.address, 'GET', 'kv/legacy', { token: 'root-for-bench' })).body)['lease_duration']).toBe(600);
    expect((await callVault(vault.address, 'GET', 'auth/token/lookup-self', { token: 'hvs.fixedtokenforbenchmarks' })).status).toBe(200);
    expect(asRecord((await callVault(vault.address, 'GET', 'database/creds/app', { token: 'root-for-bench' })).body)['lease_duration']).toBe(60);
  });

  it('lists every problem in one error', () => {
    const bad = {
      kv: [{ path: 'secret', version: 3 }],
      secrets: [{ data: 'nope' }],
      kubernetesRoles: [{ role: 'x', serviceAccountJwt: 'j', tokenTtlSeconds: -1, colour: 'red' }],
      policies: [{ name: 'p', rules: [{ path: 'a', capabilities: ['fly'] }] }],
      mystery: [],
      tls: { generate: 'yes' },
    };
    let message = '';
    try {
      parseSeed(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'vault double seed has 8 problem(s):',
      '  kv[0].version: must be 1 or 2',
      '  secrets[0].path: is required',
      '  secrets[0].data: must be an object',
      '  kubernetesRoles[0].tokenTtlSeconds: must be a non-negative integer',
      '  kubernetesRoles[0].colour: unknown key',
      '  policies[0].rules: must be an array of {"path", "capabilities"} with capabilities among create, read, update, patch, delete, list, sudo, deny',
      '  mystery: unknown key (known: rootToken, version, tls, namespaces, policies, kv, secrets, auth, kubernetesRoles, appRoles, jwtRoles, tokens, databaseRoles, databaseStaticRoles, pkiRoles, transitKeys)',
      '  tls: must be {"generate": true, "caFile"?: path} or {"certFile": path, "keyFile": path}',
    ]);
  });
});

describe('serve.ts', () => {
  it('starts from a seed file, prints its address and root token, serves TLS with the written CA, stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vault-double-serve-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(join(dir, 'seed.json'), JSON.stringify({ ...SEED, tls: { generate: true, caFile } }));
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./serve.ts', import.meta.url)), join(dir, 'seed.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
      const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      const printed = asRecord(JSON.parse(firstLine));
      expect(printed).toEqual({ address: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), rootToken: 'root-for-bench', caFile });
      const answer = await callVault(String(printed['address']), 'GET', 'secret/data/app/config', { token: 'root-for-bench', ca: await readFile(caFile, 'utf8') });
      expect(answer.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 naming the problems of a bad seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vault-double-serve-'));
    try {
      await writeFile(join(dir, 'seed.json'), JSON.stringify({ kv: [{ path: 'x' }] }));
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./serve.ts', import.meta.url)), join(dir, 'seed.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => { resolve(exitCode); }));
      expect(code).toBe(2);
      expect(stderr).toContain('kv[0].version: is required');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
