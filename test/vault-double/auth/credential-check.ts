// Matching a presented credential against what a role accepts, and reading JWT claims
// (unverified: the double trusts the role's check, not a signature).
import type { CredentialCheck } from '../vault-double-api.js';
import { isPlainObject } from '../core.js';

export function credentialMatches(check: CredentialCheck, presented: string): boolean {
  const trimmed = presented.trim();
  return typeof check === 'string' ? check === trimmed : check(trimmed);
}

/** The payload of a compact JWS, or null when it is not one. */
export function jwtClaims(jwt: string): Record<string, unknown> | null {
  const payload = jwt.trim().split('.')[1];
  if (payload === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isPlainObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export interface ServiceAccountIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly secretName: string;
}

/** Service-account identity from a legacy secret token or a projected (bound) token. */
export function serviceAccountFromClaims(claims: Record<string, unknown> | null): ServiceAccountIdentity {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  if (!claims) return { name: '', namespace: '', uid: '', secretName: '' };
  const projected = isPlainObject(claims['kubernetes.io']) ? claims['kubernetes.io'] : null;
  const account = projected && isPlainObject(projected['serviceaccount']) ? projected['serviceaccount'] : null;
  const [, , subjectNamespace = '', subjectName = ''] = text(claims['sub']).split(':');
  return {
    name: text(claims['kubernetes.io/serviceaccount/service-account.name']) || text(account?.['name']) || subjectName,
    namespace: text(claims['kubernetes.io/serviceaccount/namespace']) || text(projected?.['namespace']) || subjectNamespace,
    uid: text(claims['kubernetes.io/serviceaccount/service-account.uid']) || text(account?.['uid']),
    secretName: text(claims['kubernetes.io/serviceaccount/secret.name']),
  };
}
