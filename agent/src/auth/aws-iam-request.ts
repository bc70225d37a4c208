// The signed sts:GetCallerIdentity request an AWS iam login carries, as Vault's own client builds it
// (GenerateLoginData in github.com/hashicorp/go-secure-stdlib/awsutil/generate_credentials.go): a
// POST of `Action=GetCallerIdentity&Version=2011-06-15`, SigV4-signed for service `sts` in the
// configured region, with X-Vault-AWS-IAM-Server-ID among the signed headers when `header_value` is
// set. The login fields are base64 (std alphabet) of the URL, the body, and the JSON of the headers
// in Go's http.Header shape (canonical names, list values), as Vault's login endpoint documents
// (https://developer.hashicorp.com/vault/api-docs/auth/aws#login).
// Signing and the credential chain are the AWS SDK's own packages, loaded only here (and this module
// only when an aws method is configured): @smithy/signature-v4 signs, @aws-sdk/credential-provider-node
// resolves env → SSO → shared files → web identity (IRSA) → container endpoint (EKS Pod Identity,
// ECS) → IMDSv2, the chain every AWS SDK uses.
/** The SDK's credential identity (its field names). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export const STS_REQUEST_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
export const IAM_SERVER_ID_HEADER = 'X-Vault-AWS-IAM-Server-ID';

export interface IamLoginFields {
  readonly iam_http_request_method: string;
  readonly iam_request_url: string;
  readonly iam_request_body: string;
  readonly iam_request_headers: string;
}

export interface SignOptions {
  readonly credentials: AwsCredentials;
  readonly region: string;
  /** The STS endpoint, with a trailing path of "/". */
  readonly endpoint: URL;
  readonly headerValue: string | undefined;
  readonly signingDate?: Date;
}

/** Go's textproto.CanonicalMIMEHeaderKey: each dash-separated word capitalised, the rest lower case. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);
}

export async function signGetCallerIdentity(options: SignOptions): Promise<IamLoginFields> {
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]);
  const signer = new SignatureV4({
    service: 'sts',
    region: options.region,
    credentials: {
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken === undefined ? {} : { sessionToken: options.credentials.sessionToken }),
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const { endpoint } = options;
  const headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (options.headerValue !== undefined) headers[IAM_SERVER_ID_HEADER.toLowerCase()] = options.headerValue;
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
      path: endpoint.pathname,
      query: {},
      headers,
      body: STS_REQUEST_BODY,
    },
    options.signingDate === undefined ? {} : { signingDate: options.signingDate },
  );
  // Go's http.Header: canonical names, list values; Host travels in the URL, as the Go SDK sends it.
  const goHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() === 'host') continue;
    goHeaders[canonicalHeaderName(name)] = [value];
  }
  const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  return {
    iam_http_request_method: 'POST',
    iam_request_url: base64(endpoint.href),
    iam_request_body: base64(STS_REQUEST_BODY),
    iam_request_headers: base64(JSON.stringify(goHeaders)),
  };
}

export interface CredentialSource {
  (): Promise<AwsCredentials>;
}

/**
 * The SDK's default chain, memoized (refreshed near expiry). `region` is given to the STS client the
 * web-identity step uses, so IRSA works without AWS_REGION in the pod.
 */
export async function defaultCredentialChain(region: string): Promise<CredentialSource> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider({ clientConfig: { region } });
  return () => provider();
}
