// What the caBundle of every webhook in our MutatingWebhookConfiguration should hold, and the JSON
// patch that gets it there. Pure. Unlike vault-k8s (webhooks[0] only:
// https://github.com/hashicorp/vault-k8s/blob/main/subcommand/injector/command.go) every entry is
// kept current, since each is called with our serving certificate.
//
// Rollover: when our CA replaces another, the previous bundle's last certificate stays in front of
// ours (as vault-k8s does), so replicas still serving a leaf of the old CA keep being trusted
// until they pick up the new one. An expired or unparsable previous certificate is dropped.
import { X509Certificate, createHash } from 'node:crypto';

import type { JsonPatchOperation, WebhookConfiguration } from './cluster-api.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The CERTIFICATE blocks of a PEM text, each normalised to end with one newline. */
export function pemCertificates(pem: string): string[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => `${block.trim()}\n`);
}

function sameCertificate(a: string, b: string): boolean {
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

/** SHA-256 of the first certificate's DER, colon-separated: a safe way to name a CA in logs. */
export function certificateFingerprint(pem: string): string {
  const [first] = pemCertificates(pem);
  if (first === undefined) return '';
  return createHash('sha256').update(new X509Certificate(first).raw).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}

function decodeBundle(caBundle: string | undefined): string {
  return caBundle === undefined || caBundle === '' ? '' : Buffer.from(caBundle, 'base64').toString('utf8');
}

function stillValid(pem: string, now: Date): boolean {
  try {
    return new Date(new X509Certificate(pem).validTo).getTime() > now.getTime();
  } catch {
    return false;
  }
}

/** True when the bundle already ends with our CA (nothing to write). */
export function bundleIsCurrent(caBundle: string | undefined, caPem: string): boolean {
  const [ours] = pemCertificates(caPem);
  const last = pemCertificates(decodeBundle(caBundle)).at(-1);
  return ours !== undefined && last !== undefined && sameCertificate(last, ours);
}

/** The caBundle value (base64) to write for a webhook whose bundle is `caBundle` now. */
export function desiredBundle(caBundle: string | undefined, caPem: string, now: Date): string {
  const ours = pemCertificates(caPem);
  const previous = pemCertificates(decodeBundle(caBundle)).at(-1);
  const keep = previous !== undefined && !ours.some((cert) => sameCertificate(cert, previous)) && stillValid(previous, now) ? [previous] : [];
  return Buffer.from([...keep, ...ours].join(''), 'utf8').toString('base64');
}

/** JSON patch putting our CA into every webhook that lacks it; [] when all are current. */
export function caBundlePatch(configuration: WebhookConfiguration, caPem: string, now: Date): JsonPatchOperation[] {
  return configuration.webhooks.flatMap((webhook, index) =>
    bundleIsCurrent(webhook.caBundle, caPem)
      ? []
      : [{ op: 'add' as const, path: `/webhooks/${index}/clientConfig/caBundle`, value: desiredBundle(webhook.caBundle, caPem, now) }],
  );
}
