// Credentials stay on the configured Vault host (issue 10): a Vault that answers 307 towards
// another host must not make the agent send its token, the service-account JWT or a client's
// token there; the local API proxy refuses dot segments and warns about non-loopback listeners.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { VaultRedirectError } from '../../agent/src/vault/vault-error.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import { createKubernetesMethod } from '../../agent/src/auth/kubernetes.js';
import { isLoopbackListener, normaliseProxyPath, startListeners } from '../../agent/src/listener/api-proxy.js';
import type { RunningListeners } from '../../agent/src/listener/api-proxy.js';
import type { ListenerConfig } from '../../agent/src/config/agent-config.js';
import { createAgentLogger } from '../../agent/src/log.js';

const TOKEN = 'hvs.AGENT-TOKEN-must-stay-home';
const CLIENT_TOKEN = 'hvs.CLIENT-TOKEN-must-stay-home';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.sa-jwt-must-stay-home';

interface Seen {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Recorder {
  readonly server: Server;
  readonly origin: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

/** A loopback server on `host` that records every request and answers with `reply`. */
async function startRecorder(host: string, reply: (seen: Seen) => { status: number; headers?: Record<string, string>; body?: string }): Promise<Recorder> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      const answer = reply(entry);
      response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers }).end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://${host}:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

function clientFor(address: string): VaultClient {
  const { connection, problems } = resolveVaultConnection(undefined, { VAULT_ADDR: address, VAULT_MAX_RETRIES: '0' });
  expect(problems).toEqual([]);
  const client = new VaultClient(connection, { random: () => 0 });
  opened.push(client);
  return client;
}

/** "Vault" redirects everything to `other`; `other` would happily answer 200. */
async function redirectingPair(otherHost: string): Promise<{ vault: Recorder; other: Recorder }> {
  const other = await startRecorder(otherHost, () => ({ status: 200, body: '{"data":{"ok":true},"auth":{"client_token":"x"}}' }));
  const vault = await startRecorder('127.0.0.1', (seen) => ({ status: 307, headers: { Location: `${other.origin}${seen.url}` } }));
  opened.push(other, vault);
  return { vault, other };
}

function everythingSeen(recorder: Recorder): string {
  return recorder.seen.map((entry) => `${entry.url} ${JSON.stringify(entry.headers)} ${entry.body}`).join('\n');
}

describe('Vault client redirects', () => {
  it.each([
    ['another port on 127.0.0.1', '127.0.0.1'],
    ['another loopback host', '127.0.0.2'],
  ])('a 307 to %s is refused: the other host sees no token and no JWT', async (_label, otherHost) => {
    const { vault, other } = await redirectingPair(otherHost);
    const client = clientFor(vault.origin);

    const read = client.request({ method: 'GET', path: 'secret/data/app', token: TOKEN });
    await expect(read).rejects.toBeInstanceOf(VaultRedirectError);
    await expect(read).rejects.toThrow(`refusing the redirect from ${vault.origin} to ${other.origin}`);

    // A kubernetes login: the JWT travels in the body.
    const method = createKubernetesMethod('auth/kubernetes', { role: 'app', token_path: '/sa/token' }, () => Promise.resolve(`${JWT}\n`));
    const plan = await method.planLogin({ address: vault.origin, request: (request) => client.request(request) });
    expect(plan.kind).toBe('login');
    if (plan.kind !== 'login') return;
    await expect(client.request({ method: 'POST', path: plan.path, body: plan.body, retries: 0 })).rejects.toBeInstanceOf(VaultRedirectError);

    expect(vault.seen).toHaveLength(2);
    expect(everythingSeen(vault)).toContain(TOKEN);
    expect(everythingSeen(vault)).toContain(JWT);
    expect(other.seen).toEqual([]);
  });

  it('a redirect on the configured origin is still followed, with the token', async () => {
    const vault = await startRecorder('127.0.0.1', (seen) =>
      seen.url.startsWith('/v1/standby/') ? { status: 307, headers: { Location: seen.url.replace('/standby/', '/active/') } } : { status: 200, body: '{"data":{"v":1}}' });
    opened.push(vault);
    const response = await clientFor(vault.origin).request({ method: 'GET', path: 'standby/kv', token: TOKEN });
    expect(response.status).toBe(200);
    expect(vault.seen.map((entry) => [entry.url, entry.headers['x-vault-token']])).toEqual([
      ['/v1/standby/kv', TOKEN],
      ['/v1/active/kv', TOKEN],
    ]);
  });
});

