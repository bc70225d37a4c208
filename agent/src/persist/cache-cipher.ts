// Sealing of the persistent cache file: AES-256-GCM under a random 32-byte key that is NOT in the
// file. The file carries only a retrieval token (a single-use Vault response-wrapping token that
// unwraps to the key, see cache-key.ts); the service-account token is additional authenticated
// data, as Vault Agent uses it. Layout:
//   "VIAC" | version 2 (1 byte) | token length (2 bytes, big-endian) | retrieval token | IV (12) | ciphertext | tag (16)
// The header (everything before the ciphertext) and the SA token are authenticated, so a changed
// byte anywhere, another key or another SA token fails the tag check. No error text ever includes
// key material, the retrieval token or plaintext.
import { createCipheriv, createDecipheriv } from 'node:crypto';

const MAGIC = Buffer.from('VIAC', 'ascii');
const FORMAT_VERSION = 2;
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_TOKEN_BYTES = 1024;

export class CacheSealError extends Error {
  override readonly name = 'CacheSealError';
}

export interface SealKey {
  /** The AES-256 key (random per file). */
  readonly key: Uint8Array;
  /** Additional authenticated data: the service-account token. */
  readonly aad: Uint8Array;
}

function checkKey(sealKey: SealKey): void {
  if (sealKey.key.length !== KEY_BYTES) throw new CacheSealError(`the cache key must be ${KEY_BYTES} bytes`);
  if (sealKey.aad.length === 0) throw new CacheSealError('the additional authenticated data (service-account token) is empty');
}

/** Encrypts `plaintext`; `randomBytes` supplies the IV (crypto.randomBytes in the agent). */
export function sealCache(plaintext: Uint8Array, retrievalToken: string, sealKey: SealKey, randomBytes: (size: number) => Uint8Array): Buffer {
  checkKey(sealKey);
  const token = Buffer.from(retrievalToken, 'utf8');
  if (token.length === 0 || token.length > MAX_TOKEN_BYTES) throw new CacheSealError('the retrieval token is empty or too long');
  const iv = Buffer.from(randomBytes(IV_BYTES));
  if (iv.length !== IV_BYTES) throw new CacheSealError('the random source returned too few bytes');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(token.length);
  const header = Buffer.concat([MAGIC, Buffer.of(FORMAT_VERSION), length, token, iv]);
  const cipher = createCipheriv('aes-256-gcm', sealKey.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header, sealKey.aad]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}

interface Parsed {
  readonly header: Buffer;
  readonly retrievalToken: string;
  readonly iv: Buffer;
}

function parse(sealed: Uint8Array): Parsed & { readonly bytes: Buffer } {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < MAGIC.length + 3 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CacheSealError('not a persistent cache file written by this agent');
  }
  const version = bytes[MAGIC.length];
  if (version !== FORMAT_VERSION) throw new CacheSealError(`unsupported cache format version ${String(version)}`);
  const tokenLength = bytes.readUInt16BE(MAGIC.length + 1);
  const headerBytes = MAGIC.length + 3 + tokenLength + IV_BYTES;
  if (tokenLength === 0 || tokenLength > MAX_TOKEN_BYTES || bytes.length < headerBytes + TAG_BYTES) {
    throw new CacheSealError('not a persistent cache file written by this agent');
  }
  const header = bytes.subarray(0, headerBytes);
  return {
    bytes,
    header,
    retrievalToken: header.subarray(MAGIC.length + 3, MAGIC.length + 3 + tokenLength).toString('utf8'),
    iv: header.subarray(headerBytes - IV_BYTES),
  };
}

/** The retrieval token in the file's header (to fetch the key); throws CacheSealError for a foreign file. */
export function retrievalTokenOf(sealed: Uint8Array): string {
  return parse(sealed).retrievalToken;
}

/** Decrypts what sealCache wrote; throws CacheSealError when the file is not ours, altered, or keyed differently. */
export function openCache(sealed: Uint8Array, sealKey: SealKey): Buffer {
  checkKey(sealKey);
  const { bytes, header, iv } = parse(sealed);
  const decipher = createDecipheriv('aes-256-gcm', sealKey.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.concat([header, sealKey.aad]));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(header.length, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new CacheSealError('the cache file failed its integrity check (altered, or sealed with another key or service-account token)');
  }
}
