// Names of the Kubernetes objects the injector reads and writes in its own namespace. deploy/
// grants RBAC for exactly these names (test/deploy checks that they agree).

export const CLUSTER_OBJECT_NAMES = {
  /** coordination.k8s.io/v1 Lease used for leader election under -use-leader-elector. */
  leaderLease: 'vault-injector-leader',
  /** Secret holding the shared CA and serving certificate (same name as vault-k8s uses). */
  certSecret: 'vault-injector-certs',
} as const;

/** Data keys of the certificate Secret (values are PEM, base64-encoded by the API as usual). */
export const CERT_SECRET_KEYS = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  leafCert: 'tls.crt',
  leafKey: 'tls.key',
} as const;
