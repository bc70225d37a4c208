// The part every CertificateSource shares: the bundle in service and who to tell when it changes.
import type { CertificateBundle, CertificateSource } from './certificate-source.js';

export abstract class BundlePublisher implements Pick<CertificateSource, 'current' | 'onChange'> {
  #bundle: CertificateBundle | undefined;
  readonly #listeners = new Set<(bundle: CertificateBundle) => void>();

  current(): CertificateBundle | undefined {
    return this.#bundle;
  }

  onChange(listener: (bundle: CertificateBundle) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Puts `bundle` in service and tells every listener. */
  protected putInService(bundle: CertificateBundle): void {
    this.#bundle = bundle;
    for (const listener of this.#listeners) listener(bundle);
  }
}
