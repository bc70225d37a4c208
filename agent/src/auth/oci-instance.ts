// Instance-principal credentials for oci auth `type = "instance"`, as the OCI SDK obtains them
// (oci-go-sdk common/auth/instance_principal_key_provider.go, federation_client.go, utils.go;
// https://docs.oracle.com/en-us/iaas/Content/Identity/Tasks/callingservicesfrominstances.htm):
//   1. the instance metadata service v2 (http://169.254.169.254/opc/v2, or OCI_METADATA_BASE_URL;
//      every request with "Authorization: Bearer Oracle"): instance/region, identity/cert.pem (leaf
//      certificate), identity/key.pem (its key), identity/intermediate.pem;
//   2. a fresh RSA-2048 session key pair;
//   3. POST <federation>/v1/x509 {certificate, publicKey, intermediateCertificates} (PEM bodies
//      without armour or newlines), signed with the leaf key, keyId "<tenancy>/fed-x509/<SHA-1 of the
//      leaf certificate, colon-separated hex>", the tenancy taken from the leaf's subject
//      ("opc-tenant:<ocid>"); the federation endpoint is https://auth.<region>.oraclecloud.com
//      unless OCI_SDK_AUTH_CLIENT_REGION_URL names another (the SDK's variable);
//   4. the answer's security token {token} (a JWT) signs requests as keyId "ST$<token>" with the
//      session private key — until the token nears its expiry, when 2–4 run again.
// The leaf key never leaves this process; the session key is generated here and never sent.
import { X509Certificate, createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AuthMethodError } from './auth-method.js';
import { cloudJson, cloudRequestOk, endpointUrl, envValue } from './cloud-http.js';
import { BODY_SIGNED_HEADERS, authorizationHeader, bodySha256, httpDate } from './oci-signature.js';

const generateRsaKeyPair = promisify(generateKeyPair);

export const DEFAULT_METADATA_BASE = 'http://169.254.169.254/opc/v2';
const METADATA_HEADERS = { Authorization: 'Bearer Oracle' } as const;
/** Renew the security token this long before it expires. */
const RENEW_MARGIN_MS = 5 * 60_000;
/** The x509 federation request is signed without host (federation_client.go genericHeaders). */
const FEDERATION_SIGNED_HEADERS = ['date', '(request-target)', ...BODY_SIGNED_HEADERS] as const;

/** Short region keys the metadata service may answer (oci-go-sdk common/regions.go, realm oc1). */
const REGION_KEYS: Readonly<Record<string, string>> = {
  yny: 'ap-chuncheon-1', hyd: 'ap-hyderabad-1', mel: 'ap-melbourne-1', bom: 'ap-mumbai-1', kix: 'ap-osaka-1',
  icn: 'ap-seoul-1', syd: 'ap-sydney-1', nrt: 'ap-tokyo-1', yul: 'ca-montreal-1', yyz: 'ca-toronto-1',
  ams: 'eu-amsterdam-1', fra: 'eu-frankfurt-1', zrh: 'eu-zurich-1', jed: 'me-jeddah-1', dxb: 'me-dubai-1',
  gru: 'sa-saopaulo-1', cwl: 'uk-cardiff-1', lhr: 'uk-london-1', iad: 'us-ashburn-1', phx: 'us-phoenix-1',
  sjc: 'us-sanjose-1', vcp: 'sa-vinhedo-1', scl: 'sa-santiago-1', mtz: 'il-jerusalem-1', mrs: 'eu-marseille-1',
  sin: 'ap-singapore-1', auh: 'me-abudhabi-1', lin: 'eu-milan-1', arn: 'eu-stockholm-1', jnb: 'af-johannesburg-1',
  cdg: 'eu-paris-1', qro: 'mx-queretaro-1', mad: 'eu-madrid-1', ord: 'us-chicago-1',
};

