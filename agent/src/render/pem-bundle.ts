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

export function parsePemBundle(text: string): PemBundle {
  let key = '';
  let leaf: { pem: string; cert: X509Certificate } | undefined;
  const authorities: string[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [pem, type] = match;
    if (type === undefined) continue;
    if (type.endsWith('PRIVATE KEY')) {
      key = `${pem}\n`;
    } else if (type === 'CERTIFICATE') {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        continue;
      }
      if (cert.ca) {
        if (!authorities.includes(`${pem}\n`)) authorities.push(`${pem}\n`);
      } else {
        leaf = { pem: `${pem}\n`, cert };
      }
    }
  }
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
