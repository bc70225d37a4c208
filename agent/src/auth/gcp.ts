// GCP auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/gcp), as
// Vault Agent builds it (command/agentproxyshared/auth/gcp/gcp.go): POST auth/<mount>/login {role, jwt}.
//   gce: the metadata server's identity token for `service_account` (default "default"), audience
//        "<vault address>/vault/<role>", format=full — on GKE with Workload Identity the metadata
//        server answers for the pod's Kubernetes service account.
//   iam: a JWT {aud: "http://vault/<role>", sub: <service account>, exp: now + jwt_exp minutes (15)}
//        signed by the IAM Credentials API (projects/-/serviceAccounts/<sa>:signJwt,
//        https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/signJwt)
//        with the metadata server's access token. A `service_account` of "default" (Vault Agent's
//        default) is resolved to the instance's service-account email first, since signJwt needs one.
// The metadata server is http://metadata.google.internal unless GCE_METADATA_HOST names another
// (Google's client libraries honour the same variable); the IAM Credentials endpoint is
// https://iamcredentials.googleapis.com unless GCP_IAM_CREDENTIALS_ENDPOINT names another (this
// agent's own variable, for tests and private endpoints). Key-file credentials (`credentials`) are
// refused at load: the metadata server is the only credential source here.
import type { AuthMethod, LoginPlan, MethodVaultAccess } from './auth-method.js';
import { AuthMethodError, stringSetting } from './auth-method.js';
import { cloudJson, cloudRequestOk, endpointUrl, envValue, hostOverride } from './cloud-http.js';
import { trimTrailing } from '../../../common/src/trim.js';

export interface GcpDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

const METADATA_HEADERS = { 'Metadata-Flavor': 'Google' } as const;
const DEFAULT_JWT_EXP_MINUTES = 15;

interface GcpSettings {
  readonly type: 'iam' | 'gce';
  readonly role: string;
  readonly serviceAccount: string;
  readonly jwtExpMinutes: number;
}

function readGcpSettings(config: Readonly<Record<string, unknown>>): GcpSettings {
  const type = stringSetting(config, 'type') ?? '';
  const role = stringSetting(config, 'role') ?? '';
  if (type !== 'iam' && type !== 'gce') throw new AuthMethodError(`gcp auth: type must be "iam" or "gce", got ${JSON.stringify(type)}`);
  if (role === '') throw new AuthMethodError("gcp auth: 'role' value is empty");
  if (stringSetting(config, 'credentials') !== undefined) {
    throw new AuthMethodError('gcp auth: key-file credentials are not supported by this agent; use the metadata server (GCE, GKE Workload Identity)');
  }
  const serviceAccount = stringSetting(config, 'service_account') ?? 'default';
  // Goes into URL paths: an email, a numeric id or "default".
  if (!/^[A-Za-z0-9@._-]+$/.test(serviceAccount)) throw new AuthMethodError(`gcp auth: invalid service_account ${JSON.stringify(serviceAccount)}`);
  return { type, role, serviceAccount, jwtExpMinutes: readJwtExpMinutes(stringSetting(config, 'jwt_exp')) };
}

function readJwtExpMinutes(jwtExpText: string | undefined): number {
  const jwtExpMinutes = jwtExpText === undefined ? DEFAULT_JWT_EXP_MINUTES : Number(jwtExpText);
  if (!Number.isInteger(jwtExpMinutes) || jwtExpMinutes <= 0) throw new AuthMethodError(`gcp auth: jwt_exp must be a whole number of minutes, got ${JSON.stringify(jwtExpText)}`);
  return jwtExpMinutes;
}

export function createGcpMethod(mountPath: string, config: Readonly<Record<string, unknown>>, deps: GcpDependencies): AuthMethod {
  const { type, role, serviceAccount, jwtExpMinutes } = readGcpSettings(config);
  const metadataBase = (): URL => hostOverride(envValue(deps.env, 'GCE_METADATA_HOST') ?? 'metadata.google.internal', 'gcp auth: GCE_METADATA_HOST');
  const metadata = (path: string): URL => new URL(`/computeMetadata/v1/instance/service-accounts/${serviceAccount}/${path}`, metadataBase());
  const login = (jwt: string): LoginPlan => ({ kind: 'login', path: `${mountPath}/login`, body: { role, jwt } });

  if (type === 'gce') {
    return {
      type: 'gcp',
      async planLogin(vault: MethodVaultAccess): Promise<LoginPlan> {
        const url = metadata('identity');
        url.searchParams.set('audience', `${trimTrailing(vault.address, '/')}/vault/${role}`);
        url.searchParams.set('format', 'full');
        const jwt = (await cloudRequestOk(url, { headers: METADATA_HEADERS }, 'gcp auth: metadata identity token')).trim();
        if (jwt === '') throw new AuthMethodError('gcp auth: the metadata server returned an empty identity token');
        return login(jwt);
      },
    };
  }

  return {
    type: 'gcp',
    async planLogin(): Promise<LoginPlan> {
      const what = 'gcp auth: metadata access token';
      const token = await cloudJson(metadata('token'), { headers: METADATA_HEADERS }, what);
      if (typeof token.access_token !== 'string' || token.access_token === '') throw new AuthMethodError(`${what}: no access_token in the answer`);
      const email =
        serviceAccount === 'default'
          ? (await cloudRequestOk(metadata('email'), { headers: METADATA_HEADERS }, 'gcp auth: metadata service-account email')).trim()
          : serviceAccount;
      if (!/^[A-Za-z0-9@._-]+$/.test(email)) throw new AuthMethodError(`gcp auth: the metadata server named an invalid service account ${JSON.stringify(email)}`);
      const payload = JSON.stringify({ aud: `http://vault/${role}`, sub: email, exp: Math.floor(deps.now() / 1000) + jwtExpMinutes * 60 });
      const base = endpointUrl(envValue(deps.env, 'GCP_IAM_CREDENTIALS_ENDPOINT') ?? 'https://iamcredentials.googleapis.com/', 'gcp auth: GCP_IAM_CREDENTIALS_ENDPOINT');
      const signUrl = new URL(`/v1/projects/-/serviceAccounts/${email}:signJwt`, base);
      const signed = await cloudJson(
        signUrl,
        { method: 'POST', headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ payload }) },
        `gcp auth: signJwt for ${email}`,
      );
      if (typeof signed.signedJwt !== 'string' || signed.signedJwt === '') throw new AuthMethodError(`gcp auth: signJwt for ${email} returned no signedJwt`);
      return login(signed.signedJwt);
    },
  };
}
