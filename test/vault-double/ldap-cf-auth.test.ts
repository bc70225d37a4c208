// The double's ldap and cf logins check what Vault checks, so an agent bug cannot pass by accident.
// cf bodies are built by the agent's own method (agent/src/auth/cf.ts) from real CF-shaped
// identity credentials (test/cloud-fakes/cf-identity.ts); each refusal changes one thing.
import { constants, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble } from './index.js';
import type { VaultDouble } from './index.js';
import { callVault } from './vault-http.js';
import { createCfRootCa, issueCfInstanceIdentity } from '../cloud-fakes/cf-identity.js';
import type { CfCa, CfInstanceIdentity } from '../cloud-fakes/cf-identity.js';
import { cfSignature, cfSigningTime, createCfMethod } from '../../agent/src/auth/cf.js';

let vault: VaultDouble;
let root: CfCa;
let identity: CfInstanceIdentity;
let dir: string;
let files = 0;

beforeAll(async () => {
  vault = await startVaultDouble();
  root = await createCfRootCa();
  identity = await issueCfInstanceIdentity({ root });
  dir = mkdtempSync(join(tmpdir(), 'cf-double-'));
  vault.configureCfAuth('cf', { identityCaCertificates: [root.certificatePem] });
  vault.addCfRole('cf', 'app', { boundApplicationIds: [identity.appId], boundSpaceIds: [identity.spaceId], boundOrganizationIds: [identity.orgId], policies: ['app'] });
  vault.addLdapUser('ldap', 'svc-app', { password: 'pw-Kx81', groups: ['Ops'], policies: ['own'] });
  vault.addLdapGroup('ldap', 'ops', { policies: ['ops-read'] });
  vault.addLdapUser('ldap', 'a/../../sys/x?y#z', { password: 'pw-odd' });
});
afterAll(async () => {
  await vault.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cfBody(credentials: CfInstanceIdentity, nowMs = Date.now(), role = 'app'): Promise<Record<string, string>> {
  files += 1;
  const certFile = join(dir, `cert-${files}.pem`);
  const keyFile = join(dir, `key-${files}.pem`);
  writeFileSync(certFile, credentials.certificateFile);
  writeFileSync(keyFile, credentials.keyPem);
  const method = createCfMethod('auth/cf', role, { env: { CF_INSTANCE_CERT: certFile, CF_INSTANCE_KEY: keyFile }, now: () => nowMs });
  const plan = await method.planLogin({ address: vault.address, request: () => Promise.reject(new Error('unused')) });
  if (plan.kind !== 'login') throw new Error('cf planned no login');
  expect(plan.path).toBe('auth/cf/login');
  // cf's login body is all strings (only oci sends header maps).
  return Object.fromEntries(Object.entries(plan.body).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

interface LoginAnswer {
  readonly status: number;
  readonly errors: unknown;
  readonly auth: { metadata?: Record<string, string>; policies?: string[] } | undefined;
}

async function cfLogin(body: Record<string, string>): Promise<LoginAnswer> {
  const answer = await callVault(vault.address, 'PUT', 'auth/cf/login', { body });
  const parsed = answer.body as { errors?: unknown; auth?: LoginAnswer['auth'] };
  return { status: answer.status, errors: parsed.errors, auth: parsed.auth };
}

const sameIds = (): { appId: string; spaceId: string; orgId: string } => ({ appId: identity.appId, spaceId: identity.spaceId, orgId: identity.orgId });

describe('cf login', () => {
  it('the agent\'s body: RSA-PSS SHA-256 with the largest salt (222 bytes for a 2048-bit key) over signing_time + cert + role, "v1:" + base64', async () => {
    const nowMs = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    const body = await cfBody(identity, nowMs);
    expect(body['signing_time']).toBe('2024-01-02T03:04:05Z');
    expect(body['cf_instance_cert']).toBe(identity.certificateFile);
    expect(body['signature']).toMatch(/^v1:[A-Za-z0-9+/]+={0,2}$/);
    const leaf = new X509Certificate(identity.certificateFile);
    const signed = Buffer.from(`2024-01-02T03:04:05Z${identity.certificateFile}app`);
    const bytes = Buffer.from((body['signature'] ?? '').slice(3), 'base64');
    expect(verify('sha256', signed, { key: leaf.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 222 }, bytes)).toBe(true);
    expect(verify('sha256', signed, { key: leaf.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, bytes)).toBe(false);
  });

  it('logs in with the ids of the certificate\'s OUs', async () => {
    const result = await cfLogin(await cfBody(identity));
    expect(result.status).toBe(200);
    expect(result.auth?.metadata).toMatchObject({ instance_id: identity.instanceId, app_id: identity.appId, space_id: identity.spaceId, org_id: identity.orgId });
    expect(result.auth?.policies).toEqual(['app', 'default']);
  });

  const leafOnly = (file: string): string => file.slice(0, file.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----\n'.length);
  it.each<[string, () => Promise<Record<string, string>>, string]>([
    ['a tampered signature', async () => ({ ...(await cfBody(identity)), signature: `v1:${Buffer.alloc(256, 7).toString('base64')}` }), 'verification error'],
    ['a signature for another role', async () => ({ ...(await cfBody(identity, Date.now(), 'other')), role: 'app' }), 'verification error'],
    ['an unknown signature version', async () => ({ ...(await cfBody(identity)), signature: 'v2:AAAA' }), 'invalid signature version'],
    ['a signing time 6 minutes old', () => cfBody(identity, Date.now() - 360_000), 'request is too old'],
    ['a signing time 2 minutes ahead', () => cfBody(identity, Date.now() + 120_000), 'request is too far in the future'],
    ['another CA\'s certificate', async () => cfBody(await issueCfInstanceIdentity(sameIds())), 'signed by unknown authority'],
    ['an expired certificate', async () => cfBody(await issueCfInstanceIdentity({ root, ...sameIds(), notBeforeMs: Date.now() - 7_200_000, notAfterMs: Date.now() - 3_600_000 })), 'expired or is not yet valid'],
    ['another app', async () => cfBody(await issueCfInstanceIdentity({ root, spaceId: identity.spaceId, orgId: identity.orgId })), "doesn't match role constraints"],
    ['a certificate for another IP', async () => cfBody(await issueCfInstanceIdentity({ root, ip: '10.1.2.3', ...sameIds() })), 'no matching IP address'],
    ['the identity certificate alone', async () => {
      const body = await cfBody(identity);
      const leaf = leafOnly(identity.certificateFile);
      return { ...body, cf_instance_cert: leaf, signature: cfSignature(identity.keyPem, body['signing_time'] ?? '', leaf, 'app') };
    }, 'expected 2 certs'],
  ])('refuses %s', async (_what, build, message) => {
    const result = await cfLogin(await build());
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.errors)).toContain(message);
  });

  it('signing times are UTC whole seconds', () => {
    expect(cfSigningTime(Date.UTC(2030, 11, 31, 23, 59, 59, 999))).toBe('2030-12-31T23:59:59Z');
  });
});

describe('ldap login', () => {
  it('binds with the password; policies are the user\'s and its groups\' (names case-insensitive)', async () => {
    const answer = await callVault(vault.address, 'PUT', 'auth/ldap/login/SVC-App', { body: { password: 'pw-Kx81' } });
    expect(answer.status).toBe(200);
    expect((answer.body as { auth: { policies: string[] } }).auth.policies).toEqual(['default', 'ops-read', 'own']);
  });

  it.each([
    ['svc-app', 'nope', 'failed to bind as user'],
    ['nobody', 'pw-Kx81', 'failed to bind as user'],
    ['svc-app', '', 'zero length'],
  ])('refuses user %s with password %j', async (user, password, message) => {
    const answer = await callVault(vault.address, 'PUT', `auth/ldap/login/${user}`, { body: { password } });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(message);
  });

  it('an escaped username with / ? # is one user', async () => {
    const answer = await callVault(vault.address, 'PUT', `auth/ldap/login/${encodeURIComponent('a/../../sys/x?y#z')}`, { body: { password: 'pw-odd' } });
    expect(answer.status).toBe(200);
    expect((answer.body as { auth: { metadata: Record<string, string> } }).auth.metadata).toEqual({ username: 'a/../../sys/x?y#z' });
  });
});
