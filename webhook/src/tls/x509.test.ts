import 'reflect-metadata';
import * as peculiar from '@peculiar/x509';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { createServer, connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { BACKDATE_MS, CA_VALIDITY_MS, LEAF_VALIDITY_MS, checkKeyPair, generateCa, generateLeaf } from './x509.js';

const NOW = new Date('2030-01-02T03:04:05.000Z');

describe('generateCa', () => {
  it('makes the vault-k8s CA: ECDSA P-256, CN, 10 years back-dated a minute, CA usages, key ids', async () => {
    const ca = await generateCa({ now: NOW });
    const cert = new X509Certificate(ca.certPem);
    expect(cert.subject).toBe('CN=Agent Inject CA');
    expect(cert.issuer).toBe('CN=Agent Inject CA');
    expect(cert.ca).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBe(NOW.getTime() - BACKDATE_MS);
    expect(new Date(cert.validTo).getTime()).toBe(NOW.getTime() + CA_VALIDITY_MS);
    expect(ca.notAfter.getTime()).toBe(NOW.getTime() + CA_VALIDITY_MS);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);

    const parsed = new peculiar.X509Certificate(ca.certPem);
    const usage = parsed.getExtension(peculiar.KeyUsagesExtension);
    expect(usage?.usages).toBe(peculiar.KeyUsageFlags.keyCertSign | peculiar.KeyUsageFlags.digitalSignature);
    expect(usage?.critical).toBe(true);
    const spkiHash = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    const expectedKeyId = Buffer.from(spkiHash.match(/../g)!.join(':')).toString('hex');
    expect(parsed.getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId).toBe(expectedKeyId);
    expect(parsed.getExtension(peculiar.AuthorityKeyIdentifierExtension)?.keyId).toBe(expectedKeyId);
  });

  it('uses a fresh random serial below 2^159, minimally encoded', async () => {
    const high = await generateCa({ now: NOW, randomBytes: (size) => new Uint8Array(size).fill(0xff) });
    expect(new X509Certificate(high.certPem).serialNumber).toBe('7F'.padEnd(40, 'F'));
    const small = await generateCa({ now: NOW, randomBytes: (size) => Uint8Array.from({ length: size }, (_, i) => (i === size - 1 ? 0x85 : 0)) });
    // DER after the version field: INTEGER, length 2, 00 85 (a leading zero keeps it positive).
    expect(new X509Certificate(small.certPem).raw.toString('hex')).toContain('a003020102' + '02020085');
    const a = await generateCa({ now: NOW });
    const b = await generateCa({ now: NOW });
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe('generateLeaf', () => {
  it('makes the vault-k8s leaf: signed by the CA, 24 h, server usages, DNS and IP SANs', async () => {
    const ca = await generateCa({ now: NOW });
    const leaf = await generateLeaf(ca, { now: NOW, hosts: ['svc', 'svc.ns.svc', '10.1.2.3', '::1'] });
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.subject).toBe('CN=Agent Inject Service');
    expect(cert.issuer).toBe('CN=Agent Inject CA');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBe(NOW.getTime() - BACKDATE_MS);
    expect(new Date(cert.validTo).getTime()).toBe(NOW.getTime() + LEAF_VALIDITY_MS);
    expect(cert.subjectAltName).toBe('DNS:svc, DNS:svc.ns.svc, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.keyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(checkKeyPair(leaf.certPem, leaf.keyPem)).toEqual({ ok: true, notAfter: leaf.notAfter, notBefore: leaf.notBefore });

    const parsed = new peculiar.X509Certificate(leaf.certPem);
    expect(parsed.getExtension(peculiar.KeyUsagesExtension)?.usages).toBe(
      peculiar.KeyUsageFlags.digitalSignature | peculiar.KeyUsageFlags.keyEncipherment,
    );
    const caKeyId = new peculiar.X509Certificate(ca.certPem).getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId;
    expect(parsed.getExtension(peculiar.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
  });

  it('serves TLS that a client trusting only the CA accepts for an IP SAN', async () => {
    const now = new Date();
    const ca = await generateCa({ now });
    const leaf = await generateLeaf(ca, { now, hosts: ['localhost', '127.0.0.1'] });
    const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: ca.certPem }, () => {
          socket.setEncoding('utf8');
          let data = '';
          socket.on('data', (chunk: string) => {
            data += chunk;
          });
          socket.on('end', () => { resolve(data); });
        });
        socket.on('error', reject);
      });
      expect(text).toBe('hello');
    } finally {
      server.close();
    }
  });

  it('can make an RSA leaf (for tests of RSA-only cipher suites)', async () => {
    const ca = await generateCa({ now: NOW });
    const leaf = await generateLeaf(ca, { now: NOW, hosts: ['localhost'], keyType: 'rsa-2048' });
    expect(new X509Certificate(leaf.certPem).publicKey.asymmetricKeyType).toBe('rsa');
    expect(checkKeyPair(leaf.certPem, leaf.keyPem).ok).toBe(true);
  });
});

describe('checkKeyPair', () => {
  it('rejects a half-written certificate, a garbage key and a mismatched pair', async () => {
    const ca = await generateCa({ now: NOW });
    const one = await generateLeaf(ca, { now: NOW, hosts: ['a'] });
    const two = await generateLeaf(ca, { now: NOW, hosts: ['b'] });
    const halfCert = one.certPem.slice(0, one.certPem.length / 2);
    expect(JSON.stringify(checkKeyPair(halfCert, one.keyPem))).toMatch(/^\{"ok":false,"error":"cannot parse certificate/);
    expect(JSON.stringify(checkKeyPair(one.certPem, 'not a key'))).toMatch(/^\{"ok":false,"error":"cannot parse private key/);
    expect(checkKeyPair(one.certPem, two.keyPem)).toEqual({ ok: false, error: 'private key does not match public key' });
    expect(checkKeyPair('', '')).toMatchObject({ ok: false });
  });
});
