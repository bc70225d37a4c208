// oci auth end to end: the real agent CLI (HCL `method "oci"`) signs a GET of its login path with
// an OCI API key from the OCI config file, or with an instance principal's session key and the
// security token the federation fake issued for the metadata leaf certificate; the Vault double
// verifies the signature as OCI Identity would (key by keyId, request-target, Date, tenancy,
// ocid_list) and the agent renders a secret with its token.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { CloudScenario } from './cloud-auth/cloud-scenario.js';
import { SECRET_VALUE, createCloudScenario, leaked } from './cloud-auth/cloud-scenario.js';
import type { OciFakes } from '../cloud-fakes/oci-fakes.js';
import { startOciFakes } from '../cloud-fakes/oci-fakes.js';

const TENANCY = 'ocid1.tenancy.oc1..aaaaaaaaapikeytenancy';
const USER = 'ocid1.user.oc1..aaaaaaaaapikeyuser';
const GROUP = 'ocid1.group.oc1..aaaaaaaavaultclients';
const FINGERPRINT = '20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34';

let scenario: CloudScenario | undefined;
let fakes: OciFakes | undefined;

afterEach(async () => {
  await fakes?.server.close();
  fakes = undefined;
  await scenario?.close();
  scenario = undefined;
});

function apiKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const method = (type: string, role: string, extra = ''): string => `  method "oci" {
    ${extra}
    config = {
      type = "${type}"
      role = ${JSON.stringify(role)}
      credential_poll_interval = "30s"
    }
  }`;

/** A scenario with an apikey user registered in the double and an OCI config file in the pod's home. */
async function apiKeyScenario(role: string, configLines?: string): Promise<{ scenario: CloudScenario; privateKeyPem: string; configPath: string }> {
  const created = await createCloudScenario();
  const registered = apiKey();
  const { privateKeyPem } = registered;
  created.secrets.add(privateKeyPem.split('\n')[1] ?? privateKeyPem);
  const keyPath = created.homeFile('oci_api_key.pem', privateKeyPem);
  const configPath = created.homeFile(
    'oci-config',
    configLines ?? `[OTHER]\nuser=ocid1.user.oc1..other\n\n[DEFAULT]\nuser = ${USER}\nfingerprint=${FINGERPRINT}\nkey_file=${keyPath}\ntenancy=${TENANCY}\nregion=us-phoenix-1\n`,
  );
  created.vault.configureOciAuth('oci', { homeTenancyId: TENANCY, apiKeys: { [`${TENANCY}/${USER}/${FINGERPRINT}`]: registered.publicKeyPem }, groupMemberships: { [USER]: [GROUP] } });
  created.vault.addOciRole('oci', role, { ocidList: [GROUP], policies: ['app'] });
  return { scenario: created, privateKeyPem, configPath };
}

function ociLogins(vault: CloudScenario['vault']): { path: string; status: number }[] {
  return vault
    .requests()
    .filter((request) => request.endpoint === 'oci.login')
    .map((request) => ({ path: request.path, status: request.status }));
}

