// VAULT_* environment handling, as Vault's CLI and API client apply it: for the address and TLS
// settings a set variable beats the config file
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent#vault-stanza), and a few
// settings exist only as environment variables (CA bytes, timeout, retries, proxy).
import type { VaultConnectionConfig } from './agent-config.js';
import { DEFAULTS } from './agent-config.js';
import { decodeBool, decodeDurationMs, decodeInt, type Decoded } from './config-values.js';
import { trimTrailing } from '../../../common/src/trim.js';

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

function envText(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A numeric VAULT_* variable: its decoder, the values it accepts, and the rule named when it does not. */
interface NumericVariable {
  readonly name: string;
  readonly decode: (value: unknown) => Decoded<number>;
  readonly accept: (value: number) => boolean;
  readonly rule: string;
}

const CLIENT_TIMEOUT: NumericVariable = { name: 'VAULT_CLIENT_TIMEOUT', decode: decodeDurationMs, accept: (ms) => ms > 0, rule: 'must be positive' };
const MAX_RETRIES: NumericVariable = { name: 'VAULT_MAX_RETRIES', decode: decodeInt, accept: (count) => count >= 0, rule: 'must not be negative' };
const MAX_RESPONSE_BYTES: NumericVariable = { name: 'VAULT_AGENT_MAX_RESPONSE_BYTES', decode: decodeInt, accept: (bytes) => bytes > 0, rule: 'must be positive' };

/** The variable's value when set and valid; otherwise `fallback` (and a problem when it is set but invalid). */
function numberFromEnv(env: Environment, variable: NumericVariable, fallback: number, problems: string[]): number {
  const text = envText(env, variable.name);
  if (text === undefined) return fallback;
  const decoded = variable.decode(text);
  if (decoded.ok && variable.accept(decoded.value)) return decoded.value;
  problems.push(`${variable.name}: ${decoded.ok ? variable.rule : decoded.error}`);
  return fallback;
}

/** -tls-skip-verify beats VAULT_SKIP_VERIFY, which beats the config file. */
function resolveSkipVerify(config: VaultConnectionConfig | undefined, env: Environment, overrides: ConnectionOverrides, problems: string[]): boolean {
  const fallback = overrides.tlsSkipVerify ?? config?.tlsSkipVerify ?? false;
  const fromEnv = envText(env, 'VAULT_SKIP_VERIFY');
  if (overrides.tlsSkipVerify !== undefined || fromEnv === undefined) return fallback;
  const decoded = decodeBool(fromEnv);
  if (decoded.ok) return decoded.value;
  problems.push(`VAULT_SKIP_VERIFY: ${decoded.error}`);
  return fallback;
}

function checkAddress(address: string, problems: string[]): void {
  try {
    const url = new URL(address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`vault address ${address}: scheme must be http or https`);
  } catch {
    problems.push(`vault address ${JSON.stringify(address)} is not a URL`);
  }
}

type TlsFiles = Pick<VaultConnection, 'caCertFile' | 'caCertPem' | 'caPath' | 'clientCertFile' | 'clientKeyFile'>;

/** Flag, then variable, then config file; the CA bytes exist only as a variable. */
function resolveTlsFiles(config: VaultConnectionConfig | undefined, env: Environment, overrides: ConnectionOverrides): TlsFiles {
  return {
    caCertFile: overrides.caCert ?? envText(env, 'VAULT_CACERT') ?? config?.caCert,
    caCertPem: envText(env, 'VAULT_CACERT_BYTES'),
    caPath: envText(env, 'VAULT_CAPATH') ?? config?.caPath,
    clientCertFile: overrides.clientCert ?? envText(env, 'VAULT_CLIENT_CERT') ?? config?.clientCert,
    clientKeyFile: overrides.clientKey ?? envText(env, 'VAULT_CLIENT_KEY') ?? config?.clientKey,
  };
}

/** Problems are returned, not thrown, so the caller can report them with the config's. */
export function resolveVaultConnection(
  config: VaultConnectionConfig | undefined,
  env: Environment,
  overrides: ConnectionOverrides = {},
): { connection: VaultConnection; problems: string[] } {
  const problems: string[] = [];
  const tlsSkipVerify = resolveSkipVerify(config, env, overrides, problems);
  const timeoutMs = numberFromEnv(env, CLIENT_TIMEOUT, 60_000, problems);
  const maxRetries = numberFromEnv(env, MAX_RETRIES, 2, problems);
  const maxResponseBytes = numberFromEnv(env, MAX_RESPONSE_BYTES, config?.maxResponseBytes ?? DEFAULTS.maxResponseBytes, problems);
  const address = overrides.address ?? envText(env, 'VAULT_ADDR') ?? config?.address ?? DEFAULTS.vaultAddress;
  checkAddress(address, problems);
  const connection: VaultConnection = {
    address: trimTrailing(address, '/'),
    ...resolveTlsFiles(config, env, overrides),
    tlsSkipVerify,
    tlsServerName: envText(env, 'VAULT_TLS_SERVER_NAME') ?? config?.tlsServerName,
    namespace: config?.namespace ?? envText(env, 'VAULT_NAMESPACE'),
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
  return bypassesProxy(host, env) ? undefined : proxy;
}

/** NO_PROXY: `*`, the host itself, or a domain suffix (with or without a leading dot). */
function bypassesProxy(host: string, env: Environment): boolean {
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return noProxy.some((entry) => entry === '*' || host === entry.replace(/^\./, '') || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}
