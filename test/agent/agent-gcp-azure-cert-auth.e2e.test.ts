// gcp, azure and cert auth end to end: the real agent CLI (HCL `method "gcp" | "azure" | "cert"`)
// gets its credential from a loopback fake of the metadata server / Entra / IMDS, or presents a TLS
// client certificate, the Vault double verifies it as Vault does (signature by the issuer's key,
// audience, bindings; the certificate's CA), and the agent renders a secret with its token.
import { generateTestTls } from '../vault-double/index.js';
import type { FakeServer } from '../cloud-fakes/fake-server.js';
import { startGcpFakes } from '../cloud-fakes/gcp-fakes.js';
import { startAzureFakes } from '../cloud-fakes/azure-fakes.js';
import type { CloudScenario } from './cloud-auth/cloud-scenario.js';
import { SECRET_VALUE, createCloudScenario, leaked } from './cloud-auth/cloud-scenario.js';

let scenario: CloudScenario | undefined;
let fakes: FakeServer[] = [];

afterEach(async () => {
  for (const fake of fakes) await fake.close();
  fakes = [];
  await scenario?.close();
  scenario = undefined;
});

describe('gcp auth', () => {
  it('gce: the metadata identity token (audience <vault>/vault/<role>, format=full) logs in', async () => {
    scenario = await createCloudScenario();
    const gcp = await startGcpFakes();
    fakes.push(gcp.server);
    scenario.vault.configureGcpAuth('gcp', { publicKeys: gcp.publicKeys });
    scenario.vault.addGcpRole('gcp', 'app', { type: 'gce', boundServiceAccounts: [gcp.email], boundProjects: ['my-project'], policies: ['app'] });
    const result = await scenario.run(
      `  method "gcp" {
    config = {
      type = "gce"
      role = "app"
    }
  }`,
      { GCE_METADATA_HOST: gcp.server.host },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const identity = gcp.server.requests.find((request) => request.path.endsWith('/identity'));
    expect(identity?.query.get('audience')).toBe(`${scenario.vault.address}/vault/app`);
    expect(identity?.query.get('format')).toBe('full');
    expect(scenario.vault.tokens().find((token) => token.meta?.['project_id'] !== undefined)?.meta).toMatchObject({ service_account_email: gcp.email, project_id: 'my-project' });
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('iam: a JWT for aud http://vault/<role> signed by signJwt with the metadata access token', async () => {
    scenario = await createCloudScenario();
    const gcp = await startGcpFakes();
    fakes.push(gcp.server);
    scenario.secrets.add(gcp.accessToken);
    scenario.vault.configureGcpAuth('gcp', { publicKeys: gcp.publicKeys });
    scenario.vault.addGcpRole('gcp', 'app', { type: 'iam', boundServiceAccounts: [gcp.email], policies: ['app'] });
    const result = await scenario.run(
      `  method "gcp" {
    config = {
      type = "iam"
      role = "app"
      jwt_exp = 10
    }
  }`,
      { GCE_METADATA_HOST: gcp.server.host, GCP_IAM_CREDENTIALS_ENDPOINT: gcp.server.url },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const sign = gcp.server.requests.find((request) => request.path.endsWith(':signJwt'));
    expect(sign?.path).toBe(`/v1/projects/-/serviceAccounts/${gcp.email}:signJwt`);
    const payload = JSON.parse((JSON.parse(sign?.body ?? '{}') as { payload: string }).payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: 'http://vault/app', sub: gcp.email });
    expect(Number(payload['exp']) - Date.now() / 1000).toBeLessThanOrEqual(600);
    expect(leaked(scenario, result.output)).toEqual([]);
  });
});

describe('azure auth', () => {
  const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const resource = 'https://management.azure.com/';
  const compute = { name: 'aks-node-0', vmScaleSetName: 'aks-nodepool1-vmss', resourceGroupName: 'mc_rg', subscriptionId: 'sub-1234' };

  it('managed identity: IMDS token for the resource, login with the instance metadata', async () => {
    scenario = await createCloudScenario();
    const azure = await startAzureFakes({ tenantId, managedIdentityObjectId: 'mi-object-id', compute });
    fakes.push(azure.server);
    scenario.vault.configureAzureAuth('azure', { tenantId, resource, publicKeys: azure.publicKeys });
    scenario.vault.addAzureRole('azure', 'app', { boundServicePrincipalIds: ['mi-object-id'], boundSubscriptionIds: ['sub-1234'], boundResourceGroups: ['mc_rg'], policies: ['app'] });
    const result = await scenario.run(
      `  method "azure" {
    config = {
      role = "app"
      resource = "${resource}"
    }
  }`,
      { AZURE_POD_IDENTITY_AUTHORITY_HOST: azure.server.url },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(scenario.vault.tokens().find((token) => token.meta?.['subscription_id'] !== undefined)?.meta).toMatchObject({ subscription_id: 'sub-1234', resource_group_name: 'mc_rg', vm_name: 'aks-node-0', vmss_name: 'aks-nodepool1-vmss' });
    expect(leaked(scenario, result.output)).toEqual([]);
  });

  it('workload identity: the federated token file is exchanged at Entra (AZURE_AUTHORITY_HOST) for the scope', async () => {
    scenario = await createCloudScenario();
    const federatedToken = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGk6Ly9BenVyZUFEVG9rZW5FeGNoYW5nZSJ9.c2ln';
    const azure = await startAzureFakes({ tenantId, managedIdentityObjectId: 'mi-object-id', compute, app: { clientId: 'app-client-id', objectId: 'app-object-id', federatedToken } });
    fakes.push(azure.server);
    scenario.secrets.add(federatedToken);
    scenario.vault.configureAzureAuth('azure', { tenantId, resource, publicKeys: azure.publicKeys });
    scenario.vault.addAzureRole('azure', 'app', { boundServicePrincipalIds: ['app-object-id'], policies: ['app'] });
    const tokenFile = scenario.homeFile('azure-identity-token', `${federatedToken}\n`);
    const result = await scenario.run(
      `  method "azure" {
    config = {
      role = "app"
      resource = "${resource}"
      authenticate_from_environment = true
    }
  }`,
      {
        AZURE_POD_IDENTITY_AUTHORITY_HOST: azure.server.url,
        AZURE_AUTHORITY_HOST: azure.server.url,
        AZURE_TENANT_ID: tenantId,
        AZURE_CLIENT_ID: 'app-client-id',
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      },
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    const exchange = azure.server.requests.find((request) => request.path === `/${tenantId}/oauth2/v2.0/token`);
    expect(new URLSearchParams(exchange?.body).get('scope')).toBe(`${resource}/.default`);
    expect(azure.server.requests.some((request) => request.path === '/metadata/identity/oauth2/token')).toBe(false);
    expect(leaked(scenario, result.output)).toEqual([]);
  });
});

describe('cert auth', () => {
  async function certScenario(): Promise<{ current: CloudScenario; client: { caPem: string; certPem: string; keyPem: string }; serverCaFile: string }> {
    const server = await generateTestTls();
    const current = await createCloudScenario({ tls: { certPem: server.certPem, keyPem: server.keyPem } });
    scenario = current;
    const client = await generateTestTls({ hosts: ['app-client'] });
    current.secrets.add(client.keyPem.split('\n')[1] ?? '');
    current.vault.addCertRole('cert', 'app', { certificatePem: client.caPem, allowedCommonNames: ['app-client'], policies: ['app'] });
    return { current, client, serverCaFile: current.homeFile('vault-ca.pem', server.caPem) };
  }

  it('the method\'s own client_cert/client_key/ca_cert log in; the vault stanza has none', async () => {
    const { current, client, serverCaFile } = await certScenario();
    const certFile = current.homeFile('client.pem', client.certPem);
    const keyFile = current.homeFile('client-key.pem', client.keyPem);
    const result = await current.run(
      `  method "cert" {
    config = {
      name = "app"
      client_cert = "${certFile}"
      client_key = "${keyFile}"
      ca_cert = "${serverCaFile}"
    }
  }`,
      {},
      `address = "${current.vault.address}"\n  ca_cert = "${serverCaFile}"`,
    );
    expect([result.code, result.rendered]).toEqual([0, SECRET_VALUE]);
    expect(current.vault.tokens().find((token) => token.meta?.['cert_name'] === 'app')?.meta).toMatchObject({ common_name: 'app-client' });
    expect(leaked(current, result.output)).toEqual([]);
  });

  it('without method certificates the vault stanza\'s client certificate is presented; another CA\'s certificate is refused', async () => {
    const { current, client, serverCaFile } = await certScenario();
    const certFile = current.homeFile('client.pem', client.certPem);
    const keyFile = current.homeFile('client-key.pem', client.keyPem);
    const vaultStanza = (cert: string, key: string): string => `address = "${current.vault.address}"\n  ca_cert = "${serverCaFile}"\n  client_cert = "${cert}"\n  client_key = "${key}"`;
    const ok = await current.run('  method "cert" {\n    config = { name = "app" }\n  }', {}, vaultStanza(certFile, keyFile));
    expect([ok.code, ok.rendered]).toEqual([0, SECRET_VALUE]);
    const stranger = await generateTestTls({ hosts: ['app-client'] });
    const strangerCert = current.homeFile('stranger.pem', stranger.certPem);
    const strangerKey = current.homeFile('stranger-key.pem', stranger.keyPem);
    const refused = await current.run('  method "cert" {\n    exit_on_err = true\n    config = { name = "app" }\n  }', {}, vaultStanza(strangerCert, strangerKey));
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('invalid certificate or no client certificate supplied');
  });
});
