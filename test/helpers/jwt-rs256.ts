// RS256 compact JWTs for the cloud fakes (which issue them as Google, Microsoft Entra or an
// identity provider would) and the Vault double (which verifies them as Vault's gcp and azure
// methods do, against the issuer's public keys). node:crypto only.
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

export function generateSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

export function signJwt(claims: Readonly<Record<string, unknown>>, key: SigningKey): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

export type JwtCheck = { readonly ok: true; readonly claims: Record<string, unknown> } | { readonly ok: false; readonly error: string };

/** Verifies an RS256 JWT against public keys by kid; claims are returned unchecked. */
export function verifyJwt(jwt: string, publicKeys: Readonly<Record<string, string>>): JwtCheck {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) return { ok: false, error: 'not a compact JWS' };
  const [head = '', body = '', signature = ''] = parts;
  let header: { alg?: unknown; kid?: unknown };
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, error: 'undecodable JWT' };
  }
  if (header.alg !== 'RS256') return { ok: false, error: `unsupported alg ${String(header.alg)}` };
  const pem = typeof header.kid === 'string' ? publicKeys[header.kid] : undefined;
  if (pem === undefined) return { ok: false, error: `unknown kid ${String(header.kid)}` };
  const valid = verify('RSA-SHA256', Buffer.from(`${head}.${body}`), createPublicKey(pem), Buffer.from(signature, 'base64url'));
  if (!valid) return { ok: false, error: 'signature invalid' };
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return { ok: false, error: 'claims are not an object' };
  return { ok: true, claims: claims as Record<string, unknown> };
}

