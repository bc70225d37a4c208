// CertificateSource for -tls-auto with -use-leader-elector: all replicas serve one leaf signed by
// one CA, both kept in the Secret vault-injector-certs.
// - The leader keeps the CA it finds in the Secret (so a failover never changes the CA the API
//   server trusts), generates one only when there is none (or it is unusable or near expiry),
//   renews the leaf at 10 % of its lifetime left (or when -tls-auto-hosts changed), writes the
//   Secret with its resourceVersion (a stale write loses with 409, so a deposed leader cannot
//   overwrite its successor), and serves only what it stored.
// - Followers poll the Secret (get by name: no list/watch permission needed) and serve it.
// Until a certificate is loaded current() is undefined, so /health/ready stays false.
// Structured events: certificate.ca-generated, certificate.rotated, certificate.stored,
// certificate.loaded, certificate.error.
import { BundlePublisher } from '../tls/bundle-publisher.js';
import type { CertificateBundle, CertificateSource } from '../tls/certificate-source.js';
import { generateCa, generateLeaf, type KeyedCertificate } from '../tls/x509.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { certificateFingerprint } from './ca-bundle.js';
import { checkCa, checkLeaf, decodeCertSecret, encodeCertSecret, type PemPair } from './cert-secret.js';
import type { ClusterApi, SecretObject } from './cluster-api.js';
import { toClusterApiError } from './cluster-api-error.js';
import type { EventLogger } from './event-logger.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface LeadershipView {
  isLeader(): boolean;
  onChange(listener: (leader: boolean) => void): () => void;
}

export interface SharedCertificateSourceOptions {
  readonly api: ClusterApi;
  readonly leadership: LeadershipView;
  readonly namespace: string;
  readonly secretName: string;
  /** SANs of the leaf (-tls-auto-hosts). */
  readonly hosts: readonly string[];
  readonly logger: EventLogger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /** How often followers (and an idle leader) re-read the Secret. */
  readonly pollIntervalMs?: number;
  readonly backoff?: BackoffOptions;
  /** Leaf lifetime; vault-k8s's 24 h unless a test shortens it. */
  readonly leafValidityMs?: number;
}

const MANAGED_LABELS = { 'app.kubernetes.io/name': 'vault-injector', 'app.kubernetes.io/managed-by': 'vault-injector' } as const;

export class SharedCertificateSource extends BundlePublisher implements CertificateSource {
  private readonly sleeper = new WakeableSleep();
  private failures = 0;
  private loop: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly pollIntervalMs: number;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: SharedCertificateSourceOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  start(signal: AbortSignal): Promise<void> {
    const unsubscribe = this.options.leadership.onChange(() => {
      this.sleeper.wake();
    });
    signal.addEventListener('abort', unsubscribe, { once: true });
    this.loop = this.run(signal);
    return Promise.resolve();
  }

  /** Resolves once the loop started by start() has finished its last round after the abort. */
  stopped(): Promise<void> {
    return this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const delay = await this.step();
      await this.sleeper.sleep(delay, signal);
    }
  }

  /** One round; returns the delay before the next. Never throws. */
  async step(): Promise<number> {
    const leader = this.options.leadership.isLeader();
    try {
      const secret = await this.readSecret();
      const delay = leader ? await this.lead(secret) : this.follow(secret);
      this.failures = 0;
      return delay;
    } catch (caught) {
      const error = toClusterApiError(caught, `${leader ? 'store' : 'read'} secrets/${this.options.secretName}`);
      this.failures += 1;
      const retryInMs = error.kind === 'conflict' || error.kind === 'already-exists' ? 0 : backoffDelayMs(this.failures, this.backoff, this.random);
      this.options.logger.warn(
        { event: 'certificate.error', role: leader ? 'leader' : 'follower', secret: this.options.secretName, kind: error.kind, status: error.status, attempt: this.failures, retryInMs, err: error.message },
        'certificate Secret call failed; retrying',
      );
      return retryInMs;
    }
  }

  private async readSecret(): Promise<SecretObject | undefined> {
    try {
      return await this.options.api.readSecret(this.options.namespace, this.options.secretName);
    } catch (caught) {
      const error = toClusterApiError(caught, `get secrets/${this.options.secretName}`);
      if (error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  private follow(secret: SecretObject | undefined): number {
    const stored = decodeCertSecret(secret?.data ?? {});
    if (stored.ca === undefined) return this.pollIntervalMs;
    const leaf = checkLeaf(stored.leaf, stored.ca.certPem, [], this.now());
    if (leaf.status !== 'unusable' && stored.leaf !== undefined) this.publish(stored.ca.certPem, stored.leaf, leaf.notAfter, 'follower');
    return this.pollIntervalMs;
  }

  private async lead(secret: SecretObject | undefined): Promise<number> {
    const now = this.now();
    const stored = decodeCertSecret(secret?.data ?? {});
    let ca: PemPair;
    const caCheck = checkCa(stored.ca, now);
    if (caCheck.ok && stored.ca !== undefined) {
      ca = stored.ca;
    } else {
      ca = await generateCa({ now });
      this.options.logger.info(
        { event: 'certificate.ca-generated', reason: caCheck.ok ? 'missing' : caCheck.reason, caFingerprint: certificateFingerprint(ca.certPem) },
        'generated a new CA',
      );
    }
    const leafCheck = checkLeaf(stored.leaf, ca.certPem, this.options.hosts, now);
    if (leafCheck.status === 'ok' && stored.leaf !== undefined && ca === stored.ca) {
      this.publish(ca.certPem, stored.leaf, leafCheck.notAfter, 'leader');
      return Math.max(0, Math.min(this.pollIntervalMs, leafCheck.renewAt.getTime() - now.getTime()));
    }
    const leaf: KeyedCertificate = await generateLeaf(ca, {
      now,
      hosts: this.options.hosts,
      ...(this.options.leafValidityMs !== undefined ? { validityMs: this.options.leafValidityMs } : {}),
    });
    this.options.logger.info(
      { event: 'certificate.rotated', reason: leafCheck.status === 'ok' ? 'new CA' : leafCheck.reason, notAfter: leaf.notAfter.toISOString(), hosts: this.options.hosts },
      'generated a new serving certificate',
    );
    await this.store(secret, ca, leaf);
    this.publish(ca.certPem, leaf, leaf.notAfter, 'leader');
    return 0;
  }

  private async store(secret: SecretObject | undefined, ca: PemPair, leaf: PemPair): Promise<void> {
    const { api, namespace, secretName } = this.options;
    const data = encodeCertSecret(ca, leaf);
    if (secret === undefined) {
      await api.createSecret({ name: secretName, namespace, data, labels: MANAGED_LABELS });
    } else {
      await api.replaceSecret({ ...secret, data });
    }
    this.options.logger.info(
      { event: 'certificate.stored', secret: secretName, how: secret === undefined ? 'create' : 'update', caFingerprint: certificateFingerprint(ca.certPem) },
      'stored CA and serving certificate',
    );
  }

  private publish(caPem: string, leaf: PemPair, notAfter: Date, role: 'leader' | 'follower'): void {
    if (this.current()?.certPem === leaf.certPem && this.current()?.caPem === caPem) return;
    const bundle: CertificateBundle = { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem, notAfter };
    this.options.logger.info(
      { event: 'certificate.loaded', role, source: 'secret', secret: this.options.secretName, notAfter: notAfter.toISOString(), caFingerprint: certificateFingerprint(caPem) },
      'serving certificate loaded',
    );
    this.putInService(bundle);
  }
}
