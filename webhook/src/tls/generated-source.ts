// Self-managed certificates when no cert files are given (vault-k8s GenSource,
// https://github.com/hashicorp/vault-k8s/blob/main/helper/cert/source_gen.go):
// one in-memory CA for the process's life and a leaf for -tls-auto-hosts, re-issued when it is
// within 10 % of its lifetime of expiry. The clock and timers are injected.
import { BundlePublisher } from './bundle-publisher.js';
import type { CertificateBundle, CertificateSource } from './certificate-source.js';
import { LEAF_VALIDITY_MS, generateCa, generateLeaf } from './x509.js';
import type { KeyedCertificate } from './x509.js';
import { realScheduler, systemClock } from './scheduler.js';
import type { Clock, Scheduler } from './scheduler.js';
import type { Logger } from '../log.js';

/** vault-k8s: "roughly 10 %" of the leaf lifetime before expiry. */
const ROTATE_WITHIN_FRACTION = 0.1;
/** vault-k8s's cert-source loop waits this long after a failure. */
export const RETRY_AFTER_ERROR_MS = 5000;
/** Upper bound between checks, so a suspended host or a changed clock cannot skip a rotation. */
export const MAX_CHECK_INTERVAL_MS = 60 * 1000;

export interface GeneratedSourceOptions {
  readonly hosts: readonly string[];
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly leafValidityMs?: number;
  /** Reuse this CA instead of generating one (e.g. a CA shared by replicas). */
  readonly ca?: KeyedCertificate;
}

/** When a leaf with this notAfter should be replaced. */
function leafRotationTime(notAfter: Date, validityMs: number): Date {
  return new Date(notAfter.getTime() - validityMs * ROTATE_WITHIN_FRACTION);
}

export class GeneratedCertificateSource extends BundlePublisher implements CertificateSource {
  readonly #options: GeneratedSourceOptions;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #validityMs: number;
  #ca: KeyedCertificate | undefined;
  #cancelTimer: (() => void) | undefined;
  #stopped = false;

  constructor(options: GeneratedSourceOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#validityMs = options.leafValidityMs ?? LEAF_VALIDITY_MS;
    this.#ca = options.ca;
  }

  /** The CA (certificate and key) in use, once generated. */
  authority(): KeyedCertificate | undefined {
    return this.#ca;
  }

  /** Issues the first leaf (and the CA) before resolving, then keeps the leaf fresh until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => {
      this.#stopped = true;
      this.#cancelTimer?.();
    }, { once: true });
    if (signal.aborted) return;
    await this.check();
  }

  /** Re-issues the leaf if it is due, then schedules the next check. Exposed for tests. */
  async check(): Promise<void> {
    this.#cancelTimer?.();
    let delay: number;
    try {
      await this.#rotateIfDue();
      delay = this.#delayUntilDue();
    } catch (error) {
      this.#options.logger.error({ err: error }, 'Failed to generate certificate, retrying');
      delay = RETRY_AFTER_ERROR_MS;
    }
    if (!this.#stopped) {
      this.#cancelTimer = this.#scheduler.schedule(() => void this.check(), delay);
    }
  }

  #delayUntilDue(): number {
    const bundle = this.current();
    if (bundle === undefined) return 0;
    const due = leafRotationTime(bundle.notAfter, this.#validityMs).getTime() - this.#clock().getTime();
    return Math.max(0, Math.min(due, MAX_CHECK_INTERVAL_MS));
  }

  async #rotateIfDue(): Promise<void> {
    const now = this.#clock();
    const current = this.current();
    if (current !== undefined && now < leafRotationTime(current.notAfter, this.#validityMs)) return;
    if (this.#ca === undefined) {
      this.#ca = await generateCa({ now });
      this.#options.logger.info({ event: 'ca-generated', caNotAfter: this.#ca.notAfter.toISOString() }, 'Generated CA');
    }
    const leaf = await generateLeaf(this.#ca, { now, hosts: this.#options.hosts, validityMs: this.#validityMs });
    const bundle: CertificateBundle = { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: this.#ca.certPem, notAfter: leaf.notAfter };
    this.#options.logger.info(
      { event: 'certificate-rotated', source: 'generated', notAfter: leaf.notAfter.toISOString(), hosts: this.#options.hosts.join(',') },
      'Generated certificate',
    );
    this.putInService(bundle);
  }
}
