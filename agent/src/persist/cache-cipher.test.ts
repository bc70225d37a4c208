import { randomBytes } from 'node:crypto';
import { CacheSealError, openCache, sealCache } from './cache-cipher.js';

const key = Buffer.from('eyJhbGciOiJSUzI1NiJ9.service-account-jwt.signature');
const plaintext = Buffer.from('{"token":"hvs.secret-token","password":"p4ssw0rd"}');

describe('persistent cache sealing (AES-256-GCM, HKDF key)', () => {
  it('round-trips, and the sealed bytes reveal no plaintext', () => {
    const sealed = sealCache(plaintext, key, randomBytes);
    expect(openCache(sealed, key)).toEqual(plaintext);
    expect(sealed.includes(Buffer.from('hvs.secret-token'))).toBe(false);
    expect(sealed.includes(Buffer.from('p4ssw0rd'))).toBe(false);
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('VIAC');
  });

  it('uses a fresh salt and IV per write: the same contents seal differently', () => {
    expect(sealCache(plaintext, key, randomBytes).equals(sealCache(plaintext, key, randomBytes))).toBe(false);
  });

  it('rejects a changed byte anywhere: header, salt, IV, ciphertext or tag', () => {
    const sealed = sealCache(plaintext, key, randomBytes);
    for (const index of [5, 20, 40, 50, sealed.length - 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => openCache(tampered, key)).toThrow(CacheSealError);
    }
  });

  it('rejects another key (a different service-account token)', () => {
    const sealed = sealCache(plaintext, key, randomBytes);
    expect(() => openCache(sealed, Buffer.from('another-service-account-jwt'))).toThrow(/integrity check/);
  });

  it('rejects truncated files, foreign files, other versions and empty key material', () => {
    const sealed = sealCache(plaintext, key, randomBytes);
    expect(() => openCache(sealed.subarray(0, 60), key)).toThrow(/not a persistent cache file/);
    expect(() => openCache(Buffer.from('SQLite format 3\0 some bolt or sqlite file with enough bytes to pass the length check.'), key)).toThrow(/not a persistent cache file/);
    const otherVersion = Buffer.from(sealed);
    otherVersion[4] = 2;
    expect(() => openCache(otherVersion, key)).toThrow(/unsupported cache format version 2/);
    expect(() => sealCache(plaintext, Buffer.alloc(0), randomBytes)).toThrow(/key material is empty/);
  });

  it('never puts plaintext or key material in its error messages', () => {
    const sealed = sealCache(plaintext, key, randomBytes);
    const tampered = Buffer.from(sealed);
    tampered[sealed.length - 1] = (tampered[sealed.length - 1] ?? 0) ^ 0xff;
    let message = '';
    try {
      openCache(tampered, key);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain('secret');
    expect(message).not.toContain('service-account-jwt');
  });
});
