// Which certificate source the webhook serves from, decided once from Settings: files
// (-tls-cert-file/-tls-key-file), or a certificate generated in-process; with -tls-auto the
// Kubernetes side (caBundle updater, and with -use-leader-elector a Secret-shared certificate
// that replaces the local one) runs on top. The SANs default to the Service the manifests create
// when -tls-auto-hosts is empty.
import type { Settings } from '../settings/settings.js';
import type { Logger } from '../log.js';
import { namedLogger } from '../log.js';
import type { CertificateSource } from './certificate-source.js';
import { FileCertificateSource } from './file-source.js';
import { GeneratedCertificateSource } from './generated-source.js';

/** The Service name the manifests use; the default SANs when -tls-auto-hosts is empty. */
export const DEFAULT_SERVICE_NAME = 'vault-agent-injector-svc';

export type LocalCertificates =
  | { readonly kind: 'files'; readonly certFile: string; readonly keyFile: string; readonly caFile: string }
  | { readonly kind: 'generated'; readonly hosts: readonly string[] };

/** Without -tls-auto a local source serves; with it the Kubernetes side runs too, and may replace it. */
export type CertificatePlan =
  | { readonly local: LocalCertificates; readonly cluster: undefined }
  | {
      /** Undefined when the leader-elected, Secret-shared certificate is the only source. */
      readonly local: LocalCertificates | undefined;
      /** -tls-auto: caBundle updates, and a shared certificate with these SANs. */
      readonly cluster: { readonly hosts: readonly string[] };
    };

export function defaultAutoHosts(namespace: string): string[] {
  return [DEFAULT_SERVICE_NAME, `${DEFAULT_SERVICE_NAME}.${namespace}`, `${DEFAULT_SERVICE_NAME}.${namespace}.svc`];
}

export function planCertificates(settings: Pick<Settings, 'tls' | 'namespace' | 'useLeaderElector'>): CertificatePlan {
  const { tls } = settings;
  const hosts = tls.autoHosts.length > 0 ? tls.autoHosts : defaultAutoHosts(settings.namespace);
  const fromFiles = tls.certFile !== '';
  const local: LocalCertificates = fromFiles
    ? { kind: 'files', certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caCertFile }
    : { kind: 'generated', hosts };
  if (tls.autoName === '') return { local, cluster: undefined };
  return { local: fromFiles || !settings.useLeaderElector ? local : undefined, cluster: { hosts } };
}

export function createLocalCertificateSource(local: LocalCertificates, logger: Logger): CertificateSource {
  if (local.kind === 'files') {
    return new FileCertificateSource({ certFile: local.certFile, keyFile: local.keyFile, caFile: local.caFile, logger: namedLogger(logger, 'certs') });
  }
  return new GeneratedCertificateSource({ hosts: local.hosts, logger: namedLogger(logger, 'auto-tls') });
}
