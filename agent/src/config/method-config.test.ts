// auto_auth.method.config checks for the cloud and certificate methods: required keys, sub-types,
// pairs, and the refused gcp key-file credentials, all reported together with their paths.
// They run when the agent starts (run-agent.ts), so the loader keeps accepting what the webhook renders.
import { methodConfigProblems } from './method-config.js';
import { createAuthMethod } from '../auth/create-auth-method.js';

function problems(type: string, config: Record<string, unknown>): readonly string[] {
  return methodConfigProblems(type, config);
}

describe('cloud and certificate method configs', () => {
  it.each([
    ['aws', { type: 'iam', role: 'r', region: 'eu-west-1', header_value: 'v', token_path: '/t' }],
    ['aws', { type: 'ec2', role: 'r', nonce: 'n' }],
    ['gcp', { type: 'gce', role: 'r' }],
    ['gcp', { type: 'iam', role: 'r', service_account: 'sa@p.iam.gserviceaccount.com', jwt_exp: '10' }],
    ['azure', { role: 'r', resource: 'https://management.azure.com/', authenticate_from_environment: 'true' }],
    ['cert', {}],
    ['cert', { name: 'web', client_cert: '/c', client_key: '/k', ca_cert: '/ca' }],
    ['alicloud', { role: 'r', region: 'cn-beijing', credential_poll_interval: 300, access_key: 'LTAI', access_secret: 's' }],
    ['oci', { type: 'apikey', role: 'r', credential_poll_interval: '2m' }],
    ['oci', { type: 'instance', role: 'r', credential_poll_interval: 30 }],
  ])('%s %j loads', (type, config) => {
    expect(problems(type, config)).toEqual([]);
  });

  it('lists every problem of a method config at once', () => {
    expect(problems('aws', { type: 'sts', access_key: 'AKID', credential_poll_interval: 'often' })).toEqual([
      'auto_auth.method.config.role: is required',
      'auto_auth.method.config.type: must be "iam" or "ec2" for the aws method, got "sts"',
      'auto_auth.method.config: access_key and secret_key must be given together',
      'auto_auth.method.config.credential_poll_interval: expected an integer, got string "often"',
    ]);
    expect(problems('gcp', { role: 'r', credentials: '{"type":"service_account"}', jwt_exp: 0 })).toEqual([
      'auto_auth.method.config.type: is required',
      'auto_auth.method.config.jwt_exp: must be positive',
      'auto_auth.method.config.credentials: key-file credentials are not supported by this agent (the metadata server is: GCE, GKE Workload Identity)',
    ]);
    expect(problems('azure', { role: 'r', object_id: 'o', client_id: 'c', authenticate_from_environment: 'maybe' })).toEqual([
      'auto_auth.method.config.resource: is required',
      "auto_auth.method.config: only one of 'object_id' or 'client_id' may be provided",
      'auto_auth.method.config.authenticate_from_environment: strconv.ParseBool: parsing "maybe": invalid syntax',
    ]);
    expect(problems('cert', { client_cert: '/c' })).toEqual(['auto_auth.method.config: client_cert and client_key must be given together']);
    expect(problems('alicloud', { credential_poll_interval: 0 })).toEqual([
      'auto_auth.method.config.role: is required',
      'auto_auth.method.config.region: is required',
      'auto_auth.method.config.credential_poll_interval: must be positive',
    ]);
    expect(problems('oci', { type: 'resource', credential_poll_interval: 'soon' })).toEqual([
      'auto_auth.method.config.role: is required',
      'auto_auth.method.config.type: must be "apikey" or "instance" for the oci method, got "resource"',
      expect.stringMatching(/^auto_auth\.method\.config\.credential_poll_interval: /),
    ]);
  });

  it('jwt_read_period: a positive duration (a number is seconds); zero, negative or unreadable is refused', () => {
    expect(problems('jwt', { path: '/t', role: 'r', jwt_read_period: '1s' })).toEqual([]);
    expect(problems('jwt', { path: '/t', role: 'r', jwt_read_period: 2 })).toEqual([]);
    expect(problems('jwt', { path: '/t', role: 'r', jwt_read_period: '0s' })).toEqual(['auto_auth.method.config.jwt_read_period: must be a positive duration']);
    expect(problems('jwt', { path: '/t', role: 'r', jwt_read_period: 'soon' })).toEqual([expect.stringMatching(/^auto_auth\.method\.config\.jwt_read_period: /)]);
  });

  it('still refuses, at start, methods this agent does not have', () => {
    expect(() => createAuthMethod({ type: 'kerberos', mountPath: 'auth/kerberos', config: {} } as Parameters<typeof createAuthMethod>[0])).toThrow(/kerberos/);
  });
});
