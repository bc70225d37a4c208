// Azure auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/azure), as
// Vault Agent builds it (command/agentproxyshared/auth/azure/azure.go): POST auth/<mount>/login
// {role, jwt, subscription_id, resource_group_name, vm_name, vmss_name}, the last four from the
// instance metadata service (GET /metadata/instance?api-version=2018-02-01, header Metadata: true).
// The jwt is a Microsoft Entra access token:
//   default: the managed identity's token from IMDS (/metadata/identity/oauth2/token, api-version
//            2018-02-01, resource=<resource>, object_id or client_id when configured);
//   authenticate_from_environment = true: the credentials the environment names, in the order of
//            Azure's DefaultAzureCredential — a client secret (AZURE_TENANT_ID, AZURE_CLIENT_ID,
//            AZURE_CLIENT_SECRET); workload identity (AZURE_TENANT_ID, AZURE_CLIENT_ID,
//            AZURE_FEDERATED_TOKEN_FILE: the projected service-account token is exchanged at
//            <authority>/<tenant>/oauth2/v2.0/token as a client assertion,
//            https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow);
//            else a managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER, else IMDS) — for `scope`
//            (default "<resource>/.default").
// Endpoints: the authority is https://login.microsoftonline.com unless AZURE_AUTHORITY_HOST names
// another; IMDS is http://169.254.169.254 unless AZURE_POD_IDENTITY_AUTHORITY_HOST does (both as the
// Azure SDKs read them). Certificate and username/password environment credentials are refused.
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, boolSetting, readCredentialFile, stringSetting } from './auth-method.js';
import { cloudJson, endpointUrl, envValue } from './cloud-http.js';
import { trimTrailing } from '../../../common/src/trim.js';

export interface AzureDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly readFile: (path: string) => Promise<string>;
}

const IMDS_API_VERSION = '2018-02-01';
const APP_SERVICE_API_VERSION = '2019-08-01';

export function createAzureMethod(mountPath: string, config: Readonly<Record<string, unknown>>, deps: AzureDependencies): AuthMethod {
  const role = stringSetting(config, 'role') ?? '';
  const resource = stringSetting(config, 'resource') ?? '';
  const objectId = stringSetting(config, 'object_id');
  const clientId = stringSetting(config, 'client_id');
  if (role === '') throw new AuthMethodError("azure auth: 'role' value is empty");
  if (resource === '') throw new AuthMethodError("azure auth: 'resource' value is empty");
  if (objectId !== undefined && clientId !== undefined) throw new AuthMethodError("azure auth: only one of 'object_id' or 'client_id' may be provided");
  const scope = stringSetting(config, 'scope') ?? `${resource}/.default`;
  const fromEnvironment = boolSetting(config, 'authenticate_from_environment', false);
  const { env } = deps;
  const imds = (path: string): URL =>
    new URL(path, endpointUrl(envValue(env, 'AZURE_POD_IDENTITY_AUTHORITY_HOST') ?? 'http://169.254.169.254/', 'azure auth: AZURE_POD_IDENTITY_AUTHORITY_HOST'));

  async function managedIdentityToken(tokenResource: string, ids: { objectId?: string | undefined; clientId?: string | undefined }): Promise<string> {
    const identityEndpoint = envValue(env, 'IDENTITY_ENDPOINT');
    const identityHeader = envValue(env, 'IDENTITY_HEADER');
    let url: URL;
    let headers: Record<string, string>;
    if (fromEnvironment && identityEndpoint !== undefined && identityHeader !== undefined) {
      url = endpointUrl(identityEndpoint, 'azure auth: IDENTITY_ENDPOINT');
      url.searchParams.set('api-version', APP_SERVICE_API_VERSION);
      headers = { 'X-IDENTITY-HEADER': identityHeader };
    } else {
      url = imds('/metadata/identity/oauth2/token');
      url.searchParams.set('api-version', IMDS_API_VERSION);
      headers = { Metadata: 'true' };
    }
    url.searchParams.set('resource', tokenResource);
    if (ids.objectId !== undefined) url.searchParams.set('object_id', ids.objectId);
    if (ids.clientId !== undefined) url.searchParams.set('client_id', ids.clientId);
    return accessToken(await cloudJson(url, { headers }, 'azure auth: managed identity token'), 'azure auth: managed identity token');
  }

  async function entraToken(tenant: string, form: Record<string, string>, what: string): Promise<string> {
    if (!/^[A-Za-z0-9.-]+$/.test(tenant)) throw new AuthMethodError(`azure auth: invalid AZURE_TENANT_ID ${JSON.stringify(tenant)}`);
    const authority = endpointUrl(envValue(env, 'AZURE_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com/', 'azure auth: AZURE_AUTHORITY_HOST');
    const url = new URL(`${trimTrailing(authority.pathname, '/')}/${tenant}/oauth2/v2.0/token`, authority);
    const body = new URLSearchParams({ ...form, scope, grant_type: 'client_credentials' }).toString();
    return accessToken(await cloudJson(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }, what), what);
  }

  async function environmentToken(): Promise<string> {
    const tenant = envValue(env, 'AZURE_TENANT_ID');
    const envClientId = envValue(env, 'AZURE_CLIENT_ID');
    const secret = envValue(env, 'AZURE_CLIENT_SECRET');
    const tokenFile = envValue(env, 'AZURE_FEDERATED_TOKEN_FILE');
    if (envValue(env, 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME') !== undefined && secret === undefined && tokenFile === undefined) {
      throw new AuthMethodError('azure auth: certificate and username/password credentials from the environment are not supported by this agent');
    }
    if (tenant !== undefined && envClientId !== undefined && secret !== undefined) {
      return entraToken(tenant, { client_id: envClientId, client_secret: secret }, 'azure auth: client secret token');
    }
    if (tenant !== undefined && envClientId !== undefined && tokenFile !== undefined) {
      const assertion = await readCredentialFile(deps.readFile, tokenFile);
      if (assertion === '') throw new AuthMethodError(`azure auth: no federated token at ${tokenFile}`);
      return entraToken(
        tenant,
        { client_id: envClientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion },
        'azure auth: workload identity token',
      );
    }
    return managedIdentityToken(scope.replace(/\/\.default$/, ''), { clientId: envClientId });
  }

  return {
    type: 'azure',
    async planLogin(): Promise<LoginPlan> {
      const instanceUrl = imds('/metadata/instance');
      instanceUrl.searchParams.set('api-version', IMDS_API_VERSION);
      const instance = await cloudJson(instanceUrl, { headers: { Metadata: 'true' } }, 'azure auth: instance metadata');
      const compute = (typeof instance.compute === 'object' && instance.compute !== null ? instance.compute : {}) as Record<string, unknown>;
      const text = (key: string): string => (typeof compute[key] === 'string' ? compute[key] : '');
      const jwt = fromEnvironment ? await environmentToken() : await managedIdentityToken(resource, { objectId, clientId });
      return {
        kind: 'login',
        path: `${mountPath}/login`,
        body: {
          role,
          vm_name: text('name'),
          vmss_name: text('vmScaleSetName'),
          resource_group_name: text('resourceGroupName'),
          subscription_id: text('subscriptionId'),
          jwt,
        },
      };
    },
  };
}

function accessToken(answer: Record<string, unknown>, what: string): string {
  const token = answer.access_token;
  if (typeof token !== 'string' || token === '') throw new AuthMethodError(`${what}: no access_token in the answer`);
  return token;
}
