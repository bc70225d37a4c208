// -tls-cert-file / -tls-key-file (vault-k8s DiskSource,
// https://github.com/hashicorp/vault-k8s/blob/main/helper/cert/source_disk.go): polled every 250
// ms, so Kubernetes' atomic symlink swaps of mounted Secrets are seen; a changed pair is served
// only once it parses and its key matches its certificate, otherwise the previous pair stays.
import { BundlePublisher } from './bundle-publisher.js';
import { readFile as fsReadFile } from 'node:fs/promises';
import type { CertificateBundle, CertificateSource } from './certificate-source.js';
import { checkKeyPair } from './x509.js';
import { realScheduler } from './scheduler.js';
import type { Scheduler } from './scheduler.js';
import type { Logger } from '../log.js';

export const FILE_POLL_INTERVAL_MS = 250;

export interface FileSourceOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** -tls-ca-cert-file: optional CA attached to bundles (pushed into the webhook caBundle). */
  readonly caFile?: string;
  readonly logger: Logger;
  readonly pollIntervalMs?: number;
  readonly scheduler?: Scheduler;
  readonly readFile?: (path: string) => Promise<string>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class FileCertificateSource extends BundlePublisher implements CertificateSource {
  readonly #options: FileSourceOptions;
  readonly #scheduler: Scheduler;
  readonly #readFile: (path: string) => Promise<string>;
  /** Raw contents last examined, so an unchanged (or unchanged-and-rejected) pair is not re-logged. */
  #lastSeen = '';
  #cancelTimer: (() => void) | undefined;
  #stopped = false;

  constructor(options: FileSourceOptions) {
    super();
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#readFile = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  }

  /** Loads the files once (a failure is logged, not thrown), then polls until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => {
      this.#stopped = true;
      this.#cancelTimer?.();
    }, { once: true });
    if (signal.aborted) return;
    await this.poll();
  }

  /** One poll: read, compare, validate, publish; then schedule the next. Exposed for tests. */
  async poll(): Promise<void> {
    this.#cancelTimer?.();
    await this.#load();
    if (!this.#stopped) {
      this.#cancelTimer = this.#scheduler.schedule(() => void this.poll(), this.#options.pollIntervalMs ?? FILE_POLL_INTERVAL_MS);
    }
  }

  async #read(): Promise<{ certPem: string; keyPem: string; caPem: string | undefined } | { error: string }> {
    try {
      const [certPem, keyPem, caPem] = await Promise.all([
        this.#readFile(this.#options.certFile),
        this.#readFile(this.#options.keyFile),
        this.#options.caFile === undefined || this.#options.caFile === '' ? undefined : this.#readFile(this.#options.caFile),
      ]);
      return { certPem, keyPem, caPem };
    } catch (error) {
      return { error: errorText(error) };
    }
  }

  async #load(): Promise<void> {
    const read = await this.#read();
    const seen = 'error' in read ? `error:${read.error}` : `${read.certPem}\0${read.keyPem}\0${read.caPem ?? ''}`;
    if (seen === this.#lastSeen) return;
    this.#lastSeen = seen;
    const logger = this.#options.logger;
    if ('error' in read) {
      logger.warn({ event: 'certificate-rejected', certFile: this.#options.certFile, keyFile: this.#options.keyFile, error: read.error }, 'Cannot read certificate files, keeping the current certificate');
      return;
    }
    const check = checkKeyPair(read.certPem, read.keyPem);
    if (!check.ok) {
      logger.warn({ event: 'certificate-rejected', certFile: this.#options.certFile, keyFile: this.#options.keyFile, error: check.error }, 'Rejected certificate files, keeping the current certificate');
      return;
    }
    const bundle: CertificateBundle =
      read.caPem === undefined
        ? { certPem: read.certPem, keyPem: read.keyPem, notAfter: check.notAfter }
        : { certPem: read.certPem, keyPem: read.keyPem, caPem: read.caPem, notAfter: check.notAfter };
    logger.info({ event: 'certificate-rotated', source: 'files', certFile: this.#options.certFile, notAfter: check.notAfter.toISOString() }, 'Loaded certificate files');
    this.putInService(bundle);
  }
}
