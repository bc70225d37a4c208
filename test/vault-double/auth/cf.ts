// auth/<mount>/login for the cf method: {role, cf_instance_cert, signing_time, signature}, checked
// as vault-plugin-auth-cf's path_login.go does (https://github.com/hashicorp/vault-plugin-auth-cf):
// signing_time ("2006-01-02T15:04:05Z") no more than login_max_seconds_not_before (300) old nor
// login_max_seconds_not_after (60) ahead; cf_instance_cert holds exactly two certificates, one a CA
// (the intermediate), one not (the identity); the signature ("v1:" + standard base64, or the first
// release's bare URL-safe base64) verifies as RSA-PSS/SHA-256 over signing_time + cf_instance_cert +
// role with the identity certificate's key; the identity certificate chains through the
// intermediate to one of identity_ca_certificates and every certificate is within its validity;
// the identity fields come from the certificate (CN = instance id, OU "organization:", "space:",
// "app:", one IP SAN); the request's address matches that IP unless disable_ip_matching; the role's
// bound_* lists hold the ids. The plugin's CF API look-ups (the app, space and org still exist) are
// about Cloud Foundry's state and are not modelled.
import { X509Certificate, constants, verify } from 'node:crypto';
import { isIP } from 'node:net';
import type { CfAuthConfig, CfRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface CfState {
  config: CfAuthConfig | null;
  readonly roles: Map<string, CfRoleOptions>;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function certificatesIn(text: string): X509Certificate[] {
  const found: X509Certificate[] = [];
  for (const block of text.match(PEM_CERTIFICATE) ?? []) {
    try {
      found.push(new X509Certificate(block));
    } catch {
      // The plugin collects parse errors and goes on with the next block.
    }
  }
  return found;
}

function parseSigningTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function signatureBytes(signature: string): Buffer | string {
  const parts = signature.split(':');
  if (parts.length === 1) return Buffer.from(parts[0] ?? '', 'base64url');
  if (parts.length !== 2) return 'invalid signature format';
  if (parts[0] !== 'v1') return `invalid signature version ${JSON.stringify(parts[0])}`;
  return Buffer.from(parts[1] ?? '', 'base64');
}

function within(certificate: X509Certificate, nowMs: number): boolean {
  return nowMs >= Date.parse(certificate.validFrom) && nowMs <= Date.parse(certificate.validTo);
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** Go's x509 Verify as util.Validate calls it: a chain to a root, every link valid now (server-auth usage by default). */
function chainError(identity: X509Certificate, intermediate: X509Certificate, roots: readonly X509Certificate[], nowMs: number): string | undefined {
  // Node reports no extended key usage extension as undefined, whatever its typings say.
  const usages = (identity.keyUsage as readonly string[] | undefined) ?? [];
  if (usages.length > 0 && !usages.includes('1.3.6.1.5.5.7.3.1') && !usages.includes('2.5.29.37.0')) return 'x509: certificate specifies an incompatible key usage';
  const rootsOf = (certificate: X509Certificate): X509Certificate[] => roots.filter((root) => issuedBy(certificate, root));
  const chains: X509Certificate[][] = [...rootsOf(identity).map((root) => [identity, root])];
  if (intermediate.ca && issuedBy(identity, intermediate)) chains.push(...rootsOf(intermediate).map((root) => [identity, intermediate, root]));
  if (chains.length === 0) return 'x509: certificate signed by unknown authority';
  if (!chains.some((chain) => chain.every((certificate) => within(certificate, nowMs)))) return 'x509: certificate has expired or is not yet valid';
  return undefined;
}

interface CfIdentity {
  readonly instanceId: string;
  readonly orgId: string;
  readonly spaceId: string;
  readonly appId: string;
  readonly ipAddress: string;
}

/** models.NewCFCertificateFromx509: CN, the OU prefixes, exactly one IP address. */
function identityOf(certificate: X509Certificate): CfIdentity | string {
  const ips = (certificate.subjectAltName ?? '').split(', ').filter((name) => name.startsWith('IP Address:')).map((name) => name.slice('IP Address:'.length));
  if (ips.length !== 1) return `valid CF certs have one IP address, but this has ${JSON.stringify(ips)}`;
  const lines = certificate.subject.split('\n');
  const values = (key: string): string[] => lines.filter((line) => line.startsWith(`${key}=`)).map((line) => line.slice(key.length + 1));
  const units = values('OU');
  const pick = (prefix: string): string[] => units.filter((unit) => unit.startsWith(prefix)).map((unit) => unit.slice(prefix.length));
  const [spaces, orgs, apps] = [pick('space:'), pick('organization:'), pick('app:')];
  if (spaces.length > 1) return `expected 1 space but received ${spaces.length}`;
  if (orgs.length > 1) return `expected 1 org but received ${orgs.length}`;
  if (apps.length > 1) return `expected 1 app but received ${apps.length}`;
  const identity = { instanceId: values('CN')[0] ?? '', orgId: orgs[0] ?? '', spaceId: spaces[0] ?? '', appId: apps[0] ?? '', ipAddress: ips[0] ?? '' };
  if (identity.instanceId === '') return 'no instance ID on given certificate';
  if (identity.appId === '') return 'no app ID on given certificate';
  if (identity.orgId === '') return 'no org ID on given certificate';
  if (identity.spaceId === '') return 'no space ID on given certificate';
  if (isIP(identity.ipAddress) === 0) return `${JSON.stringify(identity.ipAddress)} could not be parsed as a valid IP address`;
  return identity;
}

function normalizedIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function bound(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).length === 0 || (list ?? []).includes(value);
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'cf') throw new Error('cf login on another mount');
  const roleName = stringField(request.body, 'role') ?? '';
  if (roleName === '') return replies.badRequest("'role-name' is required");
  const role = mount.engine.cf.roles.get(roleName);
  if (role === undefined) return replies.badRequest('no matching role');
  const signature = stringField(request.body, 'signature') ?? '';
  if (signature === '') return replies.badRequest("'signature' is required");
  const certificateText = stringField(request.body, 'cf_instance_cert') ?? '';
  if (certificateText === '') return replies.badRequest("'cf_instance_cert' is required");
  const signingTimeText = stringField(request.body, 'signing_time') ?? '';
  if (signingTimeText === '') return replies.badRequest("'signing_time' is required");
  const signedAtMs = parseSigningTime(signingTimeText);
  if (signedAtMs === undefined) return replies.badRequest(`couldn't parse ${signingTimeText}`);
  const config = mount.engine.cf.config;
  if (config === null) return replies.badRequest('no CA is configured for verifying client certificates');

  const notBefore = config.loginMaxSecondsNotBefore ?? 300;
  const notAfter = config.loginMaxSecondsNotAfter ?? 60;
  const nowMs = request.nowMs;
  if (signedAtMs < nowMs - notBefore * 1000) return replies.badRequest(`request is too old; signed at ${signingTimeText}; allowable seconds old is ${notBefore}`);
  if (signedAtMs > nowMs + notAfter * 1000) return replies.badRequest(`request is too far in the future; signed at ${signingTimeText}; allowable seconds in the future is ${notAfter}`);

  const certificates = certificatesIn(certificateText);
  const intermediate = certificates.find((certificate) => certificate.ca);
  const identity = certificates.find((certificate) => !certificate.ca);
  if (certificates.length !== 2 || intermediate === undefined || identity === undefined) return replies.badRequest('expected 2 certs: an intermediate certificate and an identity certificate');

  const bytes = signatureBytes(signature);
  if (typeof bytes === 'string') return replies.badRequest(bytes);
  const signed = Buffer.from(`${signingTimeText}${certificateText}${roleName}`, 'utf8');
  const signer = certificates.find((certificate) =>
    certificate.publicKey.asymmetricKeyType === 'rsa' &&
    verify('sha256', signed, { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, bytes),
  );
  if (signer === undefined) return replies.badRequest('crypto/rsa: verification error');
  if (!signer.raw.equals(identity.raw)) return replies.badRequest('signature not generated by identity cert');
  const roots = config.identityCaCertificates.flatMap((pem) => certificatesIn(pem));
  const invalid = chainError(identity, intermediate, roots, nowMs);
  if (invalid !== undefined) return replies.badRequest(invalid);

  const fields = identityOf(identity);
  if (typeof fields === 'string') return replies.badRequest(fields);
  if (!role.disableIpMatching && normalizedIp(request.remoteAddress ?? '') !== fields.ipAddress) return replies.badRequest('no matching IP address');
  if (!bound(role.boundInstanceIds, fields.instanceId)) return replies.badRequest(`instance ID ${fields.instanceId} doesn't match role constraints of [${(role.boundInstanceIds ?? []).join(' ')}]`);
  if (!bound(role.boundApplicationIds, fields.appId)) return replies.badRequest(`app ID ${fields.appId} doesn't match role constraints of [${(role.boundApplicationIds ?? []).join(' ')}]`);
  if (!bound(role.boundOrganizationIds, fields.orgId)) return replies.badRequest(`org ID ${fields.orgId} doesn't match role constraints of [${(role.boundOrganizationIds ?? []).join(' ')}]`);
  if (!bound(role.boundSpaceIds, fields.spaceId)) return replies.badRequest(`space ID ${fields.spaceId} doesn't match role constraints of [${(role.boundSpaceIds ?? []).join(' ')}]`);
  return loginResponse(
    core,
    { mount, settings: role, metadata: { role: roleName, instance_id: fields.instanceId, app_id: fields.appId, space_id: fields.spaceId, org_id: fields.orgId }, displayName: fields.instanceId },
    nowMs,
  );
}

export function routeCf(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('cf.login', ['update'], login, { unauthenticated: true }) : undefined;
}
