// -tls-min-version and -tls-cipher-suites: Go names (go-secure-stdlib tlsutil) validated with
// vault-k8s's messages, then translated to what Node's TLS (OpenSSL) understands.
import { getCiphers } from 'node:tls';
import type { SecureVersion } from 'node:tls';
import { goQuote } from '../../../common/src/go-quote.js';
import type { TlsMinVersion } from './settings.js';

const TLS_MIN_VERSIONS: Readonly<Record<TlsMinVersion, SecureVersion>> = {
  tls10: 'TLSv1',
  tls11: 'TLSv1.1',
  tls12: 'TLSv1.2',
  tls13: 'TLSv1.3',
};

/** Go cipher-suite name → OpenSSL name (the IANA names are OpenSSL's own for TLS 1.3). */
export const GO_CIPHER_TO_OPENSSL: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_RC4_128_SHA: 'ECDHE-ECDSA-RC4-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_RC4_128_SHA: 'ECDHE-RSA-RC4-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
};

/** Go always offers its TLS 1.3 suites whatever CipherSuites says; Node needs them listed. */
const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

/**
 * Default TLS 1.2 suites when -tls-cipher-suites is unset: ECDHE key exchange with an AEAD cipher
 * only (Node's defaults also accept CBC-SHA1, CCM8 and ARIA suites). These are Go's own preferred
 * suites (https://pkg.go.dev/crypto/tls#CipherSuites), so every API server can connect.
 * An explicit -tls-cipher-suites list replaces this.
 */
export const DEFAULT_TLS12_SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

export function isTlsMinVersion(value: string): value is TlsMinVersion {
  return Object.hasOwn(TLS_MIN_VERSIONS, value);
}

/** strutil.ParseStringSlice(value, ","): trim the whole, split, trim each; "" ⇒ none. */
export function splitCipherList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((name) => name.trim());
}

/** The vault-k8s error text for the first unknown cipher name, or undefined when all are known. */
export function cipherSuitesProblem(value: string): string | undefined {
  const unknown = splitCipherList(value).find((name) => !Object.hasOwn(GO_CIPHER_TO_OPENSSL, name));
  if (unknown === undefined) return undefined;
  return `failed to parse TLS cipher suites list ${goQuote(value)}: unsupported cipher ${goQuote(unknown)}`;
}

export interface NodeTlsOptions {
  readonly minVersion: SecureVersion;
  /** OpenSSL cipher string. */
  readonly ciphers: string | undefined;
}

/** Node TLS options equivalent to vault-k8s's tls.Config for the given Go settings. */
export function nodeTlsOptions(minVersion: TlsMinVersion, goCipherSuites: readonly string[]): NodeTlsOptions {
  // OpenSSL's default security level refuses TLS 1.0/1.1, which Go still allows when asked.
  const legacy = minVersion === 'tls10' || minVersion === 'tls11';
  if (goCipherSuites.length === 0) {
    // TLS 1.0/1.1 have no AEAD suites: asking for them keeps OpenSSL's defaults.
    return { minVersion: TLS_MIN_VERSIONS[minVersion], ciphers: legacy ? 'DEFAULT:@SECLEVEL=0' : [...DEFAULT_TLS12_SUITES, ...TLS13_SUITES].join(':') };
  }
  const available = new Set(getCiphers().map((name) => name.toUpperCase()));
  const tls12 = goCipherSuites
    .map((name) => GO_CIPHER_TO_OPENSSL[name])
    .filter((name): name is string => name !== undefined && !name.startsWith('TLS_') && available.has(name));
  const unique = [...new Set([...tls12, ...TLS13_SUITES])];
  if (legacy) unique.push('@SECLEVEL=0');
  return { minVersion: TLS_MIN_VERSIONS[minVersion], ciphers: unique.join(':') };
}
