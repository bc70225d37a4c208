// pki/issue/<role> issues real X.509 certificates signed by the mount CA; transit round trip.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const START = Date.UTC(2026, 0, 1);

let clock: ManualClock;
let vault: VaultDouble;

beforeAll(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
  await vault.addPkiRole('pki', 'web', { ttlSeconds: 3600, maxTtlSeconds: 7200, allowedDomains: ['*.svc.cluster.local', 'web.example.com'] });
  await vault.addPkiRole('pki', 'leased', { ttlSeconds: 600, generateLease: true });
  vault.addTransitKey('transit', 'app');
});

afterAll(async () => {
  await vault.close();
});

describe('pki/issue', () => {
  it('returns certificate, issuing_ca, ca_chain, private_key, private_key_type, serial_number, expiration', async () => {
    const answer = await callVault(vault.address, 'PUT', 'pki/issue/web', {
      token: vault.rootToken,
      body: { common_name: 'api.svc.cluster.local', alt_names: 'web.example.com', ip_sans: '10.0.0.7' },
    });
    expect(answer.status).toBe(200);
    const body = asRecord(answer.body);
    expect([body['lease_id'], body['lease_duration'], body['renewable'], body['mount_type']]).toEqual(['', 0, false, 'pki']);
    const data = asRecord(body['data']);
    expect(Object.keys(data).sort()).toEqual(['ca_chain', 'certificate', 'expiration', 'issuing_ca', 'private_key', 'private_key_type', 'serial_number']);
    expect(data['private_key_type']).toBe('rsa');
    expect(String(data['private_key'])).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----$/);

    const leaf = new X509Certificate(String(data['certificate']));
    const ca = new X509Certificate(String(data['issuing_ca']));
    expect(data['ca_chain']).toEqual([String(data['issuing_ca'])]);
    expect(ca.toString()).toBe(new X509Certificate(vault.pkiCaPem('pki')).toString());
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subject).toBe('CN=api.svc.cluster.local');
    expect(leaf.subjectAltName).toBe('DNS:api.svc.cluster.local, DNS:web.example.com, IP Address:10.0.0.7');
    expect(leaf.ca).toBe(false);
    // NotBefore back-dated 30 s; NotAfter = now + role ttl; expiration is NotAfter in unix seconds.
    expect(Date.parse(leaf.validFrom)).toBe(START - 30_000);
    expect(Date.parse(leaf.validTo)).toBe(START + 3600_000);
    expect(data['expiration']).toBe(START / 1000 + 3600);
    expect(String(data['serial_number']).replaceAll(':', '').toUpperCase()).toBe(leaf.serialNumber.padStart(40, '0'));
    expect(String(data['serial_number'])).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const publicFromKey = createPublicKey(createPrivateKey(String(data['private_key']))).export({ type: 'spki', format: 'der' });
    expect(Buffer.compare(publicFromKey, leaf.publicKey.export({ type: 'spki', format: 'der' }))).toBe(0);
    expect(vault.credentials().at(-1)).toMatchObject({ kind: 'pki', role: 'web', commonName: 'api.svc.cluster.local', serialNumber: data['serial_number'], notAfterMs: START + 3600_000 });
  });

  it('honours a requested ttl up to the role max and pkcs8 private keys', async () => {
    const answer = await callVault(vault.address, 'POST', 'pki/issue/web', { token: vault.rootToken, body: { common_name: 'a.svc.cluster.local', ttl: '24h', private_key_format: 'pkcs8' } });
    const data = asRecord(asRecord(answer.body)['data']);
    expect(data['expiration']).toBe(START / 1000 + 7200);
    expect(String(data['private_key'])).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('gives a non-renewable lease when the role has generate_lease', async () => {
    const body = asRecord((await callVault(vault.address, 'PUT', 'pki/issue/leased', { token: vault.rootToken, body: { common_name: 'x' } })).body);
    expect(body['lease_id']).toMatch(/^pki\/issue\/leased\/[A-Za-z0-9]{24}$/);
    expect([body['lease_duration'], body['renewable']]).toEqual([600, false]);
    const renew = await callVault(vault.address, 'PUT', 'sys/leases/renew', { token: vault.rootToken, body: { lease_id: body['lease_id'] } });
    expect(renew.body).toEqual({ errors: ['lease is not renewable'] });
  });

  it('rejects a missing common_name, a name outside allowed_domains and an unknown role (400)', async () => {
    const noName = await callVault(vault.address, 'PUT', 'pki/issue/web', { token: vault.rootToken, body: {} });
    expect([noName.status, asRecord(noName.body)['errors']]).toEqual([400, [expect.stringMatching(/^the common_name field is required/)]]);
    const outside = await callVault(vault.address, 'PUT', 'pki/issue/web', { token: vault.rootToken, body: { common_name: 'evil.example.org' } });
    expect(outside.body).toEqual({ errors: ['subject alternate name evil.example.org not allowed by this role'] });
    const unknown = await callVault(vault.address, 'PUT', 'pki/issue/none', { token: vault.rootToken, body: { common_name: 'x' } });
    expect(unknown.body).toEqual({ errors: ['unknown role: none'] });
  });

  it('serves the CA at cert/ca and ca/pem', async () => {
    const ca = asRecord(asRecord((await callVault(vault.address, 'GET', 'pki/cert/ca', { token: vault.rootToken })).body)['data']);
    expect(new X509Certificate(String(ca['certificate'])).ca).toBe(true);
    const pem = await callVault(vault.address, 'GET', 'pki/ca/pem');
    expect([pem.status, pem.headers['content-type'], pem.text]).toEqual([200, 'application/pem-certificate-chain', ca['certificate']]);
  });
});

describe('transit', () => {
  it('encrypts to vault:v1: ciphertext and decrypts back to the base64 plaintext', async () => {
    const plaintext = Buffer.from('hello transit').toString('base64');
    const encrypted = asRecord(asRecord((await callVault(vault.address, 'PUT', 'transit/encrypt/app', { token: vault.rootToken, body: { plaintext } })).body)['data']);
    expect(String(encrypted['ciphertext'])).toMatch(/^vault:v1:/);
    const decrypted = await callVault(vault.address, 'PUT', 'transit/decrypt/app', { token: vault.rootToken, body: { ciphertext: encrypted['ciphertext'] } });
    expect(asRecord(decrypted.body)['data']).toEqual({ plaintext });
    const tampered = await callVault(vault.address, 'PUT', 'transit/decrypt/app', { token: vault.rootToken, body: { ciphertext: `${String(encrypted['ciphertext']).slice(0, -4)}AAA=` } });
    expect(tampered.status).toBe(400);
  });
});
