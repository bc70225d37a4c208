// The Vault response budget (issue 10): a body larger than the maximum is cut while it streams,
// with an error naming the path and the limit; memory stays bounded; the limit comes from
// `vault { max_response_bytes }` or VAULT_AGENT_MAX_RESPONSE_BYTES.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { VaultResponseTooLargeError } from '../../agent/src/vault/vault-error.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import type { Environment } from '../../agent/src/config/vault-environment.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';

const MiB = 1024 * 1024;
let server: Server | undefined;
let sent = 0;
const clients: VaultClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    if (server === undefined) resolve();
    else server.close(() => { resolve(); });
  });
  server = undefined;
});

/** A "Vault" that streams `totalBytes` of JSON, chunked (no Content-Length) unless `announce`. */
async function startHugeVault(totalBytes: number, announce = false): Promise<string> {
  sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json', ...(announce ? { 'Content-Length': String(totalBytes + 17) } : {}) });
    response.write('{"data":{"v":"');
    let written = 0;
    const pump = (): void => {
      while (written < totalBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - written));
        written += piece.length;
        sent = Math.max(sent, written);
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end('"}}');
    };
    pump();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function clientFor(env: Environment, config?: Parameters<typeof resolveVaultConnection>[0]): VaultClient {
  const { connection, problems } = resolveVaultConnection(config, { VAULT_MAX_RETRIES: '0', ...env });
  expect(problems).toEqual([]);
  const client = new VaultClient(connection);
  clients.push(client);
  return client;
}

describe('Vault response size limit', () => {
  it('a 300 MB body is cut at the 32 MiB default while streaming: clear error, bounded memory', async () => {
    const address = await startHugeVault(300 * MiB);
    const before = process.memoryUsage().rss;
    const request = clientFor({ VAULT_ADDR: address }).request({ method: 'GET', path: 'secret/data/huge', token: 'hvs.x' });
    await expect(request).rejects.toBeInstanceOf(VaultResponseTooLargeError);
    await expect(request).rejects.toThrow('GET /v1/secret/data/huge: the response body is larger than 33554432 bytes');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MiB);
    // The server was stopped well before it had sent everything.
    expect(sent).toBeLessThan(300 * MiB);
  }, 30_000);

  it('VAULT_AGENT_MAX_RESPONSE_BYTES and vault.max_response_bytes set the limit; an announced Content-Length is refused up front', async () => {
    const address = await startHugeVault(2 * MiB, true);
    await expect(clientFor({ VAULT_ADDR: address, VAULT_AGENT_MAX_RESPONSE_BYTES: String(MiB) }).request({ method: 'GET', path: 'kv/a' }))
      .rejects.toThrow(`GET /v1/kv/a: the response body is larger than ${MiB} bytes`);
    const config = validateAgentConfig({ auto_auth: { method: { type: 'token_file', config: { token_file_path: '/t' } }, sink: [{ type: 'file', config: { path: '/s' } }] }, vault: { address, max_response_bytes: 4 * MiB } });
    expect(config.vault.maxResponseBytes).toBe(4 * MiB);
    const response = await clientFor({}, config.vault).request({ method: 'GET', path: 'kv/a' });
    expect(response.status).toBe(200);
    expect(() => validateAgentConfig({ auto_auth: { method: { type: 'token_file', config: { token_file_path: '/t' } }, sink: [{ type: 'file', config: { path: '/s' } }] }, vault: { max_response_bytes: 0 } }))
      .toThrow('vault.max_response_bytes: must be a positive number of bytes, got 0');
    expect(resolveVaultConnection(undefined, { VAULT_AGENT_MAX_RESPONSE_BYTES: 'lots' }).problems[0]).toContain('VAULT_AGENT_MAX_RESPONSE_BYTES');
  });
});
