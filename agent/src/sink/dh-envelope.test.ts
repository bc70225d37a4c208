import { createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { SinkEncryptionError, TokenEncryptor, deriveKey, parsePublicKeyFile } from './dh-envelope.js';

function reader(): { readonly privateKey: KeyObject; readonly publicRaw: Buffer; readonly file: string } {
  const pair = generateKeyPairSync('x25519');
  const publicRaw = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { privateKey: pair.privateKey, publicRaw, file: JSON.stringify({ curve25519_public_key: publicRaw.toString('base64') }) };
}

/** The reader's side, written from Vault's description (X25519, optional HKDF, AES-256-GCM with the tag last). */
function open(text: string, privateKey: KeyObject, readerPublic: Buffer, { derive, aad }: { derive: boolean; aad: string }): string {
  const envelope = JSON.parse(text) as { curve25519_public_key: string; nonce: string; encrypted_payload: string };
  const theirs = Buffer.from(envelope.curve25519_public_key, 'base64');
  const secret = diffieHellman({ privateKey, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: theirs.toString('base64url') }, format: 'jwk' }) });
  const [salt, info] = Buffer.compare(theirs, readerPublic) < 0 ? [theirs, readerPublic] : [readerPublic, theirs];
  const key = derive ? Buffer.from(hkdfSync('sha256', secret, salt, info, 32)) : secret;
  const sealed = Buffer.from(envelope.encrypted_payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(-16));
  return Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString('utf8');
}

describe('encrypted sink envelope', () => {
  it.each([
    [false, ''],
    [true, ''],
    [true, 'pod-uid-1234'],
    [false, 'aad without derivation'],
  ])('derive_key=%s aad=%j: the reader opens it; the wrong AAD does not', async (derive, aad) => {
    const r = reader();
    const encryptor = new TokenEncryptor({ dhPath: '/keys/reader.json', deriveKey: derive, aad }, () => Promise.resolve(Buffer.from(r.file)));
    const text = await encryptor.encrypt('hvs.CAESIToken');
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['curve25519_public_key', 'nonce', 'encrypted_payload']);
    const envelope = JSON.parse(text) as { nonce: string; encrypted_payload: string };
    expect(Buffer.from(envelope.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.encrypted_payload, 'base64')).toHaveLength('hvs.CAESIToken'.length + 16);
    expect(open(text, r.privateKey, r.publicRaw, { derive, aad })).toBe('hvs.CAESIToken');
    expect(() => open(text, r.privateKey, r.publicRaw, { derive, aad: `${aad}x` })).toThrow();
    expect(() => open(text, r.privateKey, r.publicRaw, { derive: !derive, aad })).toThrow();
  });

  it('reads the reader\'s key once and keeps its own key pair: a later write works after the file is gone', async () => {
    const r = reader();
    let reads = 0;
    const encryptor = new TokenEncryptor({ dhPath: '/keys/reader.json', deriveKey: true, aad: '' }, () => {
      reads += 1;
      return reads === 1 ? Promise.resolve(Buffer.from(r.file)) : Promise.reject(Object.assign(new Error('gone'), { code: 'ENOENT' }));
    });
    const first = JSON.parse(await encryptor.encrypt('t1')) as { curve25519_public_key: string; nonce: string };
    const second = JSON.parse(await encryptor.encrypt('t2')) as { curve25519_public_key: string; nonce: string };
    expect(reads).toBe(1);
    expect(second.curve25519_public_key).toBe(first.curve25519_public_key);
    expect(second.nonce).not.toBe(first.nonce);
  });

  it('fails with errors that name the input and never hold the token', async () => {
    const fail = async (file: string | Error, token = 'hvs.secret-token') => {
      const encryptor = new TokenEncryptor({ dhPath: '/keys/reader.json', deriveKey: false, aad: '' }, () => (file instanceof Error ? Promise.reject(file) : Promise.resolve(Buffer.from(file))));
      const error = await encryptor.encrypt(token).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(SinkEncryptionError);
      expect(String(error)).not.toContain('secret-token');
      return (error as Error).message;
    };
    expect(await fail(Object.assign(new Error('nope'), { code: 'ENOENT' }))).toBe('no dh parameters file found at /keys/reader.json, and no cached pub key');
    expect(await fail('not json')).toMatch(/^error decoding public key from \/keys\/reader.json: /);
    expect(await fail('{}')).toBe('public key is nil (/keys/reader.json has no curve25519_public_key)');
    expect(await fail('{"curve25519_public_key":"AAEC"}')).toBe('invalid public key length: 3');
    expect(await fail('{"curve25519_public_key":"not base64!"}')).toBe('error decoding public key from /keys/reader.json: curve25519_public_key is not standard base64');
    // A low-order point (all zeros) gives an all-zero shared secret, which is refused.
    expect(await fail(JSON.stringify({ curve25519_public_key: Buffer.alloc(32).toString('base64') }))).toMatch(/^error calculating shared key: /);
    expect(await fail(reader().file, '')).toBe('error encrypting with shared key: empty plaintext provided');
  });

  it('derives with HKDF-SHA256 (RFC 5869 test case 1 inputs), salt the lower public key, info the higher', () => {
    // RFC 5869 A.1: IKM 0x0b×22, salt 0x00..0x0c, info 0xf0..0xf9, L=42; the first 32 bytes of OKM.
    const ikm = Buffer.alloc(22, 0x0b);
    const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
    const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
    const okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf';
    expect(deriveKey(ikm, salt, info).toString('hex')).toBe(okm);
    expect(deriveKey(ikm, info, salt).toString('hex')).toBe(okm);
    expect(() => deriveKey(ikm, salt, salt)).toThrow('same public key supplied for both participants');
  });

  it('parses the public key file as Go decodes a []byte field', () => {
    const key = Buffer.alloc(32, 7);
    expect(parsePublicKeyFile(JSON.stringify({ curve25519_public_key: key.toString('base64'), other: 1 }), '/k')).toEqual(key);
  });
});
