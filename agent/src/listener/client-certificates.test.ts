// tls_client_ca_file problems stop the listener at start with Vault's texts
// (go-secure-stdlib listenerutil.TLSConfig), instead of a listener that refuses every client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestTls } from '../../../test/vault-double/index.js';
import type { ListenerConfig } from '../config/agent-config.js';
import type { ApiProxyOptions } from './api-proxy.js';
import { startListeners } from './api-proxy.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'listener-mtls-'));
  const tls = await generateTestTls();
  writeFileSync(join(dir, 'tls.crt'), tls.certPem);
  writeFileSync(join(dir, 'tls.key'), tls.keyPem);
  writeFileSync(join(dir, 'junk.crt'), 'not a certificate\n');
  writeFileSync(join(dir, 'ca.crt'), tls.caPem);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const listener = (caFile: string): ListenerConfig => ({
  type: 'tcp',
  address: '127.0.0.1:0',
  tlsDisable: false,
  tlsCertFile: join(dir, 'tls.crt'),
  tlsKeyFile: join(dir, 'tls.key'),
  clientCertificates: { caFile },
  requireRequestHeader: false,
  enableQuit: false,
});
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const options = { client: {}, useAutoAuthToken: false, currentToken: () => undefined, log: silent, onQuit: () => undefined, onInvalidToken: () => undefined } as unknown as ApiProxyOptions;

it('refuses a missing or certificate-less tls_client_ca_file, and starts with a real one', async () => {
  await expect(startListeners([listener(join(dir, 'absent.crt'))], options)).rejects.toThrow(/^failed to read tls_client_ca_file: ENOENT/);
  await expect(startListeners([listener(join(dir, 'junk.crt'))], options)).rejects.toThrow(`failed to parse CA certificate in tls_client_ca_file ${join(dir, 'junk.crt')}`);
  const running = await startListeners([listener(join(dir, 'ca.crt'))], options);
  expect(running.addresses[0]).toMatch(/^127\.0\.0\.1:\d+$/);
  await running.close();
});
