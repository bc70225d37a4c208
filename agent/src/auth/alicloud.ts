// AliCloud auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/alicloud),
// read as Vault Agent reads its config (command/agentproxyshared/auth/alicloud/alicloud.go): `role`
// and `region` required; `credential_poll_interval` (seconds, a positive integer, default 60);
// credential keys `access_key`, `access_secret`, `access_token`, `role_arn`, `role_session_name`,
// `role_session_expiration`, `private_key`, `public_key_id`, `session_expiration`, `role_name`.
// Login: POST auth/<mount>/login {role, identity_request_url, identity_request_headers} — a signed
// sts:GetCallerIdentity (alicloud-rpc-signature.ts) that Vault replays against STS.
//
// Credentials: the Go agent's chain, in its order (providers.NewChainProvider of the Alibaba Cloud Go
// SDK's sdk/auth/credentials/providers): 1. the environment (ALICLOUD_ACCESS_KEY, ALICLOUD_SECRET_KEY,
// ALICLOUD_ACCESS_KEY_STS_TOKEN, ALICLOUD_ROLE_ARN, ALICLOUD_ROLE_SESSION_NAME,
// ALICLOUD_ROLE_SESSION_EXPIRATION, ALICLOUD_PRIVATE_KEY, ALICLOUD_PUBLIC_KEY_ID,
// ALICLOUD_SESSION_EXPIRATION, ALICLOUD_ROLE_NAME), 2. the config keys above, 3. the ECS instance's
// RAM role from the metadata service. Each of 1 and 2 is read as the SDK's configuration provider
// reads it: a key and secret (with role_arn + role_session_name + role_session_expiration: a RAM role
// to assume; with a token: STS credentials; else the key itself); else role_name (that ECS RAM role);
// else private_key + public_key_id + session_expiration (an RSA key pair); else nothing, and the next
// source is asked. Assuming a RAM role and RSA key pairs are refused (not implemented here).
// Like the Go agent, credentials are read once and again every credential_poll_interval; a failed
// re-read keeps the last ones.
//
// Endpoints: STS is https://sts.<region>.aliyuncs.com/ (the SDK's regional endpoint rule, which Vault's
// server checks the URL's host against), the metadata service http://100.100.100.200. Neither can be
// changed in Vault Agent; this agent's own VAULT_AGENT_ALICLOUD_STS_ENDPOINT and
// VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT override them (for loopback tests, or a private endpoint the
// Vault server is configured to expect), held to cloud-http.ts's rules.
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError } from './auth-method.js';
import { cloudJson, cloudRequest, cloudRequestOk, endpointUrl, envValue } from './cloud-http.js';
import { errorMessage } from '../vault/vault-error.js';
import type { AliCloudCredentials } from './alicloud-rpc-signature.js';
import { percentEncode, signGetCallerIdentity } from './alicloud-rpc-signature.js';
import { secretRegistry } from '../log/redaction.js';

export interface AliCloudDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

const DEFAULT_POLL_SECONDS = 60;
const METADATA_TOKEN_TTL_SECONDS = '21600';

/** One source's settings, as the SDK's providers.Configuration holds them. */
export interface CredentialConfiguration {
  readonly accessKeyId?: string | undefined;
  readonly accessKeySecret?: string | undefined;
  readonly securityToken?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly roleSessionName?: string | undefined;
  readonly roleSessionExpiration?: number | undefined;
  readonly privateKey?: string | undefined;
  readonly publicKeyId?: string | undefined;
  readonly sessionExpiration?: number | undefined;
  readonly roleName?: string | undefined;
}

/** What a configuration amounts to (providers.ConfigurationProvider.Retrieve's choice). */
export type CredentialSource =
  | { readonly kind: 'keys'; readonly credentials: AliCloudCredentials }
  | { readonly kind: 'ecs-ram-role'; readonly roleName: string | undefined }
  | { readonly kind: 'unsupported'; readonly what: string }
  | { readonly kind: 'none' };

