// Transit secrets engine, encrypt and decrypt only: AES-256-GCM under named keys, ciphertext in
// Vault's "vault:v1:<base64(nonce‖ciphertext‖tag)>" form, plaintext base64 on the wire.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { singleRoute, stringField, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { logical, replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';

export interface TransitState {
  readonly keys: Map<string, Buffer>;
}

const MOUNT_TYPE = 'transit';
const PREFIX = 'vault:v1:';

function keyOf(request: HandlerRequest, name: string): Buffer | undefined {
  if (request.mount?.engine.type !== 'transit') throw new Error('transit handler on another mount');
  return request.mount.engine.transit.keys.get(name);
}

function encrypt(_core: DoubleCore, request: HandlerRequest, name: string): Outcome {
  const key = keyOf(request, name);
  if (!key) return replies.badRequest('encryption key not found');
  const plaintext = stringField(request.body, 'plaintext');
  if (plaintext === undefined) return replies.badRequest('missing plaintext to encrypt');
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(Buffer.from(plaintext, 'base64')), cipher.final(), cipher.getAuthTag()]);
  return logical({ data: { ciphertext: `${PREFIX}${sealed.toString('base64')}`, key_version: 1 }, mountType: MOUNT_TYPE });
}

function decrypt(_core: DoubleCore, request: HandlerRequest, name: string): Outcome {
  const key = keyOf(request, name);
  if (!key) return replies.badRequest('encryption key not found');
  const ciphertext = stringField(request.body, 'ciphertext');
  if (ciphertext === undefined) return replies.badRequest('missing ciphertext to decrypt');
  if (!ciphertext.startsWith(PREFIX)) return replies.badRequest('invalid ciphertext: no prefix');
  const sealed = Buffer.from(ciphertext.slice(PREFIX.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    return logical({ data: { plaintext: plain.toString('base64') }, mountType: MOUNT_TYPE });
  } catch {
    return replies.badRequest('cipher: message authentication failed');
  }
}

export function routeTransit(_mount: Mount, subPath: string): Route | undefined {
  const match = /^(encrypt|decrypt)\/([^/]+)$/.exec(subPath);
  const name = match?.[2];
  if (!name) return undefined;
  return match[1] === 'encrypt'
    ? singleRoute('transit.encrypt', ['update'], (core, request) => encrypt(core, request, name))
    : singleRoute('transit.decrypt', ['update'], (core, request) => decrypt(core, request, name));
}
