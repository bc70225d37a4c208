// auth/<mount>/login for the cert method: {name?}, authenticated by the TLS client certificate the
// connection presented (the double asks every TLS client for one). As Vault's builtin/credential/cert:
// with `name` only that role is tried, else every role; a role matches when the certificate is
// within its validity and issued by the role's CA, and its CN is allowed.
import { X509Certificate } from 'node:crypto';
import type { CertRoleOptions } from '../vault-double-api.js';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface CertState {
  readonly roles: Map<string, CertRoleOptions>;
}

function matches(role: CertRoleOptions, certificate: X509Certificate, nowMs: number): boolean {
  const ca = new X509Certificate(role.certificatePem);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
  if (nowMs < Date.parse(certificate.validFrom) || nowMs > Date.parse(certificate.validTo)) return false;
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? '';
  return (role.allowedCommonNames ?? []).length === 0 || (role.allowedCommonNames ?? []).includes(commonName);
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'cert') throw new Error('cert login on another mount');
  if (request.peerCertificate === null) return replies.badRequest('client certificate must be supplied');
  const certificate = new X509Certificate(request.peerCertificate);
  const name = stringField(request.body, 'name');
  const candidates = [...mount.engine.cert.roles].filter(([roleName]) => name === undefined || name === '' || roleName === name);
  const found = candidates.find(([, role]) => matches(role, certificate, Date.now()));
  if (found === undefined) return replies.badRequest('invalid certificate or no client certificate supplied');
  const [roleName, role] = found;
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? '';
  return loginResponse(
    core,
    { mount, settings: role, metadata: { cert_name: roleName, common_name: commonName, serial_number: certificate.serialNumber.toLowerCase() }, displayName: roleName },
    request.nowMs,
  );
}

export function routeCert(_mount: Mount, subPath: string): Route | undefined {
  return subPath === 'login' ? singleRoute('cert.login', ['update'], login, { unauthenticated: true }) : undefined;
}
