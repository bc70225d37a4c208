// The Vault HTTP client against the double: TLS from VAULT_CACERT_BYTES / VAULT_CACERT, namespace
// header, Vault's retry rules, typed errors that never carry the token or the request body.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestTls, startVaultDouble } from '../vault-double/index.js';
import type { VaultDouble } from '../vault-double/index.js';
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { VaultConnectionError, VaultResponseError, isInvalidTokenError } from '../../agent/src/vault/vault-error.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import type { Environment } from '../../agent/src/config/vault-environment.js';

let vault: VaultDouble | undefined;
const clients: VaultClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await vault?.close();
  vault = undefined;
});

function clientFor(env: Environment, config?: Parameters<typeof resolveVaultConnection>[0]): VaultClient {
  const { connection, problems } = resolveVaultConnection(config, env);
  expect(problems).toEqual([]);
  const client = new VaultClient(connection, { random: () => 0 });
  clients.push(client);
  return client;
}

describe('VaultClient', () => {
  it('verifies TLS with VAULT_CACERT_BYTES or VAULT_CACERT, and refuses an unknown CA', async () => {
    const tls = await generateTestTls();
    vault = await startVaultDouble({ tls });
    const dir = mkdtempSync(join(tmpdir(), 'ca-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), tls.caPem);
      for (const env of [{ VAULT_ADDR: vault.address, VAULT_CACERT_BYTES: tls.caPem }, { VAULT_ADDR: vault.address, VAULT_CACERT: join(dir, 'ca.pem') }]) {
        const response = await clientFor(env).request({ method: 'GET', path: 'sys/health' });
        expect(response.status).toBe(200);
      }
      await expect(clientFor({ VAULT_ADDR: vault.address }).request({ method: 'GET', path: 'sys/health', retries: 0 })).rejects.toBeInstanceOf(VaultConnectionError);
      const skip = await clientFor({ VAULT_ADDR: vault.address, VAULT_SKIP_VERIFY: 'true' }).request({ method: 'GET', path: 'sys/health' });
      expect(skip.status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('VAULT_ADDR beats the config file; the namespace header and X-Vault-Request are sent', async () => {
    vault = await startVaultDouble();
    vault.createNamespace('team-a');
    const client = clientFor({ VAULT_ADDR: vault.address }, { ...resolveVaultConnectionDefaults(), address: 'http://127.0.0.1:1', namespace: 'team-a/' });
    await client.request({ method: 'GET', path: 'sys/health' });
    const [request] = vault.requests();
    expect(request?.namespaceHeader).toBe('team-a');
    expect(request?.vaultRequestHeader).toBe(true);
  });

  it('retries 5xx (not 501) and connection errors, up to VAULT_MAX_RETRIES', async () => {
    vault = await startVaultDouble();
    const client = clientFor({ VAULT_ADDR: vault.address, VAULT_MAX_RETRIES: '2' });
    vault.faults.fail5xx(2, 503);
    expect((await client.request({ method: 'GET', path: 'sys/health' })).status).toBe(200);
    expect(vault.requests()).toHaveLength(3);
    vault.clearRequests();
    vault.faults.fail5xx(1, 501);
    await expect(client.request({ method: 'GET', path: 'sys/health' })).rejects.toMatchObject({ status: 501 });
    expect(vault.requests()).toHaveLength(1);
  }, 20_000);

  it('maps Vault errors to typed errors without the token or the body', async () => {
    vault = await startVaultDouble();
    const token = vault.createToken({ policies: ['default'] }).token;
    vault.faults.forbidToken(token, 'invalid-token');
    const client = clientFor({ VAULT_ADDR: vault.address });
    let caught: unknown;
    try {
      await client.request({ method: 'PUT', path: 'kv/app', token, body: { password: 'body-secret-value' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VaultResponseError);
    expect(isInvalidTokenError(caught)).toBe(true);
    const text = `${(caught as Error).message} ${JSON.stringify(caught)}`;
    expect(text).toContain('PUT /v1/kv/app: Vault answered 403');
    expect(text).not.toContain(token);
    expect(text).not.toContain('body-secret-value');
  });
});

function resolveVaultConnectionDefaults() {
  return {
    address: undefined, caCert: undefined, caPath: undefined, clientCert: undefined, clientKey: undefined,
    tlsSkipVerify: false, tlsServerName: undefined, namespace: undefined, retry: { numRetries: 12 },
  };
}

/** A minimal forward proxy that only tunnels (HTTP CONNECT) and counts the tunnels it opened. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const server: Server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, socket) => {
    const [host, port] = (request.url ?? '').split(':');
    tunnels.push(request.url ?? '');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}

describe('VaultClient through a forward proxy', () => {
  it('tunnels http and https through VAULT_PROXY_ADDR / HTTP(S)_PROXY and honours NO_PROXY', async () => {
    const proxy = await startConnectProxy();
    try {
      vault = await startVaultDouble();
      const plain = clientFor({ VAULT_ADDR: vault.address, HTTP_PROXY: proxy.url });
      expect((await plain.request({ method: 'GET', path: 'sys/health' })).status).toBe(200);
      expect(proxy.tunnels).toEqual([`127.0.0.1:${vault.port}`]);
      const bypass = clientFor({ VAULT_ADDR: vault.address, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      await bypass.request({ method: 'GET', path: 'sys/health' });
      expect(proxy.tunnels).toHaveLength(1);
      await vault.close();
      const tls = await generateTestTls();
      vault = await startVaultDouble({ tls });
      const secure = clientFor({ VAULT_ADDR: vault.address, VAULT_CACERT_BYTES: tls.caPem, VAULT_PROXY_ADDR: proxy.url });
      expect((await secure.request({ method: 'GET', path: 'sys/health' })).status).toBe(200);
      expect(proxy.tunnels[1]).toBe(`127.0.0.1:${vault.port}`);
      expect(proxy.tunnels).toHaveLength(2);
    } finally {
      for (const client of clients.splice(0)) client.close();
      await proxy.close();
    }
  });
});


describe('VaultClient and success bodies that are not JSON', () => {
  /** A stand-in for whatever sits at VAULT_ADDR: answers each path with a fixed status and body. */
  async function answering(routes: Record<string, { status: number; body: string }>): Promise<{ address: string; close: () => Promise<void> }> {
    const server: Server = createServer((request, response) => {
      const route = routes[(request.url ?? '').split('?')[0] ?? ''] ?? { status: 404, body: '{"errors":[]}' };
      response.writeHead(route.status, { 'Content-Type': 'text/html' });
      response.end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }),
    };
  }

  it('a 200 HTML page (an ingress or proxy answering for Vault) fails the request with the path and a parse message, as Vault\'s client does', async () => {
    const deep = `{"data":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const stand = await answering({
      '/v1/secret/data/app': { status: 200, body: '<html><body>Sign in to continue</body></html>' },
      '/v1/transit/decrypt/k': { status: 200, body: '{"data":{"plaintext":"cGxh' },
      '/v1/nested/deep': { status: 200, body: deep },
      '/v1/sys/empty': { status: 204, body: '' },
      '/v1/secret/metadata/': { status: 404, body: '<html>not here</html>' },
    });
    try {
      const client = clientFor({ VAULT_ADDR: stand.address, VAULT_MAX_RETRIES: '0' });
      const failure = await client.request({ method: 'GET', path: 'secret/data/app', token: 'hvs.reader' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(VaultResponseError);
      expect((failure as VaultResponseError).message).toMatch(/^GET \/v1\/secret\/data\/app: Vault answered 200: the response body is not valid JSON \(.+\)$/);
      expect((failure as VaultResponseError).message).not.toContain('Sign in');
      // A body cut off mid-way, and one nested past the parser's depth, fail the same way.
      await expect(client.request({ method: 'PUT', path: 'transit/decrypt/k', token: 'hvs.reader', body: { ciphertext: 'vault:v1:x' } })).rejects.toThrow(/Vault answered 200: the response body is not valid JSON/);
      await expect(client.request({ method: 'GET', path: 'nested/deep', token: 'hvs.reader' })).rejects.toThrow(/Vault answered 200: the response body is not valid JSON/);
      // No body at all is not an error; nor is an accepted 404's page (its body is not read).
      expect(await client.request({ method: 'GET', path: 'sys/empty', token: 'hvs.reader' })).toEqual({ status: 204, body: undefined });
      expect(await client.request({ method: 'GET', path: 'secret/metadata/', token: 'hvs.reader', acceptStatuses: [404] })).toEqual({ status: 404, body: undefined });
    } finally {
      await stand.close();
    }
  });
});
