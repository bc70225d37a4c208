// Composition: state, pipeline, listener, and the VaultDouble handle tests hold.
import type { StartVaultDoubleOptions, VaultDouble, VaultDoubleFaults } from './vault-double-api.js';
import type { DoubleCore } from './core.js';
import { createOperatorToken } from './auth/login.js';
import { FaultState } from './fault-state.js';
import { createRequestListener } from './http-handler.js';
import { cryptoIdSource, serviceTokenId } from './ids.js';
import { RequestLog } from './request-log.js';
import * as seed from './seeding.js';
import * as cloudSeed from './seeding-cloud-auth.js';
import * as ldapCfSeed from './seeding-ldap-cf.js';
import { LeaseStore } from './state/lease-store.js';
import { MountTable } from './state/mount-table.js';
import { PolicyStore } from './state/policy-store.js';
import { TokenStore } from './state/token-store.js';
import { WrappingStore } from './state/wrapping-store.js';
import { startWireServer } from './wire/wire-server.js';

const DEFAULT_VERSION = '1.17.2';

function createCore(options: StartVaultDoubleOptions): DoubleCore {
  const ids = cryptoIdSource;
  const tokens: TokenStore = new TokenStore((token, nowMs) => {
    if (token.accessor !== '') leases.revokeOwnedBy(token.accessor, nowMs);
  });
  const leases: LeaseStore = new LeaseStore((nowMs) => {
    tokens.expireDue(nowMs);
  });
  return {
    now: options.clock ?? Date.now,
    ids,
    tokens,
    leases,
    mounts: new MountTable(ids),
    policies: new PolicyStore(),
    wrapping: new WrappingStore(ids),
    credentials: [],
    version: options.version ?? DEFAULT_VERSION,
    clusterName: `vault-cluster-${ids.hex(4)}`,
    clusterId: ids.uuid(),
    sealed: false,
  };
}

function requireToken(core: DoubleCore, token: string): NonNullable<ReturnType<DoubleCore['tokens']['find']>> {
  const record = core.tokens.find(token, core.now());
  if (!record) throw new Error('vault double: unknown token');
  return record;
}