describe('oci auth: apikey', () => {
  it('the DEFAULT profile of $OCI_CONFIG_FILE signs GET /v1/auth/oci/login/<role>; the double verifies it and the secret renders', async () => {
    const setup = await apiKeyScenario('app');
    scenario = setup.scenario;
    const result = await scenario.run(method('apikey', 'app'), { OCI_CONFIG_FILE: setup.configPath });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(ociLogins(scenario.vault)).toEqual([{ path: 'auth/oci/login/app', status: 200 }]);
    const token = scenario.vault.tokens().find((candidate) => candidate.meta?.['role_name'] === 'app');
    expect(token?.renewable).toBe(false);
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('a key that is not the registered one is refused (signature does not verify); no key material in the output', async () => {
    const setup = await apiKeyScenario('app');
    scenario = setup.scenario;
    const other = apiKey();
    scenario.vault.configureOciAuth('oci', { homeTenancyId: TENANCY, apiKeys: { [`${TENANCY}/${USER}/${FINGERPRINT}`]: createPublicKey(other.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString() }, groupMemberships: { [USER]: [GROUP] } });
    const result = await scenario.run(method('apikey', 'app', 'exit_on_err = true'), { OCI_CONFIG_FILE: setup.configPath });
    expect(result.code).toBe(1);
    expect(result.rendered).toBeUndefined();
    expect(result.output).toContain('signature does not verify');
    expect(result.output).not.toMatch(/PRIVATE KEY|signature="/);
    const body = setup.privateKeyPem.split('\n').slice(1, -2).join('');
    expect(result.output.replace(/\s/g, '')).not.toContain(body.slice(0, 40));
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('a config file without `fingerprint` fails naming the key, the profile and the file', async () => {
    const setup = await apiKeyScenario('app', `[DEFAULT]\nuser=${USER}\nkey_file=/home/vault/oci_api_key.pem\ntenancy=${TENANCY}\n`);
    scenario = setup.scenario;
    const result = await scenario.run(method('apikey', 'app', 'exit_on_err = true'), { OCI_CONFIG_FILE: setup.configPath });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`oci auth: apikey credentials: \\"fingerprint\\" is missing (not in [DEFAULT] of ${setup.configPath}; nor OCI_fingerprint in the environment)`);
    expect(ociLogins(scenario.vault)).toEqual([]);
  });

  it('a hostile role (../../sys/…) stays one escaped path segment, in the URL and in the signed request-target', async () => {
    const role = '../../sys/policies/acl/x';
    const setup = await apiKeyScenario(role);
    scenario = setup.scenario;
    const result = await scenario.run(method('apikey', role), { OCI_CONFIG_FILE: setup.configPath });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    // The double decodes the path it records; it routed the request to the oci login of that role,
    // whose signed (request-target) it checked to be get /v1/auth/oci/login/<escaped role>.
    expect(ociLogins(scenario.vault)).toEqual([{ path: `auth/oci/login/${role}`, status: 200 }]);
    expect(scenario.vault.tokens().find((token) => token.meta?.['role_name'] === role)).toBeDefined();
    expect(scenario.vault.requests().some((request) => request.path.startsWith('sys/policies'))).toBe(false);
  });
});

describe('oci auth: instance principals', () => {
  it('metadata v2 leaf certificate → x509 federation security token → ST$ keyId signed with the session key', async () => {
    scenario = await createCloudScenario();
    fakes = await startOciFakes();
    scenario.secrets.add(fakes.leafKeyPem.split('\n')[1] ?? fakes.leafKeyPem);
    const dynamicGroup = 'ocid1.dynamicgroup.oc1..aaaaaaaavaultinstances';
    scenario.vault.configureOciAuth('oci', { homeTenancyId: fakes.tenancy, federationPublicKeys: fakes.federationPublicKeys, groupMemberships: { [fakes.instanceOcid]: [dynamicGroup] } });
    scenario.vault.addOciRole('oci', 'app', { ocidList: [dynamicGroup], policies: ['app'] });
    const result = await scenario.run(method('instance', 'app'), { OCI_METADATA_BASE_URL: fakes.metadataBaseUrl, OCI_SDK_AUTH_CLIENT_REGION_URL: fakes.server.url });
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const metadata = fakes.server.requests.filter((request) => request.path.startsWith('/opc/v2/'));
    expect(metadata.map((request) => request.path).sort()).toEqual(['/opc/v2/identity/cert.pem', '/opc/v2/identity/intermediate.pem', '/opc/v2/identity/key.pem', '/opc/v2/instance/region']);
    expect(metadata.every((request) => request.headers['authorization'] === 'Bearer Oracle')).toBe(true);
    expect(fakes.issuedTokens).toHaveLength(1);
    // The double accepts an ST$ keyId only for a token the federation key signed, verifying the
    // request with the session key inside it.
    expect(ociLogins(scenario.vault)).toEqual([{ path: 'auth/oci/login/app', status: 200 }]);
    for (const token of fakes.issuedTokens) scenario.secrets.add(token);
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('an instance outside the role\'s ocid_list is refused', async () => {
    scenario = await createCloudScenario();
    fakes = await startOciFakes();
    scenario.vault.configureOciAuth('oci', { homeTenancyId: fakes.tenancy, federationPublicKeys: fakes.federationPublicKeys });
    scenario.vault.addOciRole('oci', 'app', { ocidList: ['ocid1.dynamicgroup.oc1..other'], policies: ['app'] });
    const result = await scenario.run(method('instance', 'app', 'exit_on_err = true'), { OCI_METADATA_BASE_URL: fakes.metadataBaseUrl, OCI_SDK_AUTH_CLIENT_REGION_URL: fakes.server.url });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Entity not a part of any of the Role OCIDs');
    for (const token of fakes.issuedTokens) scenario.secrets.add(token);
    expect(leaked(scenario, result.output)).toEqual([]);
  });
});
