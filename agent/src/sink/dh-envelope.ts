// Encrypted file sinks (`dh_type = "curve25519"`, `dh_path`, `derive_key`, `aad`/`aad_env_var`):
// the token is sealed for a reader that published its Curve25519 public key at dh_path as
// {"curve25519_public_key": "<base64>"}. The sink holds one key pair of its own for its lifetime;
// the shared secret (X25519) is the AES-256-GCM key, or with derive_key the HKDF-SHA256 of it
// (salt: the lower of the two public keys, info: the higher); a 12-byte random nonce and the AAD.
// Written: {"curve25519_public_key","nonce","encrypted_payload"} (base64, ciphertext then tag) and
// a newline, as Vault's encoder writes it. Behaviour and texts from Vault's sink.go and dhutil.go
// (https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/sink/sink.go,
// https://github.com/hashicorp/vault/blob/main/helper/dhutil/dhutil.go) and
// https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth#sink.
import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import type { SinkEncryption } from '../config/agent-config.js';
import { readFileBounded } from '../fs/read-bounded.js';
import { errorMessage } from '../vault/vault-error.js';

/** A public key file is a few dozen bytes; anything past this is not one. */
const MAX_DH_FILE_BYTES = 64 * 1024;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class SinkEncryptionError extends Error {
  override readonly name = 'SinkEncryptionError';
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function x25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** The reader's public key from dh_path's JSON (Go decodes a []byte field from standard base64). */
export function parsePublicKeyFile(text: string, dhPath: string): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SinkEncryptionError(`error decoding public key from ${dhPath}: ${errorMessage(error)}`);
  }
  const encoded = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).curve25519_public_key : undefined;
  if (encoded === undefined || encoded === null || encoded === '') throw new SinkEncryptionError(`public key is nil (${dhPath} has no curve25519_public_key)`);
  if (typeof encoded !== 'string' || !STRICT_BASE64.test(encoded)) throw new SinkEncryptionError(`error decoding public key from ${dhPath}: curve25519_public_key is not standard base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new SinkEncryptionError(`invalid public key length: ${key.length}`);
  return key;
}

export interface SealedToken {
  readonly publicKey: Buffer;
  readonly nonce: Buffer;
  readonly payload: Buffer;
}

/** Go's json.Encoder output for the envelope (fields in declaration order, newline-terminated). */
export function envelopeText(sealed: SealedToken): string {
  return `${JSON.stringify({ curve25519_public_key: sealed.publicKey.toString('base64'), nonce: sealed.nonce.toString('base64'), encrypted_payload: sealed.payload.toString('base64') })}\n`;
}

export class TokenEncryptor {
  #remote: Buffer | undefined;
  #own: { readonly privateKey: KeyObject; readonly publicKey: Buffer } | undefined;

  constructor(
    private readonly config: SinkEncryption,
    private readonly readFile: (path: string) => Promise<Buffer> = (path) => readFileBounded(path, MAX_DH_FILE_BYTES, { followSymlinks: true }),
  ) {}

  /** Seals `text` (the token or the wrap info) for the reader; the reader's key is read once, then kept. */
  async seal(text: string): Promise<SealedToken> {
    if (this.#remote === undefined) {
      let bytes: Buffer;
      try {
        bytes = await this.readFile(this.config.dhPath);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new SinkEncryptionError(`no dh parameters file found at ${this.config.dhPath}, and no cached pub key`);
        throw new SinkEncryptionError(`error reading file for dh parameters ${this.config.dhPath}: ${errorMessage(error)}`);
      }
      this.#remote = parsePublicKeyFile(bytes.toString('utf8'), this.config.dhPath);
    }
    if (this.#own === undefined) {
      const pair = generateKeyPairSync('x25519');
      this.#own = { privateKey: pair.privateKey, publicKey: rawPublicKey(pair.publicKey) };
    }
    const own = this.#own;
    const remote = this.#remote;
    let secret: Buffer;
    try {
      secret = diffieHellman({ privateKey: own.privateKey, publicKey: x25519PublicKey(remote) });
    } catch (error) {
      // e.g. a low-order point: X25519 gives all zeros, which OpenSSL (as Go) refuses.
      throw new SinkEncryptionError(`error calculating shared key: ${errorMessage(error)}`);
    }
    const key = this.config.deriveKey ? deriveKey(secret, own.publicKey, remote) : secret;
    if (text.length === 0) throw new SinkEncryptionError('error encrypting with shared key: empty plaintext provided');
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(this.config.aad, 'utf8'));
    const payload = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { publicKey: own.publicKey, nonce, payload };
  }

  async encrypt(text: string): Promise<string> {
    return envelopeText(await this.seal(text));
  }
}

/** HKDF-SHA256 over the shared secret; both public keys take part, in byte order (dhutil.DeriveSharedKey). */
export function deriveKey(secret: Buffer, ownPublic: Buffer, remotePublic: Buffer): Buffer {
  const order = Buffer.compare(ownPublic, remotePublic);
  if (order === 0) throw new SinkEncryptionError('error deriving shared key: same public key supplied for both participants');
  const [salt, info] = order < 0 ? [ownPublic, remotePublic] : [remotePublic, ownPublic];
  return Buffer.from(hkdfSync('sha256', secret, salt, info, 32));
}
