// PEM handling for pkiCert
// (https://github.com/hashicorp/consul-template/blob/main/dependency/vault_pki.go): split text into
// blocks, find the key, the CA certificates and the leaf, and compute the leaf's rotation point.
import { X509Certificate } from 'node:crypto';
import type { PkiCertificateData } from '../../../template/src/index.js';

export interface PemBundle {
  readonly data: PkiCertificateData;
  /** undefined when there is no leaf certificate. */
  readonly notBeforeMs: number | undefined;
  readonly notAfterMs: number | undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

interface PemParts {
  key: string;
  leaf: { pem: string; cert: X509Certificate } | undefined;
  readonly authorities: string[];
}

/** A certificate block: a CA joins the chain (once), any other is the leaf (the last one wins). */
function addCertificate(parts: PemParts, pem: string): void {
  const cert = parseCertificate(pem);
  if (cert === undefined) return;
  if (!cert.ca) parts.leaf = { pem: `${pem}\n`, cert };
  else if (!parts.authorities.includes(`${pem}\n`)) parts.authorities.push(`${pem}\n`);
}

export function parsePemBundle(text: string): PemBundle {
  const parts: PemParts = { key: '', leaf: undefined, authorities: [] };
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [pem, type] = match;
    if (type === undefined) continue;
    if (type.endsWith('PRIVATE KEY')) parts.key = `${pem}\n`;
    else if (type === 'CERTIFICATE') addCertificate(parts, pem);
  }
  const { key, leaf, authorities } = parts;
  return {
    data: { Cert: leaf?.pem ?? '', Key: key, CA: authorities[0] ?? '', CAChain: authorities },
    notBeforeMs: leaf === undefined ? undefined : Date.parse(leaf.cert.validFrom),
    notAfterMs: leaf === undefined ? undefined : Date.parse(leaf.cert.validTo),
  };
}

/** NotBefore + θ × lifetime: when a cached certificate must be replaced. */
export function rotationPointMs(bundle: PemBundle, threshold: number): number | undefined {
  if (bundle.notBeforeMs === undefined || bundle.notAfterMs === undefined) return undefined;
  return bundle.notBeforeMs + threshold * (bundle.notAfterMs - bundle.notBeforeMs);
}
