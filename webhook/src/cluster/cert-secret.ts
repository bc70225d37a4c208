// The certificate Secret's contents (keys in cluster-names.ts) and the checks that decide whether
// what it holds can be served, kept, or must be replaced. Pure, over PEM text and a clock.
import { X509Certificate } from 'node:crypto';

import { checkKeyPair } from '../tls/x509.js';
import { CERT_SECRET_KEYS } from './cluster-names.js';

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface StoredCertificates {
  readonly ca: PemPair | undefined;
  readonly leaf: PemPair | undefined;
}

/** Below this fraction of its lifetime left, a certificate is renewed (vault-k8s: 10 %). */
const RENEW_FRACTION = 0.1;

export function decodeCertSecret(data: Readonly<Record<string, string>>): StoredCertificates {
  const pair = (cert: string, key: string): PemPair | undefined => {
    const certPem = data[cert];
    const keyPem = data[key];
    return certPem && keyPem ? { certPem, keyPem } : undefined;
  };
  return { ca: pair(CERT_SECRET_KEYS.caCert, CERT_SECRET_KEYS.caKey), leaf: pair(CERT_SECRET_KEYS.leafCert, CERT_SECRET_KEYS.leafKey) };
}

export function encodeCertSecret(ca: PemPair, leaf: PemPair): Record<string, string> {
  return {
    [CERT_SECRET_KEYS.caCert]: ca.certPem,
    [CERT_SECRET_KEYS.caKey]: ca.keyPem,
    [CERT_SECRET_KEYS.leafCert]: leaf.certPem,
    [CERT_SECRET_KEYS.leafKey]: leaf.keyPem,
  };
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function renewAtMs(certificate: X509Certificate): number {
  const notBefore = new Date(certificate.validFrom).getTime();
  const notAfter = new Date(certificate.validTo).getTime();
  return notAfter - (notAfter - notBefore) * RENEW_FRACTION;
}

export type CaCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether the leader may keep signing with this CA. */
export function checkCa(ca: PemPair | undefined, now: Date): CaCheck {
  if (ca === undefined) return { ok: false, reason: 'missing' };
  const pair = checkKeyPair(ca.certPem, ca.keyPem);
  if (!pair.ok) return { ok: false, reason: pair.error };
  const certificate = parse(ca.certPem);
  if (certificate === undefined || !certificate.ca) return { ok: false, reason: 'not a CA certificate' };
  if (now.getTime() >= renewAtMs(certificate)) return { ok: false, reason: 'expiring' };
  return { ok: true };
}

export type LeafCheck =
  | { readonly status: 'ok'; readonly notAfter: Date; readonly renewAt: Date }
  /** Still servable (followers keep serving it) but the leader replaces it now. */
  | { readonly status: 'renew'; readonly reason: string; readonly notAfter: Date }
  | { readonly status: 'unusable'; readonly reason: string };

function sanHosts(certificate: X509Certificate): Set<string> {
  return new Set(
    (certificate.subjectAltName ?? '')
      .split(', ')
      .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
      .filter((entry) => entry !== ''),
  );
}

/** Whether `leaf` is a valid serving certificate of `caCertPem` for `hosts` at `now`. */
export function checkLeaf(leaf: PemPair | undefined, caCertPem: string, hosts: readonly string[], now: Date): LeafCheck {
  if (leaf === undefined) return { status: 'unusable', reason: 'missing' };
  const pair = checkKeyPair(leaf.certPem, leaf.keyPem);
  if (!pair.ok) return { status: 'unusable', reason: pair.error };
  const certificate = parse(leaf.certPem);
  const ca = parse(caCertPem);
  if (certificate === undefined || ca === undefined) return { status: 'unusable', reason: 'unparsable certificate' };
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return { status: 'unusable', reason: 'not signed by the CA' };
  const notAfter = new Date(certificate.validTo);
  if (now.getTime() >= notAfter.getTime()) return { status: 'unusable', reason: 'expired' };
  const names = sanHosts(certificate);
  const missing = hosts.filter((host) => !names.has(host));
  if (missing.length > 0) return { status: 'renew', reason: `hosts changed (missing ${missing.join(', ')})`, notAfter };
  const renewAt = renewAtMs(certificate);
  if (now.getTime() >= renewAt) return { status: 'renew', reason: 'expiring', notAfter };
  return { status: 'ok', notAfter, renewAt: new Date(renewAt) };
}
