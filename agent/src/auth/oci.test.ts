import { createVerify, generateKeyPairSync } from 'node:crypto';
import { createOciMethod, roleSegment } from './oci.js';
import { parseOciConfigProfile } from './oci-config-file.js';
import { federationRegion } from './oci-instance.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const vault = { address: 'https://vault.example.com:8200', request: () => Promise.reject(new Error('no Vault calls expected')) };

function files(map: Record<string, string>): (path: string) => Promise<string | undefined> {
  return (path) => Promise.resolve(map[path]);
}

const CONFIG = '[DEFAULT]\nuser = ocid1.user.oc1..u\nFingerprint=aa:bb\nkey_file=~/.oci/key.pem\ntenancy=ocid1.tenancy.oc1..t\n';

describe('oci auth: apikey login plan', () => {
  it('signs a GET of /v1/<mount>/login/<role> on the Vault host; request_headers as Go encodes http.Header', async () => {
    const method = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/home/u', readFile: files({ '/home/u/.oci/config': CONFIG, '/home/u/.oci/key.pem': KEY_PEM }) });
    const plan = await method.planLogin(vault);
    if (plan.kind !== 'login') throw new Error('expected a login');
    expect(plan.path).toBe('auth/oci/login/app');
    const headers = plan.body['request_headers'] as Record<string, string[]>;
    expect(Object.keys(headers).sort()).toEqual(['(request-target)', 'Authorization', 'Date', 'Host']);
    expect(headers['Date']).toEqual(['Fri, 02 Jan 2026 03:04:05 GMT']);
    expect(headers['Host']).toEqual(['vault.example.com:8200']);
    expect(headers['(request-target)']).toEqual(['get /v1/auth/oci/login/app']);
    const authorization = headers['Authorization']?.[0] ?? '';
    const match = /^Signature version="1",headers="date \(request-target\) host",keyId="ocid1\.tenancy\.oc1\.\.t\/ocid1\.user\.oc1\.\.u\/aa:bb",algorithm="rsa-sha256",signature="([A-Za-z0-9+/=]+)"$/.exec(authorization);
    expect(match).not.toBeNull();
    const signingString = 'date: Fri, 02 Jan 2026 03:04:05 GMT\n(request-target): get /v1/auth/oci/login/app\nhost: vault.example.com:8200';
    expect(createVerify('RSA-SHA256').update(signingString).verify(publicKey, match?.[1] ?? '', 'base64')).toBe(true);
  });

  it('takes each value from OCI_* variables first, then ~/.oci/config, then ~/.oraclebmc/config; OCI_CONFIG_FILE only when ~/.oci/config is absent', async () => {
    const env = { OCI_user_ocid: 'ocid1.user.oc1..fromenv', OCI_CONFIG_FILE: '/etc/oci/config' };
    const read = files({ '/etc/oci/config': '[DEFAULT]\ntenancy=ocid1.tenancy.oc1..file\nkey_file=/k.pem\n', '/h/.oraclebmc/config': '[DEFAULT]\nfingerprint=11:22\n', '/k.pem': KEY_PEM });
    const plan = await createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env, now: () => NOW, homeDir: '/h', readFile: read }).planLogin(vault);
    const headers = plan.kind === 'login' ? (plan.body['request_headers'] as Record<string, string[]>) : {};
    expect(headers['Authorization']?.[0]).toContain('keyId="ocid1.tenancy.oc1..file/ocid1.user.oc1..fromenv/11:22"');
    const shadowed = files({ '/h/.oci/config': CONFIG, '/etc/oci/config': '[DEFAULT]\nfingerprint=ignored\n', '/h/.oci/key.pem': KEY_PEM });
    const second = await createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: { OCI_CONFIG_FILE: '/etc/oci/config' }, now: () => NOW, homeDir: '/h', readFile: shadowed }).planLogin(vault);
    expect(JSON.stringify(second)).toContain('ocid1.user.oc1..u/aa:bb');
  });

  it('names the missing key, the profile and the file; without any file, the places looked at', async () => {
    const noUser = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/h', readFile: files({ '/h/.oci/config': '[DEFAULT]\ntenancy=t\n[OTHER]\nuser=u\n' }) });
    await expect(noUser.planLogin(vault)).rejects.toThrow('oci auth: apikey credentials: "user" is missing (not in [DEFAULT] of /h/.oci/config; nor OCI_user_ocid in the environment)');
    const noProfile = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/h', readFile: files({ '/h/.oci/config': '[OTHER]\ntenancy=t\n' }) });
    await expect(noProfile.planLogin(vault)).rejects.toThrow('/h/.oci/config has no [DEFAULT] profile');
    const none = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/h', readFile: files({}) });
    await expect(none.planLogin(vault)).rejects.toThrow('no OCI config file (/h/.oci/config, /h/.oraclebmc/config)');
  });

  it('refuses an encrypted or non-RSA key without quoting the file', async () => {
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const method = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/h', readFile: files({ '/h/.oci/config': CONFIG, '/h/.oci/key.pem': encrypted }) });
    const error = await method.planLogin(vault).then(() => undefined, (caught: unknown) => caught as Error);
    expect(error?.message).toBe('oci auth: apikey credentials: key_file /h/.oci/key.pem is not an unencrypted PEM private key');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ecMethod = createOciMethod('auth/oci', { type: 'apikey', role: 'app' }, { env: {}, now: () => NOW, homeDir: '/h', readFile: files({ '/h/.oci/config': CONFIG, '/h/.oci/key.pem': ec }) });
    await expect(ecMethod.planLogin(vault)).rejects.toThrow('is not an RSA key');
  });
});

describe('oci auth: settings', () => {
  it.each([
    [{ role: 'app' }, "'type' value is empty"],
    [{ type: 'apikey' }, "'role' value is empty"],
    [{ type: 'resource', role: 'app' }, `'type' must be "apikey" or "instance", got "resource"`],
    [{ type: 'apikey', role: 'app', credential_poll_interval: 'soon' }, 'could not parse credential_poll_interval'],
    [{ type: 'apikey', role: '..' }, 'role ".." cannot be a path segment'],
  ])('%j is refused: %s', (config, message) => {
    expect(() => createOciMethod('auth/oci', config, { env: {}, now: () => NOW })).toThrow(message);
  });

  it('escapes the role into one path segment', () => {
    expect(roleSegment('../../sys/x y')).toBe('..%2F..%2Fsys%2Fx%20y');
  });

  it('parses the SDK INI dialect: profile header to the next header, case-insensitive trimmed keys', () => {
    expect(parseOciConfigProfile('[A]\nuser=a\n[DEFAULT]\n USER = b \n# note\nkey_file=/x=y\n[B]\nuser=c\n')).toEqual(new Map([['user', 'b'], ['key_file', '/x=y']]));
    expect(parseOciConfigProfile('[A]\nuser=a\n')).toBeUndefined();
  });

  it('maps the metadata region keys to region ids and refuses anything else', () => {
    expect(federationRegion('phx\n')).toBe('us-phoenix-1');
    expect(federationRegion('eu-frankfurt-1')).toBe('eu-frankfurt-1');
    expect(() => federationRegion('evil.example.com/x')).toThrow('unknown region');
  });
});
