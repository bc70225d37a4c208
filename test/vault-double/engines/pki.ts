// PKI secrets engine: pki/issue/<role> issues a real certificate signed by the mount's root CA;
// pki/cert/ca and pki/cert/ca_chain serve the CA. NotBefore is back-dated 30 s, as Vault does.
import type { PkiRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, wire, type Outcome } from '../reply.js';
import { mountDefaultTtl, mountMaxTtl, type Mount } from '../state/mount-table.js';
import { parseTtlInput, unixSeconds } from '../ttl.js';
import { issueLeafCertificate, serialHex, type CertificateAuthority } from './pki-certificates.js';

export interface PkiState {
  readonly ca: CertificateAuthority;
  readonly roles: Map<string, PkiRoleOptions>;
}

const MOUNT_TYPE = 'pki';
const BACKDATE_MS = 30_000;

function pkiOf(mount: Mount | null): { mount: Mount; pki: PkiState } {
  if (mount?.engine.type !== 'pki') throw new Error('pki handler on another mount');
  return { mount, pki: mount.engine.pki };
}

function nameAllowed(role: PkiRoleOptions, name: string): boolean {
  if (!role.allowedDomains) return true;
  return role.allowedDomains.some((allowed) => {
    if (!allowed.startsWith('*.')) return name === allowed;
    const suffix = allowed.slice(1);
    const label = name.slice(0, -suffix.length);
    return name.endsWith(suffix) && label !== '' && !label.includes('.');
  });
}

function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter((item) => item !== '') : [];
}

async function issue(core: DoubleCore, request: HandlerRequest, roleName: string): Promise<Outcome> {
  const { mount, pki } = pkiOf(request.mount);
  const role = pki.roles.get(roleName);
  if (!role) return replies.badRequest(`unknown role: ${roleName}`);
  const commonName = stringField(request.body, 'common_name') ?? '';
  if (commonName === '') {
    return replies.badRequest('the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false');
  }
  const altNames = [...splitList(request.body['alt_names']), ...splitList(request.body['ip_sans'])];
  const denied = [commonName, ...splitList(request.body['alt_names'])].find((name) => !nameAllowed(role, name));
  if (denied !== undefined) return replies.badRequest(`subject alternate name ${denied} not allowed by this role`);
  const requestedTtl = parseTtlInput(request.body['ttl']);
  if (!requestedTtl.ok) return replies.badRequest(requestedTtl.error);
  const maxTtl = role.maxTtlSeconds && role.maxTtlSeconds > 0 ? role.maxTtlSeconds : mountMaxTtl(mount);
  const wantedTtl = requestedTtl.seconds > 0 ? requestedTtl.seconds : role.ttlSeconds && role.ttlSeconds > 0 ? role.ttlSeconds : mountDefaultTtl(mount);
  const ttl = Math.min(wantedTtl, maxTtl);
  const notAfterMs = request.nowMs + ttl * 1000;
  const issued = await issueLeafCertificate(pki.ca, { commonName, subjectAltNames: altNames, serial: serialHex(core.ids.hex(20)), notBeforeMs: request.nowMs - BACKDATE_MS, notAfterMs });
  const lease = role.generateLease
    ? core.leases.add(
        {
          leaseId: `${mount.path}issue/${roleName}/${core.ids.base62(24)}`,
          path: `${mount.path}issue/${roleName}`,
          mountType: MOUNT_TYPE,
          namespace: mount.namespace,
          tokenAccessor: request.token?.accessor || null,
          ttlSeconds: ttl,
          renewable: false,
          defaultIncrementSeconds: ttl,
          maxTtlSeconds: ttl,
        },
        request.nowMs,
      )
    : null;
  const pkcs8 = request.body['private_key_format'] === 'pkcs8';
  core.credentials.push({
    kind: 'pki',
    mount: mount.path.replace(/\/$/, ''),
    role: roleName,
    leaseId: lease?.leaseId ?? '',
    serialNumber: issued.serialNumber,
    commonName,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem,
    notBeforeMs: request.nowMs - BACKDATE_MS,
    notAfterMs,
    issuedAtMs: request.nowMs,
  });
  return logical({
    data: {
      ca_chain: [pki.ca.certificatePem.trim()],
      certificate: issued.certificatePem.trim(),
      expiration: unixSeconds(notAfterMs),
      issuing_ca: pki.ca.certificatePem.trim(),
      private_key: (pkcs8 ? issued.privateKeyPkcs8Pem : issued.privateKeyPem).trim(),
      private_key_type: 'rsa',
      serial_number: issued.serialNumber,
    },
    ...(lease ? { leaseId: lease.leaseId, leaseDuration: ttl, renewable: false } : {}),
    mountType: MOUNT_TYPE,
  });
}

export function routePki(_mount: Mount, subPath: string): Route | undefined {
  const issueMatch = /^issue\/([^/]+)$/.exec(subPath);
  if (issueMatch?.[1]) {
    const roleName = issueMatch[1];
    return singleRoute('pki.issue', ['update'], (core, request) => issue(core, request, roleName));
  }
  switch (subPath) {
    case 'cert/ca':
      return singleRoute('pki.ca', ['read'], (_core, request) => logical({ data: { certificate: pkiOf(request.mount).pki.ca.certificatePem.trim(), revocation_time: 0 }, mountType: MOUNT_TYPE }));
    case 'cert/ca_chain':
      return singleRoute('pki.ca', ['read'], (_core, request) => logical({ data: { ca_chain: pkiOf(request.mount).pki.ca.certificatePem.trim(), certificate: pkiOf(request.mount).pki.ca.certificatePem.trim() }, mountType: MOUNT_TYPE }));
    case 'ca/pem':
      return singleRoute('pki.ca', ['read'], (_core, request) => wire({ status: 200, text: { contentType: 'application/pem-certificate-chain', body: pkiOf(request.mount).pki.ca.certificatePem.trim() } }), { unauthenticated: true, noWrap: true });
    default:
      return undefined;
  }
}
