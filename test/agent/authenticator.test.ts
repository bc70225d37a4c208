// The auth methods and sinks in-process against the Vault double: jwt, token_file, approle with a
// wrapped secret ID, method wrap_ttl and sink wrap_ttl.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble } from '../vault-double/index.js';
import type { VaultDouble } from '../vault-double/index.js';
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { Authenticator } from '../../agent/src/auth/authenticator.js';
import type { AgentToken } from '../../agent/src/auth/authenticator.js';
import { createAuthMethod } from '../../agent/src/auth/create-auth-method.js';
import { FileSink } from '../../agent/src/sink/file-sink.js';
import { createTokenWrapper } from '../../agent/src/sink/token-wrapper.js';
import { createAgentLogger } from '../../agent/src/log.js';
import { sleep } from '../../agent/src/supervisor/sleep.js';

let vault: VaultDouble;
let dir: string;

beforeEach(async () => {
  vault = await startVaultDouble();
  dir = mkdtempSync(join(tmpdir(), 'auth-'));
});

afterEach(async () => {
  await vault.close();
  rmSync(dir, { recursive: true, force: true });
});

async function authenticate(autoAuth: Record<string, unknown>, preloadedToken?: string): Promise<{ token: AgentToken; tokens: readonly AgentToken[]; logs: () => string; stop: () => Promise<void> }> {
  const config = validateAgentConfig({ auto_auth: autoAuth, vault: { address: vault.address } });
  const client = new VaultClient(resolveVaultConnection(config.vault, {}).connection);
  const lines: string[] = [];
  const log = createAgentLogger({ level: 'trace', format: 'json', write: (line) => lines.push(line) });
  const tokens: AgentToken[] = [];
  const controller = new AbortController();
  const method = config.autoAuth!.method;
  const sinks = config.autoAuth!.sinks.map(
    (sink) =>
      new FileSink(sink, createTokenWrapper(client)),
  );
  const authenticator = new Authenticator({
    client, method: createAuthMethod(method), config: method, sinks, log, now: Date.now, sleep, random: Math.random,
    reauthOnNewCredentials: config.autoAuth!.enableReauthOnNewCredentials,
    onToken: (token) => tokens.push(token),
    preloadedToken,
  });
  const running = authenticator.run(controller.signal);
  await vault.waitFor(() => tokens[0], 10_000, 'a token');
  return {
    token: tokens[0]!,
    tokens,
    logs: () => lines.join(''),
    stop: async () => {
      controller.abort();
      await running;
      client.close();
    },
  };
}

