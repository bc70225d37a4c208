// Keeps the caBundle of the MutatingWebhookConfiguration named by -tls-auto equal to our CA:
// writes on every new CA, re-checks periodically (someone may re-apply the manifest or edit the
// object), and retries failed calls with capped exponential backoff — transient failures (409,
// 429, 5xx, connection) quickly, others (403, 404) at the capped delay, logged as errors since
// they need an operator. Only the writer (the elected leader, or the single replica) writes.
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { caBundlePatch, certificateFingerprint } from './ca-bundle.js';
import type { ClusterApi } from './cluster-api.js';
import { toClusterApiError } from './cluster-api-error.js';
import type { EventLogger } from './event-logger.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface CaBundleUpdaterOptions {
  readonly api: ClusterApi;
  /** -tls-auto: name of the MutatingWebhookConfiguration. */
  readonly webhookConfigurationName: string;
  readonly logger: EventLogger;
  /** Whether this replica may write now (leader, or no leader election). */
  readonly isWriter: () => boolean;
  readonly now?: () => Date;
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
  /** How often the bundle is re-checked once correct. */
  readonly checkIntervalMs?: number;
}

export type CaBundleState = 'idle' | 'current' | 'retrying';

export class CaBundleUpdater {
  private caPem: string | undefined;
  private failures = 0;
  private stateValue: CaBundleState = 'idle';
  private readonly sleeper = new WakeableSleep();
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly checkIntervalMs: number;

  constructor(private readonly options: CaBundleUpdaterOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.checkIntervalMs = options.checkIntervalMs ?? 60_000;
  }

  /** 'current' once the bundle was verified or written for the present CA. */
  get state(): CaBundleState {
    return this.stateValue;
  }

  /** The CA to publish; a change triggers a write at once. */
  setCa(caPem: string): void {
    if (caPem === this.caPem) return;
    this.caPem = caPem;
    this.failures = 0;
    this.stateValue = 'idle';
    this.sleeper.wake();
  }

  /** Re-check now (e.g. this replica just became leader). */
  wake(): void {
    this.sleeper.wake();
  }

  /** Runs until `signal` aborts; never throws. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const delay = await this.step();
      await this.sleeper.sleep(delay, signal);
    }
  }

  /** One reconcile; returns how long to wait before the next. */
  async step(): Promise<number> {
    const caPem = this.caPem;
    if (caPem === undefined || !this.options.isWriter()) return this.checkIntervalMs;
    const name = this.options.webhookConfigurationName;
    try {
      const configuration = await this.options.api.readWebhookConfiguration(name);
      const operations = caBundlePatch(configuration, caPem, this.now());
      if (operations.length > 0) {
        await this.options.api.patchWebhookConfiguration(name, operations);
        this.options.logger.info(
          {
            event: 'ca-bundle.written',
            webhookConfiguration: name,
            webhooks: operations.map((operation) => Number(operation.path.split('/')[2])),
            caFingerprint: certificateFingerprint(caPem),
          },
          'wrote CA bundle into the webhook configuration',
        );
      } else if (this.stateValue !== 'current') {
        this.options.logger.info(
          { event: 'ca-bundle.current', webhookConfiguration: name, caFingerprint: certificateFingerprint(caPem) },
          'webhook configuration already trusts our CA',
        );
      }
      this.failures = 0;
      this.stateValue = 'current';
      return this.checkIntervalMs;
    } catch (caught) {
      const error = toClusterApiError(caught, `update caBundle of ${name}`);
      this.failures += 1;
      this.stateValue = 'retrying';
      const delay = error.transient ? backoffDelayMs(this.failures, this.backoff, this.random) : this.backoff.maxMs;
      const fields = { event: 'ca-bundle.retry', webhookConfiguration: name, kind: error.kind, status: error.status, attempt: this.failures, retryInMs: delay, err: error.message };
      if (error.transient) this.options.logger.warn(fields, 'caBundle update failed; retrying');
      else this.options.logger.error(fields, 'caBundle update failed; check RBAC and that the webhook configuration exists');
      return delay;
    }
  }
}