export interface InstanceCredentials {
  /** "ST$<security token>" */
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

export interface InstanceDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

/** The federation region of a metadata answer: a region id, or a short key the SDK maps. */
export function federationRegion(answer: string): string {
  const text = answer.trim().toLowerCase();
  const region = REGION_KEYS[text] ?? text;
  if (!/^[a-z]+-[a-z]+-[0-9]+$/.test(region)) throw new AuthMethodError(`oci auth: the metadata service named an unknown region ${JSON.stringify(answer.trim().slice(0, 64))}`);
  return region;
}

/** The tenancy OCID in a leaf certificate's subject ("opc-tenant:<ocid>", or "opc-identity:<ocid>"). */
export function tenancyFromCertificate(certificate: X509Certificate): string {
  const values = certificate.subject.split('\n').map((line) => line.slice(line.indexOf('=') + 1));
  for (const prefix of ['opc-tenant:', 'opc-identity:']) {
    const value = values.find((candidate) => candidate.startsWith(prefix));
    if (value !== undefined && value.length > prefix.length) return value.slice(prefix.length);
  }
  throw new AuthMethodError('oci auth: the instance leaf certificate names no tenancy (no opc-tenant: in its subject)');
}

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

function tokenExpiryMs(token: string): number {
  const payload = token.split('.')[1];
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  } catch {
    claims = undefined;
  }
  const exp = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>)['exp'] : undefined;
  if (typeof exp !== 'number') throw new AuthMethodError('oci auth: the federation endpoint answered a token that is not a JWT with an exp');
  return exp * 1000;
}

/** Instance-principal credentials, cached until the security token nears expiry. */
export function instanceCredentialSource(deps: InstanceDependencies): () => Promise<InstanceCredentials> {
  let cached: { readonly credentials: InstanceCredentials; readonly expiresMs: number } | undefined;
  const metadataBase = (): string => {
    const base = endpointUrl(envValue(deps.env, 'OCI_METADATA_BASE_URL') ?? DEFAULT_METADATA_BASE, 'oci auth: OCI_METADATA_BASE_URL').href;
    return base.endsWith('/') ? base : `${base}/`;
  };
  const metadata = async (path: string, what: string): Promise<string> =>
    (await cloudRequestOk(new URL(path, metadataBase()), { headers: METADATA_HEADERS }, `oci auth: metadata ${what}`)).trim();

  const fetchCredentials = async (): Promise<{ credentials: InstanceCredentials; expiresMs: number }> => {
    const region = federationRegion(await metadata('instance/region', 'region'));
    const leafPem = await metadata('identity/cert.pem', 'leaf certificate');
    const leafKeyPem = await metadata('identity/key.pem', 'leaf key');
    const intermediatePem = await metadata('identity/intermediate.pem', 'intermediate certificate');
    let leaf: X509Certificate;
    let leafKey: KeyObject;
    try {
      leaf = new X509Certificate(leafPem);
    } catch {
      throw new AuthMethodError('oci auth: the metadata leaf certificate is not a PEM certificate');
    }
    try {
      leafKey = createPrivateKey({ key: leafKeyPem, format: 'pem' });
    } catch {
      throw new AuthMethodError('oci auth: the metadata leaf key is not a PEM private key');
    }
    const tenancy = tenancyFromCertificate(leaf);
    const fingerprint = leaf.fingerprint.toLowerCase();
    const session = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const publicKeyPem = session.publicKey.export({ type: 'spki', format: 'pem' }).toString();

    const base = endpointUrl(envValue(deps.env, 'OCI_SDK_AUTH_CLIENT_REGION_URL') ?? `https://auth.${region}.oraclecloud.com`, 'oci auth: OCI_SDK_AUTH_CLIENT_REGION_URL');
    const url = new URL('v1/x509', base.href.endsWith('/') ? base.href : `${base.href}/`);
    const body = JSON.stringify({ certificate: pemBody(leafPem), publicKey: pemBody(publicKeyPem), intermediateCertificates: [pemBody(intermediatePem)] });
    const headers: Record<string, string> = {
      date: httpDate(deps.now()),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body, 'utf8')),
      'x-content-sha256': bodySha256(body),
    };
    headers['authorization'] = authorizationHeader({ method: 'POST', target: `${url.pathname}${url.search}`, headers }, FEDERATION_SIGNED_HEADERS, `${tenancy}/fed-x509/${fingerprint}`, leafKey);
    const answer = await cloudJson(url, { method: 'POST', headers, body }, 'oci auth: x509 federation');
    const token = answer['token'];
    if (typeof token !== 'string' || token === '') throw new AuthMethodError('oci auth: x509 federation: no token in the answer');
    return { credentials: { keyId: `ST$${token}`, privateKey: session.privateKey }, expiresMs: tokenExpiryMs(token) };
  };

  return async () => {
    if (cached === undefined || cached.expiresMs - RENEW_MARGIN_MS <= deps.now()) cached = await fetchCredentials();
    return cached.credentials;
  };
}