describe('auth methods against the Vault double', () => {
  it('jwt: logs in with the file, removes it after reading, keeps the value', async () => {
    vault.enableAuth('jwt');
    vault.addJwtRole('jwt', 'ci', { jwt: 'header.payload-jwt.sig', policies: ['default'] });
    writeFileSync(join(dir, 'jwt'), 'header.payload-jwt.sig\n');
    const run = await authenticate({
      method: { type: 'jwt', config: { path: join(dir, 'jwt'), role: 'ci' } },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    expect(vault.token(run.token.token)?.path).toBe('auth/jwt/login');
    expect(existsSync(join(dir, 'jwt'))).toBe(false);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe(run.token.token);
    expect(run.logs()).not.toContain('header.payload-jwt.sig');
    await run.stop();
  });

  it('jwt under method wrap_ttl with enable_reauth_on_new_credentials: a changed JWT file ends the held wrapped token and logs in again (Vault Agent waits on NewCreds there too)', async () => {
    vault.enableAuth('jwt');
    vault.addJwtRole('jwt', 'ci', { jwt: 'header.first.sig', policies: ['default'] });
    writeFileSync(join(dir, 'jwt'), 'header.first.sig');
    const run = await authenticate({
      enable_reauth_on_new_credentials: true,
      method: { type: 'jwt', wrap_ttl: '5m', config: { path: join(dir, 'jwt'), role: 'ci', remove_jwt_after_reading: false, jwt_read_period: '100ms' } },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    expect(run.token.wrapped).toBe(true);
    await sleep(350);
    expect(run.tokens).toHaveLength(1);
    vault.addJwtRole('jwt', 'ci', { jwt: 'header.second.sig', policies: ['default'] });
    writeFileSync(join(dir, 'jwt'), 'header.second.sig');
    await vault.waitFor(() => run.tokens.length >= 2, 5000, 'a second login');
    expect(vault.requests().filter((request) => request.endpoint === 'jwt.login' && request.status === 200)).toHaveLength(2);
    expect(run.logs()).toContain('auth method found new credentials, re-authenticating');
    await run.stop();
  });

  it('token_file: uses the token from the file after lookup-self, and renews it', async () => {
    const created = vault.createToken({ ttlSeconds: 3600, policies: ['default'] });
    writeFileSync(join(dir, 'token-in'), `${created.token}\n`);
    const run = await authenticate({
      method: { type: 'token_file', config: { token_file_path: join(dir, 'token-in') } },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    expect(run.token.token).toBe(created.token);
    expect(vault.count('token.lookup-self')).toBe(1);
    await vault.waitFor(() => vault.count('token.renew-self') >= 1, 5000, 'a renewal');
    expect(run.logs()).not.toContain(created.token);
    await run.stop();
  });

  it('token_file with a root token: no renewal', async () => {
    writeFileSync(join(dir, 'token-in'), vault.rootToken);
    const run = await authenticate({
      method: { type: 'token_file', config: { token_file_path: join(dir, 'token-in') } },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    expect(run.token.leaseSeconds).toBe(-1);
    await sleep(300);
    expect(vault.count('token.renew-self')).toBe(0);
    await run.stop();
  });

  it('approle with a response-wrapped secret ID checks the creation path and unwraps it', async () => {
    vault.enableAuth('approle');
    vault.addAppRole('approle', 'web', { roleId: 'role-1', secretIds: ['the-secret-id'], policies: ['default'] });
    const wrapped = await new VaultClient(resolveVaultConnection({ ...validateAgentConfig({}).vault, address: vault.address }, {}).connection).request({
      method: 'POST', path: 'sys/wrapping/wrap', body: { secret_id: 'the-secret-id' }, token: vault.rootToken, wrapTtl: '5m',
    });
    const wrappingToken = (wrapped.body as { wrap_info: { token: string } }).wrap_info.token;
    writeFileSync(join(dir, 'role-id'), 'role-1');
    writeFileSync(join(dir, 'secret-id'), wrappingToken);
    const run = await authenticate({
      method: {
        type: 'approle',
        config: { role_id_file_path: join(dir, 'role-id'), secret_id_file_path: join(dir, 'secret-id'), secret_id_response_wrapping_path: 'sys/wrapping/wrap' },
      },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    expect(vault.token(run.token.token)?.path).toBe('auth/approle/login');
    expect(existsSync(join(dir, 'secret-id'))).toBe(false);
    expect(vault.count('sys.wrapping.unwrap')).toBe(1);
    await run.stop();
  });

  it('method wrap_ttl: the sink holds wrap info, not the token', async () => {
    vault.enableAuth('kubernetes');
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa-jwt', policies: ['default'] });
    writeFileSync(join(dir, 'sa'), 'sa-jwt');
    const run = await authenticate({
      method: { type: 'kubernetes', wrap_ttl: '5m', config: { role: 'app', token_path: join(dir, 'sa') } },
      sink: { type: 'file', config: { path: join(dir, 'token') } },
    });
    const written = JSON.parse(readFileSync(join(dir, 'token'), 'utf8')) as { token: string; ttl: number; creation_path: string };
    expect(written.ttl).toBe(300);
    expect(written.creation_path).toBe('auth/kubernetes/login');
    expect(run.token.wrapped).toBe(true);
    expect(vault.requests().find((request) => request.endpoint === 'kubernetes.login')?.wrapTtlSeconds).toBe(300);
    await run.stop();
  });

  it('sink wrap_ttl: each write wraps the real token', async () => {
    vault.enableAuth('kubernetes');
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa-jwt', policies: ['default'] });
    writeFileSync(join(dir, 'sa'), 'sa-jwt');
    const run = await authenticate({
      method: { type: 'kubernetes', config: { role: 'app', token_path: join(dir, 'sa') } },
      sink: [
        { type: 'file', wrap_ttl: '2m', config: { path: join(dir, 'wrapped') } },
        { type: 'file', config: { path: join(dir, 'plain'), mode: 0o600 } },
      ],
    });
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toBe(run.token.token);
    const wrapped = JSON.parse(readFileSync(join(dir, 'wrapped'), 'utf8')) as { token: string; ttl: number };
    expect(wrapped.ttl).toBe(120);
    expect(wrapped.token).not.toBe(run.token.token);
    await run.stop();
  });

  describe('a token restored from the persistent cache (preloaded)', () => {
    const kubernetesAutoAuth = () => {
      vault.enableAuth('kubernetes');
      vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: 'sa.jwt.value', policies: ['default'] });
      writeFileSync(join(dir, 'sa-token'), 'sa.jwt.value');
      return {
        method: { type: 'kubernetes', config: { role: 'app', token_path: join(dir, 'sa-token') } },
        sink: { type: 'file', config: { path: join(dir, 'token') } },
      };
    };

    it('is looked up and used instead of a login, with its remaining TTL, and renewed', async () => {
      const autoAuth = kubernetesAutoAuth();
      const restored = vault.createToken({ ttlSeconds: 1800, policies: ['default'] });
      const run = await authenticate(autoAuth, restored.token);
      expect(run.token).toMatchObject({ token: restored.token, renewable: true, wrapped: false });
      expect(run.token.leaseSeconds).toBeGreaterThan(1790);
      expect(run.token.leaseSeconds).toBeLessThanOrEqual(1800);
      expect(vault.count('kubernetes.login')).toBe(0);
      expect(vault.count('token.lookup-self')).toBe(1);
      expect(readFileSync(join(dir, 'token'), 'utf8')).toBe(restored.token);
      await vault.waitFor(() => vault.count('token.renew-self') >= 1, 5000, 'a renewal');
      expect(run.logs()).not.toContain(restored.token);
      await run.stop();
    });

    it('a revoked one is dropped for a normal login', async () => {
      const autoAuth = kubernetesAutoAuth();
      const restored = vault.createToken({ ttlSeconds: 1800, policies: ['default'] });
      vault.faults.revokeToken(restored.token);
      const run = await authenticate(autoAuth, restored.token);
      expect(run.token.token).not.toBe(restored.token);
      expect(vault.token(run.token.token)?.path).toBe('auth/kubernetes/login');
      expect(run.logs()).toContain('the restored token is not valid any more');
      expect(run.logs()).not.toContain(restored.token);
      await run.stop();
    });

    it('is kept through a transient failure (503) and used once Vault answers', async () => {
      const autoAuth = kubernetesAutoAuth();
      const restored = vault.createToken({ ttlSeconds: 1800, policies: ['default'] });
      vault.faults.fail5xx(1, 503, { path: 'auth/token/lookup-self' });
      const run = await authenticate({ ...autoAuth, method: { ...autoAuth.method, min_backoff: '50ms', max_backoff: '100ms' } }, restored.token);
      expect(run.token.token).toBe(restored.token);
      expect(vault.count('token.lookup-self')).toBe(2);
      expect(vault.count('kubernetes.login')).toBe(0);
      expect(run.logs()).toContain('could not look up the restored token; trying again');
      await run.stop();
    });
  });
});
