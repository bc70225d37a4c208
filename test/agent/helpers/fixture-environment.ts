// The loopback world a real-world Vault Agent fixture runs in: a Vault double holding the secrets
// the fixtures' templates read, the fixture's auth method served by the double (and the cloud fakes
// its credentials come from), the credential files the method reads, and the fixture's text with
// only its environment-specific values rewritten (fixture-run.ts). Every credential and secret
// handed out is remembered so a run's logs can be scanned for it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentConfig } from '../../../agent/src/config/agent-config.js';
import { loadAgentConfig } from '../../../agent/src/config/load-agent-config.js';
import { generateTestTls, startVaultDouble } from '../../vault-double/index.js';
import type { VaultDouble } from '../../vault-double/index.js';
import type { FakeServer } from '../../cloud-fakes/fake-server.js';
import { startAwsMetadataFake, startStsFake, temporaryIdentity } from '../../cloud-fakes/aws-fakes.js';
import { startGcpFakes } from '../../cloud-fakes/gcp-fakes.js';
import { startAzureFakes } from '../../cloud-fakes/azure-fakes.js';
import { assumedRoleIdentity, startAliCloudStsFake, startEcsMetadataFake } from '../../cloud-fakes/alicloud-fakes.js';
import { startOciFakes } from '../../cloud-fakes/oci-fakes.js';
import { issueCfInstanceIdentity } from '../../cloud-fakes/cf-identity.js';
import { freePort, SERVICE_ACCOUNT_JWT } from './agent-scenario.js';
import type { FixtureAgent } from './fixture-run.js';
import { DEFAULT_SERVICE_ACCOUNT_DIR, rewriteFixtureText, startFixtureAgent } from './fixture-run.js';

/** The secrets the fixtures' templates read (KV v2 at secret/). */
export const SECRETS = {
  'web/db': { username: 'web-user', password: 'db-pass-Zq81vN' },
  app: { username: 'app-user', password: 'app-pass-Hf92kD', v: 'v-value-Lp33' },
  api: { key: 'api-key-Rt55wQ' },
  a: { v: 'a-value-Mx47bC' },
} as const;
/** What `aws/creds/app` answers (KV v1 standing in for the AWS secrets engine: same read shape). */
export const AWS_CREDS = { access_key: 'AKIAFIXTURE0EXAMPLE', secret_key: 'fixture-aws-secret-Jk29' } as const;

/** The image's users a fixture names (nginx's image has uid/gid 101). */
const IMAGE_USERS = { passwd: 'nginx:x:101:101:nginx user:/nonexistent:/bin/false\n', group: 'nginx:x:101:\n' };

/** Auth methods Vault Agent has that neither this agent nor the double serves (docs/agent.md, "Every Vault Agent setting"). */
export const UNSERVED_METHODS: Readonly<Record<string, string>> = {
  kerberos: 'needs a KDC and SPNEGO; the agent does not implement kerberos (refused at start) and no loopback KDC exists here',
};

export interface FixtureEnvironment {
  readonly name: string;
  readonly root: string;
  readonly vault: VaultDouble;
  /** The fixture as loaded from its original text (paths, addresses as written). */
  readonly original: AgentConfig;
  /** What was rewritten (original literal → replacement). */
  readonly replaced: ReadonlyArray<readonly [string, string]>;
  /** Rewritten listener addresses by original address. */
  readonly listeners: ReadonlyMap<string, string>;
  /** Values that must never appear in a log. */
  readonly secrets: Set<string>;
  readonly env: Record<string, string>;
  /** Host path of a fixture path (absolute → under root; relative → from root, the agent's cwd). */
  path(fixturePath: string): string;
  /** Writes a file at a fixture path (parents created). */
  write(fixturePath: string, content: string, mode?: number): void;
  read(fixturePath: string): string | undefined;
  /** Executable in root/bin (first on the agent's PATH): a program the fixture's image would have. */
  program(name: string, script: string): void;
  start(): FixtureAgent;
  close(): Promise<void>;
}

const FIXTURES = new URL('../../fixtures/agent-configs/', import.meta.url);

export function fixturePath(name: string): string {
  return join(FIXTURES.pathname, name);
}

