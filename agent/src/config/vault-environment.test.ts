import { resolveVaultConnection } from './vault-environment.js';
import { validateAgentConfig } from './validate-agent-config.js';

const fileConfig = validateAgentConfig({ vault: { address: 'https://vault.file:8200', ca_cert: '/vault/tls/ca.crt', tls_skip_verify: false, namespace: 'team/' } }).vault;

describe('resolveVaultConnection', () => {
  it('uses the config file, then defaults', () => {
    const { connection, problems } = resolveVaultConnection(fileConfig, {});
    expect(problems).toEqual([]);
    expect(connection).toMatchObject({ address: 'https://vault.file:8200', caCertFile: '/vault/tls/ca.crt', namespace: 'team/', timeoutMs: 60_000, maxRetries: 2, proxy: undefined });
    expect(resolveVaultConnection(undefined, {}).connection.address).toBe('https://127.0.0.1:8200');
  });

  it('lets VAULT_* variables beat the file for address and TLS, as the Vault CLI does', () => {
    const { connection } = resolveVaultConnection(fileConfig, {
      VAULT_ADDR: 'https://vault.env:8200/',
      VAULT_CACERT: '/env/ca.pem',
      VAULT_CACERT_BYTES: '-----BEGIN CERTIFICATE-----',
      VAULT_SKIP_VERIFY: '1',
      VAULT_TLS_SERVER_NAME: 'vault.internal',
      VAULT_CLIENT_TIMEOUT: '5s',
      VAULT_MAX_RETRIES: '0',
    });
    expect(connection).toMatchObject({
      address: 'https://vault.env:8200',
      caCertFile: '/env/ca.pem',
      caCertPem: '-----BEGIN CERTIFICATE-----',
      tlsSkipVerify: true,
      tlsServerName: 'vault.internal',
      timeoutMs: 5000,
      maxRetries: 0,
    });
  });

  it('picks the proxy by scheme and honours NO_PROXY', () => {
    const https = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://plain:3128' };
    expect(resolveVaultConnection(fileConfig, https).connection.proxy).toBe('http://proxy:3128');
    expect(resolveVaultConnection(fileConfig, { ...https, VAULT_ADDR: 'http://vault:8200' }).connection.proxy).toBe('http://plain:3128');
    expect(resolveVaultConnection(fileConfig, { ...https, NO_PROXY: 'localhost,.file' }).connection.proxy).toBeUndefined();
    expect(resolveVaultConnection(fileConfig, { ...https, VAULT_PROXY_ADDR: 'http://explicit:1' }).connection.proxy).toBe('http://explicit:1');
  });

  it('reports every bad variable', () => {
    const { problems } = resolveVaultConnection(fileConfig, { VAULT_ADDR: 'vault:8200', VAULT_SKIP_VERIFY: 'maybe', VAULT_CLIENT_TIMEOUT: 'soon', VAULT_MAX_RETRIES: '-1' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/VAULT_SKIP_VERIFY[\s\S]*VAULT_CLIENT_TIMEOUT[\s\S]*VAULT_MAX_RETRIES[\s\S]*vault address/);
  });
});
