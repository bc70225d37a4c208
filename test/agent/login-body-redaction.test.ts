// A login body's credentials never come back through an error: a server that echoes the request
// (as the double's echoRequest fault does) gets them redacted by the Vault client — ldap's password
// and cf's signature (a login proof until its signing time ages out) included.
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { startVaultDouble } from '../vault-double/index.js';
import type { VaultDouble } from '../vault-double/index.js';

let vault: VaultDouble;
beforeAll(async () => {
  vault = await startVaultDouble();
  vault.faults.echoRequest({ path: /^auth\// });
});
afterAll(async () => {
  await vault.close();
});

it.each([
  ['auth/ldap/login/svc-app', { password: 'pw-Echo-7731' }, 'pw-Echo-7731'],
  ['auth/cf/login', { role: 'app', signing_time: '2024-01-02T03:04:05Z', signature: 'v1:c2lnbmF0dXJlLWVjaG8tOTk=' }, 'v1:c2lnbmF0dXJlLWVjaG8tOTk='],
])('%s: the echoed body is redacted', async (path, body, secret) => {
  const client = new VaultClient(resolveVaultConnection({ ...validateAgentConfig({}).vault, address: vault.address }, {}).connection);
  const failure = await client.request({ method: 'PUT', path, body, retries: 0 }).then(() => undefined, (error: unknown) => error);
  expect(String(failure)).toContain(`echo: PUT /v1/${path}`);
  expect(String(failure)).not.toContain(secret);
});