export async function createFixtureEnvironment(name: string): Promise<FixtureEnvironment> {
  const text = readFileSync(fixturePath(name), 'utf8');
  const original = await loadAgentConfig([fixturePath(name)]);
  const root = mkdtempSync(join(tmpdir(), 'agent-fixture-'));
  chmodSync(root, 0o755);
  const fakes: FakeServer[] = [];
  const agents: FixtureAgent[] = [];
  const secrets = new Set<string>([SERVICE_ACCOUNT_JWT]);
  const env: Record<string, string> = {};

  // The double serves TLS where the fixture trusts a CA of its own for Vault. With tls_server_name
  // its certificate names only that host, as the real server's would: the agent reaches it at
  // 127.0.0.1 and must verify the name it was told to.
  const wantsTls = original.vault.caCert !== undefined || original.vault.caPath !== undefined;
  const serverHosts = original.vault.tlsServerName === undefined ? ['127.0.0.1', 'localhost'] : [original.vault.tlsServerName];
  const serverTls = wantsTls ? await generateTestTls({ hosts: serverHosts }) : undefined;
  const vault = await startVaultDouble(serverTls === undefined ? {} : { tls: { certPem: serverTls.certPem, keyPem: serverTls.keyPem } });
  secrets.add(vault.rootToken);
  vault.enableKv('secret', 2);
  for (const [path, data] of Object.entries(SECRETS)) {
    vault.writeKv(`secret/${path}`, data);
    for (const value of Object.values(data)) secrets.add(value);
  }
  vault.enableKv('aws', 1);
  vault.writeKv('aws/creds/app', AWS_CREDS);
  secrets.add(AWS_CREDS.secret_key);

  // A config without vault.address relies on VAULT_ADDR (the injector sets it in the container
  // of an agent-configmap pod; a user exports it): the environment names the double.
  if (original.vault.address === undefined) env['VAULT_ADDR'] = vault.address;
  const listeners = new Map<string, string>();
  for (const listener of original.listeners) {
    if (listener.type === 'tcp') listeners.set(listener.address, `127.0.0.1:${await freePort()}`);
  }
  const rewritten = rewriteFixtureText(text, {
    root,
    listeners,
    ...(original.vault.address === undefined ? {} : { vaultAddress: { from: original.vault.address, to: vault.address } }),
  });

  const path = (fixture: string): string => (fixture.startsWith('/') ? `${root}${fixture}` : join(root, fixture));
  const write = (fixture: string, content: string, mode = 0o600): void => {
    const file = path(fixture);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
  };
  // The directories the fixture's machine has: the parent of every path it names, except the
  // directories of template destinations, which the agent creates (create_dest_dirs, default true).
  const destinations = new Set(original.templates.filter((template) => template.createDestDirs).map((template) => template.destination));
  for (const [from] of rewritten.replaced) {
    if (from.startsWith('/') && !destinations.has(from)) mkdirSync(dirname(path(from)), { recursive: true });
  }
  const serviceAccountDir = path(DEFAULT_SERVICE_ACCOUNT_DIR);
  mkdirSync(serviceAccountDir, { recursive: true });
  mkdirSync(join(root, 'bin'), { recursive: true });
  const configPath = join(root, 'config', name);
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(configPath, rewritten.text);
  writeFileSync(join(root, 'passwd'), readFileSync('/etc/passwd', 'utf8') + IMAGE_USERS.passwd);
  writeFileSync(join(root, 'group'), readFileSync('/etc/group', 'utf8') + IMAGE_USERS.group);

  const environment: FixtureEnvironment = {
    name,
    root,
    vault,
    original,
    replaced: rewritten.replaced,
    listeners,
    secrets,
    env,
    path,
    write,
    read(fixture) {
      try {
        return readFileSync(path(fixture), 'utf8');
      } catch {
        return undefined;
      }
    },
    program(programName, script) {
      const file = join(root, 'bin', programName);
      writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    },
    start() {
      const agent = startFixtureAgent({
        root,
        configPath,
        serviceAccountDir,
        passwdFile: join(root, 'passwd'),
        groupFile: join(root, 'group'),
        env: { ...env, PATH: `${join(root, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: root },
      });
      agents.push(agent);
      return agent;
    },
    async close() {
      for (const agent of agents) {
        agent.kill();
        await agent.exited;
      }
      for (const fake of fakes) await fake.close();
      await vault.close();
      rmSync(root, { recursive: true, force: true });
    },
  };

  if (serverTls !== undefined) await serveVaultTls(environment, serverTls.caPem);
  await serveMethod(environment, fakes);
  return environment;
}

/** The fixture's vault stanza files: the CA that signed the double's certificate, a client certificate. */
async function serveVaultTls(environment: FixtureEnvironment, caPem: string): Promise<void> {
  const { vault } = environment.original;
  if (vault.caCert !== undefined) environment.write(vault.caCert, caPem, 0o644);
  if (vault.caPath !== undefined) environment.write(join(vault.caPath, 'vault-ca.pem'), caPem, 0o644);
  if (vault.clientCert !== undefined && vault.clientKey !== undefined) {
    const client = await generateTestTls({ hosts: ['app-client'] });
    environment.write(vault.clientCert, client.certPem, 0o644);
    environment.write(vault.clientKey, client.keyPem, 0o600);
    environment.secrets.add(client.keyPem.split('\n')[1] ?? '');
    // The cert method trusts the client certificate's CA.
    clientCa.set(environment, client.caPem);
  }
}
const clientCa = new WeakMap<FixtureEnvironment, string>();

const ROLE_ARN = 'arn:aws:iam::123456789012:role/eks-app';
const SESSION_ARN = 'arn:aws:sts::123456789012:assumed-role/eks-app/vault-agent';
const ALICLOUD_ROLE_ARN = 'acs:ram::5138828231865461:role/ecs-app';

/** Serves the fixture's auth method on the double, with the credentials its config points at. */
async function serveMethod(environment: FixtureEnvironment, fakes: FakeServer[]): Promise<void> {
  const method = environment.original.autoAuth?.method;
  if (method === undefined) return;
  const { vault, secrets, env } = environment;
  const config = method.config;
  const text = (key: string): string | undefined => {
    const value = config[key];
    return typeof value === 'string' ? value : undefined;
  };
  const mount = method.mountPath.replace(/^auth\//, '');
  const role = text('role') ?? '';
  const namespace = method.namespace ?? environment.original.vault.namespace;
  if (namespace !== undefined) {
    const parts = namespace.split('/');
    for (let index = 1; index <= parts.length; index += 1) vault.createNamespace(parts.slice(0, index).join('/'));
  }
  const settings = { policies: ['app'], ...(namespace === undefined ? {} : { namespace }) };
  switch (method.type) {
    case 'kubernetes': {
      vault.addKubernetesRole(mount, role, { serviceAccountJwt: SERVICE_ACCOUNT_JWT, ...settings });
      environment.write(join(DEFAULT_SERVICE_ACCOUNT_DIR, 'token'), `${SERVICE_ACCOUNT_JWT}\n`, 0o644);
      const tokenPath = text('token_path');
      if (tokenPath !== undefined) environment.write(tokenPath, `${SERVICE_ACCOUNT_JWT}\n`, 0o644);
      return;
    }
    case 'approle': {
      const roleId = `role-id-${randomBytes(6).toString('hex')}`;
      const secretId = `secret-id-${randomBytes(8).toString('hex')}`;
      vault.addAppRole(mount, 'app', { roleId, secretIds: [secretId], ...settings });
      secrets.add(roleId);
      secrets.add(secretId);
      environment.write(text('role_id_file_path') ?? '', roleId);
      const wrappingPath = text('secret_id_response_wrapping_path');
      // With secret_id_response_wrapping_path the file holds the wrapping token of a secret-id
      // generated at that path (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/approle).
      const secretIdContent = wrappingPath === undefined ? secretId : await wrappedSecretId(vault, wrappingPath);
      secrets.add(secretIdContent);
      environment.write(text('secret_id_file_path') ?? '', secretIdContent);
      return;
    }
    case 'jwt': {
      const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'ci-runner', aud: 'vault' })).toString('base64url')}.c2lnLWZpeHR1cmU`;
      vault.addJwtRole(mount, role, { jwt, ...settings });
      secrets.add(jwt);
      environment.write(text('path') ?? '', jwt);
      return;
    }
    case 'token_file': {
      const { token } = vault.createToken({ policies: ['app'] });
      secrets.add(token);
      environment.write(text('token_file_path') ?? '', `${token}\n`);
      return;
    }
    case 'aws': {
      if (text('type') === 'ec2') {
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const document = { instanceId: 'i-0fixture00000001', imageId: 'ami-0fixture', accountId: '123456789012', region: 'eu-west-1', pendingTime: '2024-01-01T00:00:00Z' };
        const metadata = await startAwsMetadataFake({ instanceIdentity: { document, signingKey: privateKey } });
        fakes.push(metadata);
        vault.configureAwsAuth(mount, { ec2PublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
        vault.addAwsRole(mount, role, { authType: 'ec2', boundAmiIds: ['ami-0fixture'], ...settings });
        env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = metadata.url;
        return;
      }
      // EKS with IRSA: the pod's web-identity token is exchanged at STS for keys that sign.
      const issued = temporaryIdentity(SESSION_ARN);
      const webToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: 'sts.amazonaws.com' })).toString('base64url')}.c2ln`;
      const sts = await startStsFake({ identities: [], webIdentity: { roleArn: ROLE_ARN, token: webToken, issues: issued } });
      fakes.push(sts);
      const headerValue = text('header_value');
      vault.configureAwsAuth(mount, { stsEndpoint: sts.url, ...(headerValue === undefined ? {} : { iamServerIdHeaderValue: headerValue }) });
      vault.addAwsRole(mount, role, { authType: 'iam', boundIamPrincipalArns: [ROLE_ARN], ...settings });
      for (const value of [webToken, issued.secretAccessKey, issued.sessionToken ?? '']) secrets.add(value);
      environment.write('/var/run/secrets/eks.amazonaws.com/serviceaccount/token', webToken, 0o644);
      Object.assign(env, { AWS_ROLE_ARN: ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE: environment.path('/var/run/secrets/eks.amazonaws.com/serviceaccount/token'), AWS_ENDPOINT_URL_STS: sts.url });
      return;
    }
    case 'gcp': {
      const serviceAccount = text('service_account');
      const gcp = serviceAccount === undefined ? await startGcpFakes() : await startGcpFakes(serviceAccount, serviceAccount.split('@')[1]?.split('.')[0]);
      fakes.push(gcp.server);
      secrets.add(gcp.accessToken);
      vault.configureGcpAuth(mount, { publicKeys: gcp.publicKeys });
      const type = text('type') === 'gce' ? 'gce' : 'iam';
      vault.addGcpRole(mount, role, { type, boundServiceAccounts: [gcp.email], ...(type === 'gce' ? { boundProjects: ['my-project'] } : {}), ...settings });
      Object.assign(env, { GCE_METADATA_HOST: gcp.server.host, GCP_IAM_CREDENTIALS_ENDPOINT: gcp.server.url });
      return;
    }
    case 'azure': {
      // AKS workload identity: the federated token file is exchanged at Entra (authenticate_from_environment).
      const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
      const federatedToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: 'api://AzureADTokenExchange' })).toString('base64url')}.c2ln`;
      const compute = { name: 'aks-node-0', vmScaleSetName: 'aks-nodepool1-vmss', resourceGroupName: 'mc_rg', subscriptionId: 'sub-1234' };
      const azure = await startAzureFakes({ tenantId, managedIdentityObjectId: 'mi-object-id', compute, app: { clientId: 'app-client-id', objectId: 'app-object-id', federatedToken } });
      fakes.push(azure.server);
      secrets.add(federatedToken);
      vault.configureAzureAuth(mount, { tenantId, resource: text('resource') ?? '', publicKeys: azure.publicKeys });
      vault.addAzureRole(mount, role, { boundServicePrincipalIds: ['app-object-id'], ...settings });
      environment.write('/var/run/secrets/azure/tokens/azure-identity-token', federatedToken, 0o644);
      Object.assign(env, {
        AZURE_POD_IDENTITY_AUTHORITY_HOST: azure.server.url,
        AZURE_AUTHORITY_HOST: azure.server.url,
        AZURE_TENANT_ID: tenantId,
        AZURE_CLIENT_ID: 'app-client-id',
        AZURE_FEDERATED_TOKEN_FILE: environment.path('/var/run/secrets/azure/tokens/azure-identity-token'),
      });
      return;
    }
    case 'alicloud': {
      // An ECS instance with a RAM role: the metadata service hands out its STS keys, which sign.
      const identity = assumedRoleIdentity(`${ALICLOUD_ROLE_ARN.replace(':role/', ':assumed-role/')}/vm-ram-i-fixture`);
      const sts = await startAliCloudStsFake([identity]);
      const metadata = await startEcsMetadataFake({ ramRole: { name: 'ecs-app', identity } });
      fakes.push(sts, metadata);
      vault.configureAliCloudAuth(mount, { stsEndpoint: sts.url });
      vault.addAliCloudRole(mount, role, { arn: ALICLOUD_ROLE_ARN, ...settings });
      for (const value of [identity.accessKeySecret, identity.securityToken ?? '']) secrets.add(value);
      Object.assign(env, { VAULT_AGENT_ALICLOUD_STS_ENDPOINT: sts.url, VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT: metadata.url });
      return;
    }
    case 'oci': {
      // Instance principals: metadata v2 and the x509 federation endpoint on loopback; the instance
      // is in a dynamic group the role lists. (An apikey fixture would need an OCI config file.)
      if (text('type') !== 'instance') throw new Error(`${environment.name}: only oci type "instance" is served here`);
      const oci = await startOciFakes();
      fakes.push(oci.server);
      secrets.add(oci.leafKeyPem.split('\n')[1] ?? '');
      const dynamicGroup = 'ocid1.dynamicgroup.oc1..aaaaaaaafixture';
      vault.configureOciAuth(mount, { homeTenancyId: oci.tenancy, federationPublicKeys: oci.federationPublicKeys, groupMemberships: { [oci.instanceOcid]: [dynamicGroup] }, ...(namespace === undefined ? {} : { namespace }) });
      vault.addOciRole(mount, role, { ocidList: [dynamicGroup], ...settings });
      Object.assign(env, { OCI_METADATA_BASE_URL: oci.metadataBaseUrl, OCI_SDK_AUTH_CLIENT_REGION_URL: oci.server.url });
      return;
    }
    case 'cert': {
      const ca = clientCa.get(environment);
      if (ca === undefined) throw new Error(`${environment.name}: cert auth needs the vault stanza's client certificate`);
      vault.addCertRole(mount, text('name') ?? 'cert', { certificatePem: ca, allowedCommonNames: ['app-client'], ...settings });
      return;
    }
    case 'ldap': {
      // The directory's user with the fixture's username; the password file holds its password.
      const password = `ldap-pw-${randomBytes(8).toString('hex')}`;
      vault.addLdapUser(mount, text('username') ?? '', { password, ...settings });
      secrets.add(password);
      environment.write(text('password_file_path') ?? '', password);
      return;
    }
    case 'cf': {
      // Diego's instance identity files at their usual place, named by CF_INSTANCE_CERT/CF_INSTANCE_KEY.
      const identity = await issueCfInstanceIdentity();
      vault.configureCfAuth(mount, { identityCaCertificates: [identity.rootCaPem], ...(namespace === undefined ? {} : { namespace }) });
      vault.addCfRole(mount, role, { boundApplicationIds: [identity.appId], boundSpaceIds: [identity.spaceId], boundOrganizationIds: [identity.orgId], ...settings });
      environment.write('/etc/cf-instance-credentials/instance.crt', identity.certificateFile, 0o644);
      environment.write('/etc/cf-instance-credentials/instance.key', identity.keyPem, 0o600);
      secrets.add(identity.keyPem.split('\n')[1] ?? '');
      Object.assign(env, { CF_INSTANCE_CERT: environment.path('/etc/cf-instance-credentials/instance.crt'), CF_INSTANCE_KEY: environment.path('/etc/cf-instance-credentials/instance.key') });
      return;
    }
    default:
      throw new Error(`${environment.name}: the ${method.type} method is not served here (${UNSERVED_METHODS[method.type] ?? 'unknown'})`);
  }
}

/** POST <path> with X-Vault-Wrap-TTL as an operator does; returns the wrapping token. */
async function wrappedSecretId(vault: VaultDouble, path: string): Promise<string> {
  const response = await fetch(`${vault.address}/v1/${path}`, { method: 'POST', headers: { 'X-Vault-Token': vault.rootToken, 'X-Vault-Wrap-TTL': '300' }, body: '{}' });
  const body = (await response.json()) as { wrap_info?: { token?: string } };
  const token = body.wrap_info?.token;
  if (token === undefined) throw new Error(`wrapping ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return token;
}