export async function startVaultDouble(options: StartVaultDoubleOptions = {}): Promise<VaultDouble> {
  const core = createCore(options);
  const faultState = new FaultState();
  const log = new RequestLog();
  const root = createOperatorToken(core, { root: true, id: options.rootToken ?? serviceTokenId(core.ids) }, null, core.now());
  const server = await startWireServer(createRequestListener({ core, faults: faultState, log }), options.tls);

  const faults: VaultDoubleFaults = {
    down: (mode = 'reset') => server.down(mode),
    up: () => server.up(),
    sealed(on) {
      core.sealed = on;
    },
    slow(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`vault double: slow(ms) needs a non-negative number, got ${ms}`);
      faultState.slowMs = ms;
    },
    fail5xx(count, status = 500, failOptions = {}) {
      faultState.setFailures(count, status, failOptions);
    },
    echoRequest(echoOptions = {}) {
      faultState.addEcho(echoOptions);
    },
    forbidToken(token, kind = 'permission-denied') {
      faultState.forbiddenTokens.set(token, kind);
    },
    allowToken(token) {
      faultState.forbiddenTokens.delete(token);
    },
    expireLease(leaseId) {
      const lease = core.leases.find(leaseId, core.now());
      if (!lease) throw new Error(`vault double: unknown lease ${leaseId}`);
      lease.expireTimeMs = Math.min(lease.expireTimeMs, core.now());
      core.leases.revoke(lease, 'expired', core.now());
    },
    expireToken(token) {
      const record = requireToken(core, token);
      if (record.expireTimeMs === null || record.expireTimeMs > core.now()) record.expireTimeMs = core.now();
      core.tokens.revoke(record, 'expired', core.now());
    },
    revokeToken(token) {
      core.tokens.revoke(requireToken(core, token), 'revoked', core.now());
    },
    async clear() {
      faultState.clear();
      core.sealed = false;
      await server.up();
    },
  };

  return {
    address: server.address,
    port: server.port,
    rootToken: root.id,
    tlsCertPem: options.tls?.certPem ?? null,
    faults,
    now: () => core.now(),
    close: () => server.close(),

    createNamespace: (path) => { core.mounts.addNamespace(path); },
    enableKv: (path, version, mountOptions) => { seed.enableKv(core, path, version, mountOptions); },
    writeKv: (path, data, writeOptions) => seed.writeKv(core, path, data, writeOptions?.namespace),
    deleteKvVersion: (path, version, deleteOptions = {}) => { seed.deleteKvVersion(core, path, version, deleteOptions); },
    enableAuth: (type, path, mountOptions) => { seed.enableAuth(core, type, path, mountOptions); },
    addKubernetesRole: (mount, role, roleOptions) => { seed.addKubernetesRole(core, mount, role, roleOptions); },
    addAppRole: (mount, role, roleOptions) => { seed.addAppRole(core, mount, role, roleOptions); },
    addJwtRole: (mount, role, roleOptions) => { seed.addJwtRole(core, mount, role, roleOptions); },
    configureAwsAuth: (mount, config) => { cloudSeed.configureAwsAuth(core, mount, config); },
    addAwsRole: (mount, role, roleOptions) => { cloudSeed.addAwsRole(core, mount, role, roleOptions); },
    configureGcpAuth: (mount, config) => { cloudSeed.configureGcpAuth(core, mount, config); },
    addGcpRole: (mount, role, roleOptions) => { cloudSeed.addGcpRole(core, mount, role, roleOptions); },
    configureAzureAuth: (mount, config) => { cloudSeed.configureAzureAuth(core, mount, config); },
    addAzureRole: (mount, role, roleOptions) => { cloudSeed.addAzureRole(core, mount, role, roleOptions); },
    addCertRole: (mount, role, roleOptions) => { cloudSeed.addCertRole(core, mount, role, roleOptions); },
    configureAliCloudAuth: (mount, config) => { cloudSeed.configureAliCloudAuth(core, mount, config); },
    addAliCloudRole: (mount, role, roleOptions) => { cloudSeed.addAliCloudRole(core, mount, role, roleOptions); },
    configureOciAuth: (mount, config) => { cloudSeed.configureOciAuth(core, mount, config); },
    addOciRole: (mount, role, roleOptions) => { cloudSeed.addOciRole(core, mount, role, roleOptions); },
    addLdapUser: (mount, username, userOptions) => { ldapCfSeed.addLdapUser(core, mount, username, userOptions); },
    addLdapGroup: (mount, group, groupOptions) => { ldapCfSeed.addLdapGroup(core, mount, group, groupOptions); },
    configureCfAuth: (mount, config) => { ldapCfSeed.configureCfAuth(core, mount, config); },
    addCfRole: (mount, role, roleOptions) => { ldapCfSeed.addCfRole(core, mount, role, roleOptions); },
    createToken: (tokenOptions) => seed.createToken(core, tokenOptions),
    enableDatabase: (path, mountOptions) => { seed.enableDatabase(core, path, mountOptions); },
    addDatabaseRole: (mount, role, roleOptions) => { seed.addDatabaseRole(core, mount, role, roleOptions); },
    addDatabaseStaticRole: (mount, role, roleOptions) => { seed.addDatabaseStaticRole(core, mount, role, roleOptions); },
    rotateStaticCredentials: (mount, role, rotateOptions) => { seed.rotateStaticCredentials(core, mount, role, rotateOptions?.namespace); },
    enablePki: (path, mountOptions) => seed.enablePki(core, path, mountOptions),
    addPkiRole: (mount, role, roleOptions) => seed.addPkiRole(core, mount, role, roleOptions),
    pkiCaPem: (mount, pemOptions) => seed.pkiCaPem(core, mount, pemOptions?.namespace),
    addTransitKey: (mount, key, keyOptions) => { seed.addTransitKey(core, mount, key, keyOptions?.namespace); },
    addPolicy: (name, rules) => { core.policies.set(name, rules); },

    requests: () => log.all(),
    clearRequests: () => {
      log.clear();
    },
    pendingRequests: () => log.pending(),
    counters: () => log.counters(),
    count: (endpoint) => log.count(endpoint),
    tokens: () => core.tokens.all(core.now()).map((token) => core.tokens.view(token, core.now())),
    token(tokenOrAccessor) {
      const record = core.tokens.find(tokenOrAccessor, core.now()) ?? core.tokens.findByAccessor(tokenOrAccessor, core.now());
      return record ? core.tokens.view(record, core.now()) : undefined;
    },
    leases: () => core.leases.all(core.now()).map((lease) => core.leases.view(lease, core.now())),
    lease(leaseId) {
      const record = core.leases.find(leaseId, core.now());
      return record ? core.leases.view(record, core.now()) : undefined;
    },
    credentials: () => [...core.credentials],
    waitFor: (probe, timeoutMs, description) => log.waitFor(probe, timeoutMs, description),
    waitForRequest: (filter, timeoutMs = 10_000) =>
      log.waitFor(() => log.all().find(filter), timeoutMs, 'a matching request'),
  };
}
