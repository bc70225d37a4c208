// OCI auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/oci), as
// Vault Agent builds it (command/agentproxyshared/auth/oci/oci.go): `type` ("apikey" | "instance")
// and `role` required, `credential_poll_interval` accepted (credentials are resolved afresh at each
// login). The login is POST auth/<mount>/login/<role> {request_headers}: the headers of a GET to
// that same path on the Vault address — Date, Host, (request-target) "get /v1/<mount>/login/<role>"
// and Authorization, the OCI request signature over "date (request-target) host" — as Go's
// http.Header encodes them (canonical names, each value a one-element list). Vault's plugin hands
// them to OCI Identity's authenticateClient, which checks the signature
// (https://github.com/hashicorp/vault-plugin-auth-oci, path_login.go). The role is one escaped path
// segment here (Vault Agent pastes it in as is), so a role holding "/" cannot reach another path.
import { userInfo, homedir } from 'node:os';
import type { AuthMethod, LoginPlan, MethodVaultAccess } from './auth-method.js';
import { AuthMethodError, readCredentialText, stringSetting } from './auth-method.js';
import { isBoundedReadRefusal } from '../fs/read-bounded.js';
import { decodeDurationMs } from '../config/config-values.js';
import { loadApiKeyCredentials, type ApiKeyFiles } from './oci-config-file.js';
import { instanceCredentialSource } from './oci-instance.js';
import { LOGIN_SIGNED_HEADERS, authorizationHeader, httpDate } from './oci-signature.js';
import type { KeyObject } from 'node:crypto';

export interface OciDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  /** The user's home (Go's user.Current().HomeDir); default: the password database's, else $HOME. */
  readonly homeDir?: string;
  readonly readFile?: ApiKeyFiles['readFile'];
}

interface SigningCredentials {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

function defaultHomeDir(): string {
  try {
    return userInfo().homedir;
  } catch {
    return homedir();
  }
}

async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readCredentialText(path);
  } catch (error) {
    // A file that is there but refused (too large, not a regular file) is named, not taken as absent.
    if (isBoundedReadRefusal(error)) throw new AuthMethodError(`oci auth: apikey credentials: ${error.message}`);
    return undefined;
  }
}

/** The login path's role segment: escaped, and never a dot segment a URL parser would resolve. */
export function roleSegment(role: string): string {
  if (role === '.' || role === '..') throw new AuthMethodError(`oci auth: role ${JSON.stringify(role)} cannot be a path segment`);
  return encodeURIComponent(role);
}

export function createOciMethod(mountPath: string, config: Readonly<Record<string, unknown>>, deps: OciDependencies): AuthMethod {
  const type = stringSetting(config, 'type') ?? '';
  const role = stringSetting(config, 'role') ?? '';
  if (role === '') throw new AuthMethodError("oci auth: 'role' value is empty");
  if (type === '') throw new AuthMethodError("oci auth: 'type' value is empty");
  if (type !== 'apikey' && type !== 'instance') throw new AuthMethodError(`oci auth: 'type' must be "apikey" or "instance", got ${JSON.stringify(type)}`);
  const poll = config['credential_poll_interval'];
  if (poll !== undefined) {
    const decoded = decodeDurationMs(poll);
    if (!decoded.ok) throw new AuthMethodError(`oci auth: could not parse credential_poll_interval: ${decoded.error}`);
  }
  const loginPath = `${mountPath}/login/${roleSegment(role)}`;
  const credentials: () => Promise<SigningCredentials> =
    type === 'apikey'
      ? () => loadApiKeyCredentials({ env: deps.env, homeDir: deps.homeDir ?? defaultHomeDir(), readFile: deps.readFile ?? readOptionalFile })
      : instanceCredentialSource({ env: deps.env, now: deps.now });

  return {
    type: 'oci',
    async planLogin(vault: MethodVaultAccess): Promise<LoginPlan> {
      const { keyId, privateKey } = await credentials();
      let host: string;
      try {
        host = new URL(vault.address).host;
      } catch {
        throw new AuthMethodError(`oci auth: unable to parse vault address ${JSON.stringify(vault.address)}`);
      }
      const target = `/v1/${loginPath}`;
      const date = httpDate(deps.now());
      const authorization = authorizationHeader({ method: 'GET', target, headers: { date, host } }, LOGIN_SIGNED_HEADERS, keyId, privateKey);
      const requestHeaders = { Date: [date], Authorization: [authorization], Host: [host], '(request-target)': [`get ${target}`] };
      return { kind: 'login', path: loginPath, body: { request_headers: requestHeaders } };
    },
  };
}
