// An independent verifier of Alibaba Cloud's RPC signature v1 (HMAC-SHA1; not the agent's signer),
// following the published algorithm: https://www.alibabacloud.com/help/doc-detail/28139.htm — the
// parameters but Signature sorted by name, each name and value percent-encoded byte by byte (UTF-8,
// only A-Z a-z 0-9 - _ . ~ kept), joined; METHOD&%2F&<that, encoded again>; HMAC-SHA1 keyed with
// secret + "&", base64. The STS fake uses it to accept exactly what STS would.
import { createHmac, timingSafeEqual } from 'node:crypto';

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

function encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The signature the query's parameters (as decoded by the server) should carry, and the text it signs. */
export function expectedRpcSignature(method: string, query: URLSearchParams, secret: string): { readonly signature: string; readonly stringToSign: string } {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of query) if (name !== 'Signature') pairs.push([encode(name), encode(value)]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  const text = `${method.toUpperCase()}&${encode('/')}&${encode(canonical)}`;
  return { signature: createHmac('sha1', `${secret}&`).update(text, 'utf8').digest('base64'), stringToSign: text };
}

export function signatureMatches(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}