describe('API proxy', () => {
  const lines: string[] = [];
  const log = createAgentLogger({ level: 'trace', format: 'json', write: (line) => lines.push(line) });
  beforeEach(() => lines.splice(0));

  function listenerConfig(address: string): ListenerConfig {
    return { type: 'tcp', address, tlsDisable: true, tlsCertFile: undefined, tlsKeyFile: undefined, requireRequestHeader: false, enableQuit: false };
  }

  async function startProxy(client: VaultClient, address = '127.0.0.1:0'): Promise<{ running: RunningListeners; port: number }> {
    const running = await startListeners([listenerConfig(address)], {
      client,
      useAutoAuthToken: true,
      currentToken: () => TOKEN,
      log,
      onQuit: () => undefined,
      onInvalidToken: () => undefined,
    });
    opened.push(running);
    const address0 = running.addresses[0] ?? '';
    return { running, port: Number(address0.slice(address0.lastIndexOf(':') + 1)) };
  }

  function send(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => { resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  it('neither the auto-auth token nor a client\'s own token follows a 307 to another host', async () => {
    const { vault, other } = await redirectingPair('127.0.0.2');
    const { port } = await startProxy(clientFor(vault.origin));
    const auto = await send(port, '/v1/secret/data/app');
    const own = await send(port, '/v1/secret/data/app', { 'X-Vault-Token': CLIENT_TOKEN });
    expect(auto.status).toBe(502);
    expect(own.status).toBe(502);
    expect(vault.seen.map((entry) => entry.headers['x-vault-token'])).toEqual([TOKEN, CLIENT_TOKEN]);
    expect(other.seen).toEqual([]);
    const logged = lines.join('');
    expect(logged).toContain('refusing the redirect');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(CLIENT_TOKEN);
  });

  it.each([
    '/v1/../sys/raw',
    '/v1/%2e%2e/sys/raw',
    '/v1/%2E%2e/sys/raw',
    '/v1/secret/./data',
    '/v1/secret/%2e/data',
    '/v1/secret%2f..%2fsys/raw',
    '/v1/secret/%zz',
  ])('refuses %s with 400 and never forwards it', async (path) => {
    const vault = await startRecorder('127.0.0.1', () => ({ status: 200 }));
    opened.push(vault);
    const { port } = await startProxy(clientFor(vault.origin));
    const answer = await send(port, path);
    expect(answer.status).toBe(400);
    expect(vault.seen).toEqual([]);
  });

  it('collapses repeated slashes and forwards ordinary paths and queries unchanged', async () => {
    const vault = await startRecorder('127.0.0.1', () => ({ status: 200 }));
    opened.push(vault);
    const { port } = await startProxy(clientFor(vault.origin));
    expect((await send(port, '/v1//secret///data/app?version=2')).status).toBe(200);
    expect((await send(port, '/v1/secret/data/a..b')).status).toBe(200);
    expect(vault.seen.map((entry) => entry.url)).toEqual(['/v1/secret/data/app?version=2', '/v1/secret/data/a..b']);
    expect(normaliseProxyPath('/agent/v1//quit')?.path).toBe('/agent/v1/quit');
  });

  it('warns loudly about a listener on a non-loopback address, not about loopback ones', async () => {
    const vault = await startRecorder('127.0.0.1', () => ({ status: 200 }));
    opened.push(vault);
    await startProxy(clientFor(vault.origin), '0.0.0.0:0');
    expect(lines.filter((line) => line.includes('"@level":"warn"') && line.includes('not bound to a loopback address'))).toHaveLength(1);
    lines.splice(0);
    await startProxy(clientFor(vault.origin), '127.0.0.1:0');
    expect(lines.some((line) => line.includes('loopback'))).toBe(false);
    for (const address of ['0.0.0.0:8200', '[::]:8200', '10.1.2.3:8200', '[fe80::1]:8200', 'vault.example:8200']) {
      expect(isLoopbackListener(listenerConfig(address))).toBe(false);
    }
    for (const address of ['127.0.0.1:8200', '127.3.4.5:8200', '[::1]:8200', 'localhost:8200', ':8200']) {
      expect(isLoopbackListener(listenerConfig(address))).toBe(true);
    }
  });
});
