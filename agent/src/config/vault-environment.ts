// VAULT_* environment handling, as Vault's CLI and API client apply it: for the address and TLS
// settings a set variable beats the config file
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#vault-stanza), and a few
// settings exist only as environment variables (CA bytes, timeout, retries, proxy).
import type { VaultConnectionConfig } from './agent-config.js';
import { DEFAULTS } from './agent-config.js';
import { decodeBool, decodeDurationMs, decodeInt } from './config-values.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Everything the HTTP client needs to reach Vault. */
export interface VaultConnection {
  readonly address: string;
  readonly caCertFile: string | undefined;
  readonly caCertPem: string | undefined;
  readonly caPath: string | undefined;
  readonly clientCertFile: string | undefined;
  readonly clientKeyFile: string | undefined;
  readonly tlsSkipVerify: boolean;
  readonly tlsServerName: string | undefined;
  readonly namespace: string | undefined;
  /** Per-request timeout (VAULT_CLIENT_TIMEOUT, default 60 s). */
  readonly timeoutMs: number;
  /** Transport-level retries on connection errors, 412, 429 and 5xx but 501 (VAULT_MAX_RETRIES, default 2). */
  readonly maxRetries: number;
  /** Forward proxy (VAULT_PROXY_ADDR / VAULT_HTTP_PROXY, else HTTPS_PROXY/HTTP_PROXY honouring NO_PROXY). */
  readonly proxy: string | undefined;
  /**
   * Largest response body read from Vault, enforced while it streams (ours: VAULT_AGENT_MAX_RESPONSE_BYTES
   * beats `vault { max_response_bytes }`; default 32 MiB). A larger body fails the request.
   */
  readonly maxResponseBytes?: number;
}

export interface ConnectionOverrides {
  readonly address?: string;
  readonly caCert?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly tlsSkipVerify?: boolean;
}

/** Problems are returned, not thrown, so the caller can report them with the config's. */
export function resolveVaultConnection(
  config: VaultConnectionConfig | undefined,
  env: Environment,
  overrides: ConnectionOverrides = {},
): { connection: VaultConnection; problems: string[] } {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const skipFromEnv = text('VAULT_SKIP_VERIFY');
  let tlsSkipVerify = overrides.tlsSkipVerify ?? config?.tlsSkipVerify ?? false;
  if (overrides.tlsSkipVerify === undefined && skipFromEnv !== undefined) {
    const decoded = decodeBool(skipFromEnv);
    if (decoded.ok) tlsSkipVerify = decoded.value;
    else problems.push(`VAULT_SKIP_VERIFY: ${decoded.error}`);
  }
  const timeout = text('VAULT_CLIENT_TIMEOUT');
  let timeoutMs = 60_000;
  if (timeout !== undefined) {
    const decoded = decodeDurationMs(timeout);
    if (decoded.ok && decoded.value > 0) timeoutMs = decoded.value;
    else problems.push(`VAULT_CLIENT_TIMEOUT: ${decoded.ok ? 'must be positive' : decoded.error}`);
  }
  const retries = text('VAULT_MAX_RETRIES');
  let maxRetries = 2;
  if (retries !== undefined) {
    const decoded = decodeInt(retries);
    if (decoded.ok && decoded.value >= 0) maxRetries = decoded.value;
    else problems.push(`VAULT_MAX_RETRIES: ${decoded.ok ? 'must not be negative' : decoded.error}`);
  }
  const maxBytesText = text('VAULT_AGENT_MAX_RESPONSE_BYTES');
  let maxResponseBytes = config?.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  if (maxBytesText !== undefined) {
    const decoded = decodeInt(maxBytesText);
    if (decoded.ok && decoded.value > 0) maxResponseBytes = decoded.value;
    else problems.push(`VAULT_AGENT_MAX_RESPONSE_BYTES: ${decoded.ok ? 'must be positive' : decoded.error}`);
  }
  const address = overrides.address ?? text('VAULT_ADDR') ?? config?.address ?? DEFAULTS.vaultAddress;
  try {
    const url = new URL(address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`vault address ${address}: scheme must be http or https`);
  } catch {
    problems.push(`vault address ${JSON.stringify(address)} is not a URL`);
  }
  const connection: VaultConnection = {
    address: address.replace(/\/+$/, ''),
    caCertFile: overrides.caCert ?? text('VAULT_CACERT') ?? config?.caCert,
    caCertPem: text('VAULT_CACERT_BYTES'),
    caPath: text('VAULT_CAPATH') ?? config?.caPath,
    clientCertFile: overrides.clientCert ?? text('VAULT_CLIENT_CERT') ?? config?.clientCert,
    clientKeyFile: overrides.clientKey ?? text('VAULT_CLIENT_KEY') ?? config?.clientKey,
    tlsSkipVerify,
    tlsServerName: text('VAULT_TLS_SERVER_NAME') ?? config?.tlsServerName,
    namespace: config?.namespace ?? text('VAULT_NAMESPACE'),
    timeoutMs,
    maxRetries,
    proxy: proxyFor(address, env),
    maxResponseBytes,
  };
  return { connection, problems };
}

function proxyFor(address: string, env: Environment): string | undefined {
  const explicit = env.VAULT_PROXY_ADDR ?? env.VAULT_HTTP_PROXY;
  if (explicit !== undefined && explicit !== '') return explicit;
  let host: string;
  try {
    host = new URL(address).hostname;
  } catch {
    return undefined;
  }
  const https = address.startsWith('https:');
  const proxy = https ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (proxy === undefined || proxy === '') return undefined;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  const bypass = noProxy.some((entry) => entry === '*' || host === entry.replace(/^\./, '') || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
  return bypass ? undefined : proxy;
}
