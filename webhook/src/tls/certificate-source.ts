// Where the webhook's serving certificate comes from (files, or generated under -tls-auto).
// The HTTPS server asks `current()` for the initial context and applies every later bundle
// with setSecureContext, so rotations need no restart.

export interface CertificateBundle {
  /** PEM chain served to clients (leaf first). */
  readonly certPem: string;
  /** PEM private key of the leaf. */
  readonly keyPem: string;
  /** PEM of the CA that signed the leaf, when known (written into the webhook's caBundle). */
  readonly caPem?: string;
  /** Leaf notAfter, for the certificate-expiry metric and rotation logs. */
  readonly notAfter: Date;
}

export interface CertificateSource {
  /** The bundle to serve now, or undefined while none is loaded yet (readiness is false then). */
  current(): CertificateBundle | undefined;
  /** Starts loading/watching/rotating; resolves once started (not once a bundle exists). */
  start(signal: AbortSignal): Promise<void>;
  /** Registers a callback for every new bundle (including the first). Returns an unsubscribe. */
  onChange(listener: (bundle: CertificateBundle) => void): () => void;
}
