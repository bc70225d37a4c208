// The public contract of the Vault HTTP API double: what agent tests and benchmarks code against.
// Everything on the wire follows Vault's documented shapes; everything here is the test-side handle.
// Durations are plain seconds (the unit Vault reports TTLs in); times are milliseconds on the
// double's clock (StartVaultDoubleOptions.clock), which is what tokens and leases expire by.

/** Whole seconds, as Vault reports TTLs on the wire. */
export type Seconds = number;

export interface VaultDoubleTls {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface StartVaultDoubleOptions {
  /** Serve HTTPS with this certificate (see generateTestTls); plain HTTP otherwise. */
  readonly tls?: VaultDoubleTls;
  /** Milliseconds since the epoch; default Date.now. Token and lease expiry follow this clock. */
  readonly clock?: () => number;
  /** Id of the root token the double starts with; default a fresh `hvs.` token. */
  readonly rootToken?: string;
  /** Reported by sys/health; default "1.17.2". */
  readonly version?: string;
}

/** Options shared by every mount the double can enable. */
export interface MountOptions {
  /** Vault Enterprise namespace the mount lives in ("" or absent: root namespace). */
  readonly namespace?: string;
  /** Mount default_lease_ttl; 0/absent: the system default 768h (2764800 s). */
  readonly defaultLeaseTtlSeconds?: Seconds;
  /** Mount max_lease_ttl; 0/absent: the system max 768h (2764800 s). */
  readonly maxLeaseTtlSeconds?: Seconds;
  readonly description?: string;
}

/** Token fields every login role carries (Vault's tokenutil fields). 0/absent means "mount default". */
export interface RoleTokenSettings {
  /**
   * token_policies; "default" is added unless tokenNoDefaultPolicy. A name never defined with
   * addPolicy grants everything (so tests that do not care about ACLs just name one); "default"
   * alone allows only Vault's default-policy paths (token self-service, leases, wrapping).
   */
  readonly policies?: readonly string[];
  readonly tokenTtlSeconds?: Seconds;
  readonly tokenMaxTtlSeconds?: Seconds;
  /** Periodic token: every renewal resets the TTL to the period, no max TTL unless explicit. */
  readonly tokenPeriodSeconds?: Seconds;
  readonly tokenExplicitMaxTtlSeconds?: Seconds;
  /** "batch" tokens are not renewable and have no accessor. Default "service". */
  readonly tokenType?: 'service' | 'batch';
  readonly tokenNoDefaultPolicy?: boolean;
  /** Namespace of the auth mount (default root). */
  readonly namespace?: string;
}

/** A credential the double accepts: the exact string, or a predicate over what was presented. */
export type CredentialCheck = string | ((presented: string) => boolean);

export interface KubernetesRoleOptions extends RoleTokenSettings {
  /** The service-account JWT this role accepts (compared after trimming whitespace). */
  readonly serviceAccountJwt: CredentialCheck;
  /**
   * auth.metadata values. Absent fields are read from the JWT's claims when it is a decodable
   * Kubernetes service-account token (kubernetes.io claims or sub system:serviceaccount:NS:NAME).
   */
  readonly serviceAccountName?: string;
  readonly serviceAccountNamespace?: string;
  readonly serviceAccountUid?: string;
}

export interface AppRoleSecretId {
  readonly secretId: string;
  /** 0/absent: never expires. */
  readonly ttlSeconds?: Seconds;
  /** 0/absent: unlimited uses. */
  readonly numUses?: number;
}

export interface AppRoleOptions extends RoleTokenSettings {
  readonly roleId: string;
  readonly secretIds?: readonly (string | AppRoleSecretId)[];
  /** bind_secret_id (default true): a login must present a valid secret_id. */
  readonly bindSecretId?: boolean;
  /** TTL of secret IDs generated through auth/<mount>/role/<role>/secret-id (0: none). */
  readonly secretIdTtlSeconds?: Seconds;
}

export interface JwtRoleOptions extends RoleTokenSettings {
  readonly jwt: CredentialCheck;
  /** Extra auth.metadata (the double always sets metadata.role). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** auth/<aws mount>/config/client (and certificate): what Vault needs to check a login. */
export interface AwsAuthConfig {
  /** sts_endpoint: where the double forwards the signed GetCallerIdentity (the loopback STS fake). */
  readonly stsEndpoint?: string;
  /** iam_server_id_header_value: X-Vault-AWS-IAM-Server-ID must carry it and be signed. */
  readonly iamServerIdHeaderValue?: string;
  /** allowed_sts_header_values: X-Amz-* headers allowed beyond Vault's defaults. */
  readonly allowedStsHeaderValues?: readonly string[];
  /** config/certificate: public key (PEM) that checks ec2 identity-document signatures. */
  readonly ec2PublicKeyPem?: string;
  readonly namespace?: string;
}

export interface AwsRoleOptions extends RoleTokenSettings {
  readonly authType: 'iam' | 'ec2';
  /** bound_iam_principal_arn: exact ARNs or prefixes ending in `*` (compared with the canonical ARN). */
  readonly boundIamPrincipalArns?: readonly string[];
  readonly boundAmiIds?: readonly string[];
  readonly boundAccountIds?: readonly string[];
}

/** What Vault's gcp method checks JWTs with: the issuers' public keys by kid. */
export interface GcpAuthConfig {
  readonly publicKeys: Readonly<Record<string, string>>;
  readonly namespace?: string;
}

export interface GcpRoleOptions extends RoleTokenSettings {
  readonly type: 'iam' | 'gce';
  /** bound_service_accounts (iam: the JWT's sub; gce: its email claim). */
  readonly boundServiceAccounts?: readonly string[];
  /** bound_projects (gce: google.compute_engine.project_id). */
  readonly boundProjects?: readonly string[];
  /** max_jwt_exp in seconds for iam JWTs (Vault's default 15 min). */
  readonly maxJwtExpSeconds?: Seconds;
}

/** auth/<azure mount>/config: tenant, resource (the tokens' audience) and the tenant's signing keys. */
export interface AzureAuthConfig {
  readonly tenantId: string;
  readonly resource: string;
  readonly publicKeys: Readonly<Record<string, string>>;
  readonly namespace?: string;
}

export interface AzureRoleOptions extends RoleTokenSettings {
  /** bound_service_principal_ids (the token's oid). */
  readonly boundServicePrincipalIds?: readonly string[];
  readonly boundSubscriptionIds?: readonly string[];
  readonly boundResourceGroups?: readonly string[];
}

export interface CertRoleOptions extends RoleTokenSettings {
  /** certificate: the CA (PEM) a client certificate must be issued by. */
  readonly certificatePem: string;
  /** allowed_common_names (exact). */
  readonly allowedCommonNames?: readonly string[];
}

/** auth/<oci mount>/config and what OCI Identity knows: the home tenancy, keys by keyId, memberships. */
export interface OciAuthConfig {
  /** home_tenancy_id: principals of other tenancies are refused. */
  readonly homeTenancyId: string;
  /** API keys by keyId "<tenancy>/<user>/<fingerprint>" → public key PEM (the user's uploaded keys). */
  readonly apiKeys?: Readonly<Record<string, string>>;
  /** kid → public key PEM of the federation endpoint that issues instance security tokens. */
  readonly federationPublicKeys?: Readonly<Record<string, string>>;
  /** principal OCID → the group / dynamic-group OCIDs it belongs to. */
  readonly groupMemberships?: Readonly<Record<string, readonly string[]>>;
  readonly namespace?: string;
}

export interface OciRoleOptions extends RoleTokenSettings {
  /** ocid_list: group or dynamic-group OCIDs (or the principal's own OCID) that may take the role. */
  readonly ocidList: readonly string[];
}

/** An ldap user: the directory's password and groups, and Vault's users/<name> policies (`policies`). */
export interface LdapUserOptions extends RoleTokenSettings {
  readonly password: string;
  /** Directory groups; each one's groups/<name> policies are added at login. */
  readonly groups?: readonly string[];
}

/** Vault's groups/<name> entry of an ldap mount. */
export interface LdapGroupOptions {
  readonly policies: readonly string[];
  readonly namespace?: string;
}

/** auth/<cf mount>/config: the CAs instance identity certificates must chain to, and the signing-time window. */
export interface CfAuthConfig {
  /** identity_ca_certificates (PEM). */
  readonly identityCaCertificates: readonly string[];
  /** login_max_seconds_not_before: how old a signing_time may be (default 300). */
  readonly loginMaxSecondsNotBefore?: Seconds;
  /** login_max_seconds_not_after: how far ahead a signing_time may be (default 60). */
  readonly loginMaxSecondsNotAfter?: Seconds;
  readonly namespace?: string;
}

export interface CfRoleOptions extends RoleTokenSettings {
  readonly boundApplicationIds?: readonly string[];
  readonly boundSpaceIds?: readonly string[];
  readonly boundOrganizationIds?: readonly string[];
  readonly boundInstanceIds?: readonly string[];
  /** disable_ip_matching: do not require the request to come from the certificate's IP address. */
  readonly disableIpMatching?: boolean;
}

export interface CreateTokenOptions {
  /** Token id to use (default a fresh `hvs.`/`hvb.` token). */
  readonly id?: string;
  /** 0/absent: the system default 768h, unless root. */
  readonly ttlSeconds?: Seconds;
  readonly maxTtlSeconds?: Seconds;
  readonly explicitMaxTtlSeconds?: Seconds;
  readonly periodSeconds?: Seconds;
  /** Default true (false for root and batch tokens). */
  readonly renewable?: boolean;
  readonly policies?: readonly string[];
  /** A root token: policies ["root"], TTL 0, never expires, not renewable. */
  readonly root?: boolean;
  readonly type?: 'service' | 'batch';
  readonly meta?: Readonly<Record<string, string>>;
  readonly displayName?: string;
  readonly namespace?: string;
}

export interface CreatedToken {
  readonly token: string;
  /** "" for batch tokens, as in Vault. */
  readonly accessor: string;
}

export interface DatabaseRoleOptions {
  /** default_ttl of issued credentials (0: mount default). */
  readonly defaultTtlSeconds?: Seconds;
  /** max_ttl: renewals never extend a lease past issue time + this (0: mount max). */
  readonly maxTtlSeconds?: Seconds;
  readonly namespace?: string;
}

export interface DatabaseStaticRoleOptions {
  readonly username: string;
  readonly rotationPeriodSeconds: Seconds;
  /** Initial password (default generated). */
  readonly password?: string;
  readonly namespace?: string;
}

export interface PkiMountOptions extends MountOptions {
  /** Subject CN of the generated root CA (default "vault-double Root CA"). */
  readonly caCommonName?: string;
  /** Root CA validity (default 10 years). */
  readonly caTtlSeconds?: Seconds;
}

export interface PkiRoleOptions {
  /** Certificate TTL when the request has none (0: mount default). */
  readonly ttlSeconds?: Seconds;
  /** Upper bound for a requested ttl (0: mount max). */
  readonly maxTtlSeconds?: Seconds;
  /** generate_lease: the issue response carries a non-renewable lease. */
  readonly generateLease?: boolean;
  /** allowed_domains (exact names or "*.example.com"); absent: any name (allow_any_name). */
  readonly allowedDomains?: readonly string[];
  readonly namespace?: string;
}

export interface TransitKeyOptions {
  readonly namespace?: string;
}

/** auth/<alicloud mount>: where the double replays the signed GetCallerIdentity. */
export interface AliCloudAuthConfig {
  /**
   * The loopback STS fake's URL. The plugin wants https://sts.<RegionId>.aliyuncs.com; the double
   * wants this origin instead (and replays to it); without it every login is refused before STS.
   */
  readonly stsEndpoint?: string;
  readonly namespace?: string;
}

export interface AliCloudRoleOptions extends RoleTokenSettings {
  /** arn: the RAM role (acs:ram::<account>:role/<name>) whose assumed-role sessions may log in. */
  readonly arn: string;
}

export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** One `path "…" { capabilities = […] }` stanza. Globs: trailing `*`, `+` for one segment. */
export interface PolicyRule {
  readonly path: string;
  readonly capabilities: readonly Capability[];
}

/** Which handler answered a request: the key of counters() and RequestRecord.endpoint. */
export const VAULT_ENDPOINTS = [
  'kubernetes.login',
  'approle.login',
  'approle.role-id',
  'approle.secret-id',
  'jwt.login',
  'aws.login',
  'gcp.login',
  'azure.login',
  'cert.login',
  'alicloud.login',
  'oci.login',
  'ldap.login',
  'cf.login',
  'token.lookup-self',
  'token.renew-self',
  'token.revoke-self',
  'token.create',
  'kv1.read',
  'kv1.list',
  'kv1.write',
  'kv1.delete',
  'kv2.read',
  'kv2.list',
  'kv2.write',
  'kv2.delete',
  'kv2.metadata',
  'kv2.versions',
  'kv2.config',
  'kv2.unversioned-path',
  'database.creds',
  'database.static-creds',
  'pki.issue',
  'pki.ca',
  'transit.encrypt',
  'transit.decrypt',
  'sys.internal-ui-mounts',
  'sys.leases.renew',
  'sys.leases.revoke',
  'sys.leases.lookup',
  'sys.wrapping.wrap',
  'sys.wrapping.unwrap',
  'sys.wrapping.lookup',
  'sys.health',
  'sys.seal-status',
  'unsupported',
  'not-found',
] as const;
export type VaultEndpoint = (typeof VAULT_ENDPOINTS)[number];

/** One HTTP request as the double saw and answered it. Never holds a raw token. */
export interface RequestRecord {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  /** As sent (LIST included). */
  readonly method: string;
  /** Path after /v1/, without query, as sent (namespace prefix included if sent in the path). */
  readonly path: string;
  /** X-Vault-Namespace header, trimmed of slashes ("" if absent). */
  readonly namespaceHeader: string;
  readonly query: Readonly<Record<string, string>>;
  readonly endpoint: VaultEndpoint;
  readonly status: number;
  /** Double's clock when the request arrived. */
  readonly atMs: number;
  /** Accessor of the presented token when it is one the double knows; null otherwise. */
  readonly tokenAccessor: string | null;
  /** X-Vault-Wrap-TTL in seconds, when the request asked for wrapping. */
  readonly wrapTtlSeconds: number | null;
  /** The X-Vault-Request header was "true" (the official SDK always sends it). */
  readonly vaultRequestHeader: boolean;
}

export type RevocationReason = 'expired' | 'revoked' | 'revoke-self' | 'parent-revoked' | 'lease-revoke';

export interface Revocation {
  readonly atMs: number;
  readonly reason: RevocationReason;
}

export interface TokenView {
  /** The raw token (test-side only; the request log holds accessors, never tokens). */
  readonly token: string;
  readonly accessor: string;
  readonly namespace: string;
  readonly policies: readonly string[];
  readonly type: 'service' | 'batch';
  readonly renewable: boolean;
  /** Creation path, e.g. auth/kubernetes/login. */
  readonly path: string;
  readonly meta: Readonly<Record<string, string>> | null;
  readonly issueTimeMs: number;
  /** null: never expires (root). */
  readonly expireTimeMs: number | null;
  /** Remaining TTL now (0 when expired or never expiring). */
  readonly ttlSeconds: Seconds;
  readonly creationTtlSeconds: Seconds;
  /** Effective max TTL from issue time (0: none, e.g. periodic or root). */
  readonly maxTtlSeconds: Seconds;
  readonly periodSeconds: Seconds;
  readonly renewals: number;
  readonly lastRenewalMs: number | null;
  readonly parentAccessor: string | null;
  readonly revoked: Revocation | null;
}

export interface LeaseView {
  readonly leaseId: string;
  /** Request path that created it, e.g. database/creds/app. */
  readonly path: string;
  readonly mountType: string;
  readonly namespace: string;
  /** Accessor of the token that created it; its revocation revokes the lease. */
  readonly tokenAccessor: string | null;
  readonly issueTimeMs: number;
  readonly expireTimeMs: number;
  readonly lastRenewalMs: number | null;
  readonly ttlSeconds: Seconds;
  readonly renewable: boolean;
  /** Renewals never extend past issueTimeMs + maxTtlSeconds. */
  readonly maxTtlSeconds: Seconds;
  readonly renewals: number;
  readonly revoked: Revocation | null;
}

export interface DatabaseCredential {
  readonly kind: 'database';
  readonly mount: string;
  readonly role: string;
  readonly leaseId: string;
  readonly username: string;
  readonly password: string;
  readonly issuedAtMs: number;
}

export interface StaticDatabaseCredential {
  readonly kind: 'database-static';
  readonly mount: string;
  readonly role: string;
  readonly username: string;
  readonly password: string;
  /** When this password was set (rotation time). */
  readonly rotatedAtMs: number;
}

export interface PkiCertificateCredential {
  readonly kind: 'pki';
  readonly mount: string;
  readonly role: string;
  /** "" unless the role has generateLease. */
  readonly leaseId: string;
  readonly serialNumber: string;
  readonly commonName: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly issuedAtMs: number;
}

export type IssuedCredential = DatabaseCredential | StaticDatabaseCredential | PkiCertificateCredential;

/** How a downed double treats connections: RST every one, or stop listening (refused). */
export type DownMode = 'reset' | 'refuse';

/** What a forbidden token gets: policy-style "permission denied", or the expired/revoked pair. */
export type ForbiddenKind = 'permission-denied' | 'invalid-token';

export interface Fail5xxOptions {
  /** Only requests whose path (after /v1/) matches. */
  readonly path?: string | RegExp;
}

export interface EchoRequestOptions {
  /** Only requests whose path (after /v1/) matches. */
  readonly path?: string | RegExp;
  /** How many requests (default 'always'). */
  readonly count?: number | 'always';
  /** Status of the reply (default 400; 400–599). */
  readonly status?: number;
  /** Pad the error text to at least this many bytes (a huge error body). */
  readonly padBytes?: number;
}

export interface VaultDoubleFaults {
  /** Every connection is reset (default) or refused until up(). Open keep-alive sockets are destroyed. */
  down(mode?: DownMode): Promise<void>;
  up(): Promise<void>;
  /** 503 {"errors":["Vault is sealed"]} on everything; sys/health answers 503 with sealed:true. */
  sealed(on: boolean): void;
  /** Delay the response to every request arriving from now on by this many wall-clock ms (0: off). */
  slow(ms: number): void;
  /** The next `count` requests (or all, 'always'; 0 clears) answer `status` (default 500). */
  fail5xx(count: number | 'always', status?: number, options?: Fail5xxOptions): void;
  /**
   * Matching requests get an error whose text echoes the whole request: method, path, query, every
   * header (X-Vault-Token included) and the body (a login's JWT) — as a careless or hostile server
   * might. Rules stack; the first matching one with uses left answers.
   */
  echoRequest(options?: EchoRequestOptions): void;
  /** Requests with this token get 403 (default "permission denied"; or the invalid-token pair). */
  forbidToken(token: string, kind?: ForbiddenKind): void;
  allowToken(token: string): void;
  /** Expire a lease now: it is revoked and can no longer be renewed. */
  expireLease(leaseId: string): void;
  /** Expire a token now: it is revoked along with its leases and child tokens. */
  expireToken(token: string): void;
  revokeToken(token: string): void;
  /** Undo down/sealed/slow/fail5xx/forbidToken/echoRequest. */
  clear(): Promise<void>;
}

export interface VaultDouble {
  /** http(s)://127.0.0.1:PORT */
  readonly address: string;
  readonly port: number;
  readonly rootToken: string;
  /** PEM of the certificate served over TLS (null for plain HTTP). */
  readonly tlsCertPem: string | null;
  readonly faults: VaultDoubleFaults;

