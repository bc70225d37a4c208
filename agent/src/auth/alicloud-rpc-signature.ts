// The signed sts:GetCallerIdentity request an alicloud login carries, as Vault's own client builds it
// (tools.GenerateLoginData in github.com/hashicorp/vault-plugin-auth-alicloud/tools/tools.go: the
// Alibaba Cloud Go SDK's STS client, its request captured before it is sent). Vault's server replays
// that request against STS (path_login.go), so what matters is that STS accepts the signature.
//
// Alibaba Cloud RPC signature, version 1.0 (HMAC-SHA1), as documented at
// https://www.alibabacloud.com/help/doc-detail/28139.htm ("Request signatures"): every parameter but
// Signature, sorted by name, names and values percent-encoded (RFC 3986: only A-Z a-z 0-9 - _ . ~
// stay as they are; a space is %20), joined with & and =; the string to sign is
// METHOD & percent(/) & percent(that query); the signature is base64(HMAC-SHA1(secret + "&", it)).
//
// Why not a library: @alicloud/pop-core signs only inside its request() (which sends the request:
// there is no way to get the signed URL without a network call) and brings httpx, xml2js and
// json-bigint; @alicloud/openapi-util brings the tea runtime. The algorithm is twenty lines over
// node:crypto, and alicloud-rpc-signature.test.ts checks it against the documented example.
import { createHmac, randomUUID } from 'node:crypto';

export interface AliCloudCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** STS token of temporary credentials (ECS RAM role, access_token). */
  readonly securityToken?: string | undefined;
}

export const STS_API_VERSION = '2015-04-01';

/** RFC 3986 percent-encoding, as the RPC signature wants it. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonicalized query: parameters sorted by name (byte order), encoded, joined. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

export function stringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

export function rpcSignature(secret: string, text: string): string {
  return createHmac('sha1', `${secret}&`).update(text, 'utf8').digest('base64');
}

/** Go's time format "2006-01-02T15:04:05Z" (UTC, no fraction), as the SDK's Timestamp. */
export function rpcTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export interface GetCallerIdentityOptions {
  readonly credentials: AliCloudCredentials;
  readonly region: string;
  /** https://sts.<region>.aliyuncs.com/ (or an override). */
  readonly endpoint: URL;
  readonly now?: Date;
  readonly nonce?: string;
}

export interface AliCloudLoginFields {
  readonly identity_request_url: string;
  readonly identity_request_headers: string;
}

/**
 * The login fields: base64 (std alphabet) of the signed URL, and of the JSON of the headers in Go's
 * http.Header shape (canonical names, list values), as GenerateLoginData encodes them. The request is
 * a POST with every parameter in the query, as the Go SDK sends GetCallerIdentity.
 */
export function signGetCallerIdentity(options: GetCallerIdentityOptions): AliCloudLoginFields {
  const { credentials } = options;
  const params: Record<string, string> = {
    AccessKeyId: credentials.accessKeyId,
    Action: 'GetCallerIdentity',
    Format: 'JSON',
    RegionId: options.region,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: options.nonce ?? randomUUID(),
    SignatureType: '',
    SignatureVersion: '1.0',
    Timestamp: rpcTimestamp(options.now ?? new Date()),
    Version: STS_API_VERSION,
  };
  if (credentials.securityToken !== undefined && credentials.securityToken !== '') params['SecurityToken'] = credentials.securityToken;
  const signature = rpcSignature(credentials.accessKeySecret, stringToSign('POST', params));
  const url = new URL(options.endpoint.href);
  url.search = `?${canonicalQuery(params)}&Signature=${percentEncode(signature)}`;
  const headers = {
    'Content-Type': ['application/x-www-form-urlencoded'],
    'X-Acs-Action': ['GetCallerIdentity'],
    'X-Acs-Version': [STS_API_VERSION],
  };
  const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  return { identity_request_url: base64(url.href), identity_request_headers: base64(JSON.stringify(headers)) };
}
