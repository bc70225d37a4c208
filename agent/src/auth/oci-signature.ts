// OCI request signatures (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/signingrequests.htm):
// draft-cavage HTTP signatures, rsa-sha256, Authorization
//   Signature version="1",headers="<names>",keyId="<key id>",algorithm="rsa-sha256",signature="<base64>"
// over the signing string "<name>: <value>" per listed header, joined by "\n", where
// (request-target) is "<lower-case method> <path?query>". The header lists are the OCI SDK's
// (oci-go-sdk common/http_signer.go): "date (request-target) host", plus "content-length
// content-type x-content-sha256" for POST/PUT (x-content-sha256: base64 SHA-256 of the body); the
// x509 federation endpoint signs without "host" (common/auth/federation_client.go).
// A signer of our own over node:crypto rather than a library: `http-signature` (Joyent) signs a
// live http.ClientRequest (it reads and sets its headers) and pulls in sshpk, and `oci-common` is
// the whole SDK; what is needed here is one documented signing string and one RSA signature.
import { createHash, createSign, type KeyObject } from 'node:crypto';

export const LOGIN_SIGNED_HEADERS = ['date', '(request-target)', 'host'] as const;
export const BODY_SIGNED_HEADERS = ['content-length', 'content-type', 'x-content-sha256'] as const;

export interface RequestToSign {
  readonly method: string;
  /** Path and query as sent (the (request-target) after the method). */
  readonly target: string;
  /** Header values by lower-case name (date, host, content-*). */
  readonly headers: Readonly<Record<string, string>>;
}

export function signingString(request: RequestToSign, names: readonly string[]): string {
  return names
    .map((name) => `${name}: ${name === '(request-target)' ? `${request.method.toLowerCase()} ${request.target}` : (request.headers[name] ?? '')}`)
    .join('\n');
}

/** The Authorization header value for `request`, signing the headers `names` with `key`. */
export function authorizationHeader(request: RequestToSign, names: readonly string[], keyId: string, key: KeyObject): string {
  const signature = createSign('RSA-SHA256').update(signingString(request, names), 'utf8').sign(key, 'base64');
  return `Signature version="1",headers="${names.join(' ')}",keyId="${keyId}",algorithm="rsa-sha256",signature="${signature}"`;
}

export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64');
}

/** An HTTP date (RFC 7231 IMF-fixdate, what Go's http.TimeFormat writes). */
export function httpDate(nowMs: number): string {
  return new Date(nowMs).toUTCString();
}