  /** The double's clock (ms). */
  now(): number;
  close(): Promise<void>;

  // --- Seeding -------------------------------------------------------------------------------
  createNamespace(path: string): void;
  /** Mount the KV engine at `path` (e.g. "secret"). */
  enableKv(path: string, version: 1 | 2, options?: MountOptions): void;
  /**
   * Write a secret at `<mount>/<path>` (v2: the logical path, without data/). Returns the new
   * version (v2) or 0 (v1). KV v1 honours a `ttl` key for lease_duration.
   */
  writeKv(path: string, data: Readonly<Record<string, unknown>>, options?: { readonly namespace?: string }): number;
  /** KV v2: soft-delete (or destroy) a version (default: the current one). */
  deleteKvVersion(path: string, version?: number, options?: { readonly destroy?: boolean; readonly namespace?: string }): void;
  /** Mount an auth method at auth/<path> (default path: the type). Roles mount it on demand. */
  enableAuth(type: 'kubernetes' | 'approle' | 'jwt', path?: string, options?: MountOptions): void;
  addKubernetesRole(mount: string, role: string, options: KubernetesRoleOptions): void;
  addAppRole(mount: string, role: string, options: AppRoleOptions): void;
  addJwtRole(mount: string, role: string, options: JwtRoleOptions): void;
  /** Mounts aws at auth/<mount> if needed and sets its client config. */
  configureAwsAuth(mount: string, config: AwsAuthConfig): void;
  addAwsRole(mount: string, role: string, options: AwsRoleOptions): void;
  configureGcpAuth(mount: string, config: GcpAuthConfig): void;
  addGcpRole(mount: string, role: string, options: GcpRoleOptions): void;
  configureAzureAuth(mount: string, config: AzureAuthConfig): void;
  addAzureRole(mount: string, role: string, options: AzureRoleOptions): void;
  /** cert login needs the double on TLS (it asks every client for a certificate). */
  addCertRole(mount: string, role: string, options: CertRoleOptions): void;
  /** Mounts alicloud at auth/<mount> if needed and sets where logins are replayed. */
  configureAliCloudAuth(mount: string, config: AliCloudAuthConfig): void;
  addAliCloudRole(mount: string, role: string, options: AliCloudRoleOptions): void;
  /** Mounts oci at auth/<mount> if needed and sets its config. */
  configureOciAuth(mount: string, config: OciAuthConfig): void;
  addOciRole(mount: string, role: string, options: OciRoleOptions): void;
  /** Mounts ldap at auth/<mount> if needed; the user is both the directory entry and users/<name>. */
  addLdapUser(mount: string, username: string, options: LdapUserOptions): void;
  addLdapGroup(mount: string, group: string, options: LdapGroupOptions): void;
  configureCfAuth(mount: string, config: CfAuthConfig): void;
  addCfRole(mount: string, role: string, options: CfRoleOptions): void;
  /** A token as an operator would hand one out (token_file auth, root tokens). */
  createToken(options?: CreateTokenOptions): CreatedToken;
  enableDatabase(path: string, options?: MountOptions): void;
  addDatabaseRole(mount: string, role: string, options?: DatabaseRoleOptions): void;
  addDatabaseStaticRole(mount: string, role: string, options: DatabaseStaticRoleOptions): void;
  /** Rotate a static role's password now (as the rotation period would). */
  rotateStaticCredentials(mount: string, role: string, options?: { readonly namespace?: string }): void;
  enablePki(path: string, options?: PkiMountOptions): Promise<void>;
  addPkiRole(mount: string, role: string, options?: PkiRoleOptions): Promise<void>;
  /** The mount's CA certificate (PEM). */
  pkiCaPem(mount: string, options?: { readonly namespace?: string }): string;
  addTransitKey(mount: string, key: string, options?: TransitKeyOptions): void;
  addPolicy(name: string, rules: readonly PolicyRule[]): void;

