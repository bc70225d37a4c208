import { randomBytes } from 'node:crypto';
import { CacheSealError, openCache, retrievalTokenOf, sealCache } from './cache-cipher.js';

const aad = Buffer.from('eyJhbGciOiJSUzI1NiJ9.service-account-jwt.signature');
const key = randomBytes(32);
const sealKey = { key, aad };
const retrieval = 'hvs.CAESIwrapping-token';
const plaintext = Buffer.from('{"token":"hvs.secret-token","password":"p4ssw0rd"}');

describe('persistent cache sealing (AES-256-GCM, random key kept elsewhere, SA token as AAD)', () => {
  it('round-trips; the sealed bytes hold the retrieval token but no plaintext, key or SA token', () => {
    const sealed = sealCache(plaintext, retrieval, sealKey, randomBytes);
    expect(openCache(sealed, sealKey)).toEqual(plaintext);
    expect(retrievalTokenOf(sealed)).toBe(retrieval);
    for (const hidden of [Buffer.from('hvs.secret-token'), Buffer.from('p4ssw0rd'), key, aad]) expect(sealed.includes(hidden)).toBe(false);
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('VIAC');
  });

  it('uses a fresh IV per write: the same contents seal differently', () => {
    expect(sealCache(plaintext, retrieval, sealKey, randomBytes).equals(sealCache(plaintext, retrieval, sealKey, randomBytes))).toBe(false);
  });

  it('rejects a changed byte anywhere: header, retrieval token, IV, ciphertext or tag', () => {
    const sealed = sealCache(plaintext, retrieval, sealKey, randomBytes);
    for (const index of [8, 20, 40, 50, sealed.length - 20, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => openCache(tampered, sealKey)).toThrow(CacheSealError);
    }
  });

  it('rejects another key, and the right key with another service-account token', () => {
    const sealed = sealCache(plaintext, retrieval, sealKey, randomBytes);
    expect(() => openCache(sealed, { key: randomBytes(32), aad })).toThrow(/integrity check/);
    expect(() => openCache(sealed, { key, aad: Buffer.from('another-service-account-jwt') })).toThrow(/integrity check/);
  });

  it('rejects truncated files, foreign files, other versions, bad keys and an empty SA token', () => {
    const sealed = sealCache(plaintext, retrieval, sealKey, randomBytes);
    expect(() => openCache(sealed.subarray(0, 30), sealKey)).toThrow(/not a persistent cache file/);
    expect(() => openCache(Buffer.from('SQLite format 3\0 some bolt or sqlite file with enough bytes to pass the length check.'), sealKey)).toThrow(/not a persistent cache file/);
    const otherVersion = Buffer.from(sealed);
    otherVersion[4] = 1;
    expect(() => openCache(otherVersion, sealKey)).toThrow(/unsupported cache format version 1/);
    expect(() => sealCache(plaintext, retrieval, { key: Buffer.alloc(16), aad }, randomBytes)).toThrow(/must be 32 bytes/);
    expect(() => sealCache(plaintext, retrieval, { key, aad: Buffer.alloc(0) }, randomBytes)).toThrow(/service-account token\) is empty/);
    expect(() => sealCache(plaintext, '', sealKey, randomBytes)).toThrow(/retrieval token is empty/);
  });

  it('never puts plaintext, key material or the retrieval token in its error messages', () => {
    const sealed = sealCache(plaintext, retrieval, sealKey, randomBytes);
    const tampered = Buffer.from(sealed);
    tampered[sealed.length - 1] = (tampered[sealed.length - 1] ?? 0) ^ 0xff;
    let message = '';
    try {
      openCache(tampered, sealKey);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    for (const hidden of ['secret', 'service-account-jwt', retrieval]) expect(message).not.toContain(hidden);
  });
});