export function resolveConfiguration(config: CredentialConfiguration): CredentialSource {
  const { accessKeyId, accessKeySecret } = config;
  if (nonEmpty(accessKeyId) && nonEmpty(accessKeySecret)) {
    if (nonEmpty(config.roleArn) && nonEmpty(config.roleSessionName) && config.roleSessionExpiration !== undefined) {
      return { kind: 'unsupported', what: 'assuming a RAM role (role_arn with role_session_name and role_session_expiration)' };
    }
    return { kind: 'keys', credentials: { accessKeyId, accessKeySecret, ...(nonEmpty(config.securityToken) ? { securityToken: config.securityToken } : {}) } };
  }
  if (nonEmpty(config.roleName)) return { kind: 'ecs-ram-role', roleName: config.roleName };
  if (nonEmpty(config.privateKey) && nonEmpty(config.publicKeyId) && config.sessionExpiration !== undefined) {
    return { kind: 'unsupported', what: 'RSA key pair credentials (private_key, public_key_id, session_expiration)' };
  }
  return { kind: 'none' };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function intSetting(config: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new AuthMethodError(`alicloud auth: could not convert '${key}' config value to int`);
  return number;
}

function textSetting(config: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AuthMethodError(`alicloud auth: could not convert '${key}' config value to string`);
  return value;
}

/** The environment source (providers.EnvProvider): its integers parsed, an unparsable one an error. */
export function environmentConfiguration(env: NodeJS.ProcessEnv): CredentialConfiguration | string {
  const intEnv = (name: string): number | string => {
    const text = env[name] ?? '';
    if (text === '') return 0;
    return /^[+-]?\d+$/.test(text) ? Number(text) : `error parsing ${name}: not an integer`;
  };
  const roleSessionExpiration = intEnv('ALICLOUD_ROLE_SESSION_EXPIRATION');
  if (typeof roleSessionExpiration === 'string') return roleSessionExpiration;
  const sessionExpiration = intEnv('ALICLOUD_SESSION_EXPIRATION');
  if (typeof sessionExpiration === 'string') return sessionExpiration;
  return {
    accessKeyId: env['ALICLOUD_ACCESS_KEY'],
    accessKeySecret: env['ALICLOUD_SECRET_KEY'],
    securityToken: env['ALICLOUD_ACCESS_KEY_STS_TOKEN'],
    roleArn: env['ALICLOUD_ROLE_ARN'],
    roleSessionName: env['ALICLOUD_ROLE_SESSION_NAME'],
    roleSessionExpiration,
    privateKey: env['ALICLOUD_PRIVATE_KEY'],
    publicKeyId: env['ALICLOUD_PUBLIC_KEY_ID'],
    sessionExpiration,
    roleName: env['ALICLOUD_ROLE_NAME'],
  };
}

export function stsEndpoint(region: string, env: NodeJS.ProcessEnv): URL {
  const override = envValue(env, 'VAULT_AGENT_ALICLOUD_STS_ENDPOINT');
  if (override !== undefined) {
    const url = endpointUrl(override, 'alicloud auth: VAULT_AGENT_ALICLOUD_STS_ENDPOINT');
    url.search = '';
    url.hash = '';
    return url;
  }
  return new URL(`https://sts.${region}.aliyuncs.com/`);
}

function metadataBase(env: NodeJS.ProcessEnv): URL {
  return endpointUrl(envValue(env, 'VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT') ?? 'http://100.100.100.200/', 'alicloud auth: VAULT_AGENT_ALICLOUD_METADATA_ENDPOINT');
}

const ROLE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The instance's RAM role credentials (providers.InstanceMetadataProvider): a metadata token first
 * (PUT /latest/api/token; without one the reads go unauthenticated, as the SDK falls back to IMDSv1),
 * the role name from /latest/meta-data/ram/security-credentials/ unless given, then its keys.
 */
export async function ecsRamRoleCredentials(env: NodeJS.ProcessEnv, roleName: string | undefined): Promise<AliCloudCredentials> {
  const base = metadataBase(env);
  const what = 'alicloud auth: ECS instance metadata';
  const at = (path: string): URL => new URL(path, base);
  const tokenAnswer = await cloudRequest(at('/latest/api/token'), { method: 'PUT', headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': METADATA_TOKEN_TTL_SECONDS } }, what);
  const token = tokenAnswer.status === 200 ? tokenAnswer.text.trim() : '';
  const headers: Record<string, string> = token === '' ? {} : { 'X-aliyun-ecs-metadata-token': token };
  let role = roleName;
  if (role === undefined) {
    role = (await cloudRequestOk(at('/latest/meta-data/ram/security-credentials/'), { headers }, what)).trim();
    if (role === '') throw new AuthMethodError(`${what}: unable to retrieve role name, it may be unset`);
  }
  if (!ROLE_NAME.test(role)) throw new AuthMethodError(`${what}: invalid RAM role name ${JSON.stringify(role.slice(0, 64))}`);
  const answer = await cloudJson(at(`/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`), { headers }, what);
  const field = (name: string): string => {
    const value = answer[name];
    return typeof value === 'string' ? value : '';
  };
  if (field('AccessKeyId') === '' || field('AccessKeySecret') === '' || field('SecurityToken') === '') {
    throw new AuthMethodError(`${what}: the credentials of RAM role ${role} lack AccessKeyId, AccessKeySecret or SecurityToken`);
  }
  if (field('Code') !== 'Success') throw new AuthMethodError(`${what}: the credentials of RAM role ${role} have Code ${JSON.stringify(field('Code').slice(0, 64))}, not Success`);
  return { accessKeyId: field('AccessKeyId'), accessKeySecret: field('AccessKeySecret'), securityToken: field('SecurityToken') };
}

/**
 * The secret and the STS token join the log redaction: STS echoes its string to sign (the token
 * percent-encoded twice) in a SignatureDoesNotMatch message, which Vault passes on in its error.
 */
function redact(credentials: AliCloudCredentials): AliCloudCredentials {
  secretRegistry.add(credentials.accessKeySecret);
  const token = credentials.securityToken;
  if (token !== undefined) for (const form of [token, percentEncode(token), percentEncode(percentEncode(token))]) secretRegistry.add(form);
  return credentials;
}

export function createAliCloudMethod(mountPath: string, config: Readonly<Record<string, unknown>>, deps: AliCloudDependencies): AuthMethod {
  const role = textSetting(config, 'role');
  if (role === undefined) throw new AuthMethodError("alicloud auth: 'role' is required but is not provided");
  const region = textSetting(config, 'region');
  if (region === undefined) throw new AuthMethodError("alicloud auth: 'region' is required but is not provided");
  if (!/^[a-z0-9-]+$/.test(region)) throw new AuthMethodError(`alicloud auth: invalid region ${JSON.stringify(region)}`);
  let pollSeconds = DEFAULT_POLL_SECONDS;
  if (config['credential_poll_interval'] !== undefined) {
    const value = config['credential_poll_interval'];
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
      throw new AuthMethodError("alicloud auth: could not convert 'credential_poll_interval' config value to positive int");
    }
    pollSeconds = number;
  }
  const fromConfig: CredentialConfiguration = {
    accessKeyId: textSetting(config, 'access_key'),
    accessKeySecret: textSetting(config, 'access_secret'),
    securityToken: textSetting(config, 'access_token'),
    roleArn: textSetting(config, 'role_arn'),
    roleSessionName: textSetting(config, 'role_session_name'),
    roleSessionExpiration: intSetting(config, 'role_session_expiration'),
    privateKey: textSetting(config, 'private_key'),
    publicKeyId: textSetting(config, 'public_key_id'),
    sessionExpiration: intSetting(config, 'session_expiration'),
    roleName: textSetting(config, 'role_name'),
  };
  const endpoint = stsEndpoint(region, deps.env);
  const now = deps.now ?? Date.now;

  /** The chain: environment, config, instance metadata; the first that yields credentials wins. */
  const retrieve = async (): Promise<AliCloudCredentials> => {
    let lastProblem = 'no valid credentials were found';
    for (const [name, configuration] of [['the environment', environmentConfiguration(deps.env)], ['the config', fromConfig]] as const) {
      if (typeof configuration === 'string') {
        lastProblem = configuration;
        continue;
      }
      const source = resolveConfiguration(configuration);
      if (source.kind === 'keys') return source.credentials;
      if (source.kind === 'ecs-ram-role') return ecsRamRoleCredentials(deps.env, source.roleName);
      if (source.kind === 'unsupported') throw new AuthMethodError(`alicloud auth: ${source.what} from ${name} is not supported by this agent`);
    }
    try {
      return await ecsRamRoleCredentials(deps.env, undefined);
    } catch (error) {
      const detail = errorMessage(error);
      throw new AuthMethodError(`alicloud auth: no credentials (environment and config: ${lastProblem}; ${detail})`);
    }
  };

  let current: { credentials: AliCloudCredentials; readAt: number } | undefined;
  return {
    type: 'alicloud',
    async planLogin(): Promise<LoginPlan> {
      if (current === undefined) {
        current = { credentials: redact(await retrieve()), readAt: now() };
      } else if (now() - current.readAt >= pollSeconds * 1000) {
        try {
          current = { credentials: redact(await retrieve()), readAt: now() };
        } catch {
          // As the Go agent: unable to retrieve current creds, retaining the last ones.
          current = { ...current, readAt: now() };
        }
      }
      const fields = signGetCallerIdentity({ credentials: current.credentials, region, endpoint });
      return { kind: 'login', path: `${mountPath}/login`, body: { role, ...fields } };
    },
  };
}