  // --- Observation ---------------------------------------------------------------------------
  requests(): readonly RequestRecord[];
  clearRequests(): void;
  /** Requests received and not yet answered (e.g. held back by faults.slow). */
  pendingRequests(): number;
  /** Requests answered per endpoint (all statuses). */
  counters(): Readonly<Partial<Record<VaultEndpoint, number>>>;
  count(endpoint: VaultEndpoint): number;
  tokens(): readonly TokenView[];
  /** By raw token or accessor. */
  token(tokenOrAccessor: string): TokenView | undefined;
  leases(): readonly LeaseView[];
  lease(leaseId: string): LeaseView | undefined;
  credentials(): readonly IssuedCredential[];
  /**
   * Resolve with the probe's first truthy result, re-checked after every request and every
   * 25 ms; reject after timeoutMs (default 10 000) naming `description`.
   */
  waitFor<T>(probe: () => T | false | null | undefined, timeoutMs?: number, description?: string): Promise<T>;
  /** The first request (already logged or still to come) matching the filter. */
  waitForRequest(filter: (request: RequestRecord) => boolean, timeoutMs?: number): Promise<RequestRecord>;
}

/** Methods are bound properties: pass `clock.now` straight to StartVaultDoubleOptions.clock. */
export interface ManualClock {
  readonly now: () => number;
  readonly advanceMs: (ms: number) => void;
  readonly advanceSeconds: (seconds: Seconds) => void;
  readonly set: (ms: number) => void;
}

/** Signatures of the module's entry points (test/vault-double/index.ts). */
export type StartVaultDouble = (options?: StartVaultDoubleOptions) => Promise<VaultDouble>;
export type CreateManualClock = (startMs?: number) => ManualClock;
/** A throwaway CA and a server certificate for 127.0.0.1/localhost (VAULT_CACERT = caPem). */
export type GenerateTestTls = (options?: { readonly hosts?: readonly string[] }) => Promise<VaultDoubleTls & { readonly caPem: string }>;
