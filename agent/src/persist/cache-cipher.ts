// Sealing of the persistent cache file: AES-256-GCM with a key derived by HKDF-SHA256 from key
// material that does not live on the cache volume (the pod's service-account token) and a random
// per-file salt. Layout: "VIAC" | version (1 byte) | salt (32) | IV (12) | ciphertext | tag (16).
// The header is authenticated as additional data, so a changed byte anywhere, or another key,
// fails the tag check. No error text ever includes key material or plaintext.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

const MAGIC = Buffer.from('VIAC', 'ascii');
const FORMAT_VERSION = 1;
const SALT_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + SALT_BYTES + IV_BYTES;
const KEY_INFO = Buffer.from('vault-injector agent persistent cache v1', 'ascii');

export class CacheSealError extends Error {
  override readonly name = 'CacheSealError';
}

function deriveKey(keyMaterial: Uint8Array, salt: Uint8Array): Buffer {
  if (keyMaterial.length === 0) throw new CacheSealError('the key material is empty');
  return Buffer.from(hkdfSync('sha256', keyMaterial, salt, KEY_INFO, 32));
}

/** Encrypts `plaintext`; `randomBytes` supplies the salt and IV (crypto.randomBytes in the agent). */
export function sealCache(plaintext: Uint8Array, keyMaterial: Uint8Array, randomBytes: (size: number) => Uint8Array): Buffer {
  const salt = Buffer.from(randomBytes(SALT_BYTES));
  const iv = Buffer.from(randomBytes(IV_BYTES));
  if (salt.length !== SALT_BYTES || iv.length !== IV_BYTES) throw new CacheSealError('the random source returned too few bytes');
  const header = Buffer.concat([MAGIC, Buffer.of(FORMAT_VERSION), salt, iv]);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(keyMaterial, salt), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}

/** Decrypts what sealCache wrote; throws CacheSealError when the file is not ours, altered, or keyed differently. */
export function openCache(sealed: Uint8Array, keyMaterial: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < HEADER_BYTES + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CacheSealError('not a persistent cache file written by this agent');
  }
  const version = bytes[MAGIC.length];
  if (version !== FORMAT_VERSION) throw new CacheSealError(`unsupported cache format version ${String(version)}`);
  const header = bytes.subarray(0, HEADER_BYTES);
  const salt = header.subarray(MAGIC.length + 1, MAGIC.length + 1 + SALT_BYTES);
  const iv = header.subarray(HEADER_BYTES - IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(keyMaterial, salt), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(header);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new CacheSealError('the cache file failed its integrity check (altered, or sealed with another key)');
  }
}
