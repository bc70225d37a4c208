// Webhook → agent for the cloud and certificate methods: a pod annotated with
// `vault.hashicorp.com/auth-type: aws|gcp|azure|cert|alicloud|oci|ldap|cf` and `auth-config-*` gets a VAULT_CONFIG (as
// vault-k8s renders it: token_path always, dashes to underscores) that our agent loads, with the
// method's keys intact, and — for aws — that logs in and renders when run by the real agent CLI.
import { Buffer } from 'node:buffer';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { K8sPod } from '../../webhook/src/inject/pod.js';
import { parseInjectionSpec } from '../../webhook/src/inject/annotations/parse-annotations.js';
import { planInjection } from '../../webhook/src/inject/build/injection-plan.js';
import { applyPlan } from '../../webhook/src/inject/build/plan-patch.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { createAuthMethod } from '../../agent/src/auth/create-auth-method.js';
import { startStsFake, temporaryIdentity } from '../cloud-fakes/aws-fakes.js';
import { createCloudScenario, leaked, SECRET_VALUE } from './cloud-auth/cloud-scenario.js';
import { startAgentInPod } from './helpers/pod-sandbox.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const P = 'vault.hashicorp.com/';

function initConfig(annotations: Record<string, string>): Record<string, unknown> {
  const parsed = parseSettings(['-vault-address=https://vault:8200'], {});
  if (parsed.kind !== 'settings') throw new Error('settings');
  const pod: K8sPod = {
    metadata: { name: 'app', annotations: { [`${P}agent-inject`]: 'true', [`${P}role`]: 'app', ...annotations } },
    spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }], volumes: [{ name: 'sa' }] },
  };
  const spec = parseInjectionSpec(pod, 'default', parsed.settings);
  expect(spec.issues).toEqual([]);
  const planned = planInjection(pod, spec.spec);
  if (!planned.ok) throw new Error(JSON.stringify(planned.issues));
  const init = applyPlan(pod, planned.plan).spec?.initContainers?.find((container) => container.name === 'vault-agent-init');
  const value = init?.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value ?? '';
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
}

const cases: readonly [string, Record<string, string>, Record<string, string>][] = [
  ['aws', { 'auth-path': 'auth/aws', 'auth-config-type': 'iam', 'auth-config-header-value': 'vault.example.com', 'auth-config-region': 'eu-west-1' }, { type: 'iam', header_value: 'vault.example.com', region: 'eu-west-1' }],
  ['gcp', { 'auth-path': 'auth/gcp', 'auth-config-type': 'iam', 'auth-config-service-account': 'sa@p.iam.gserviceaccount.com' }, { type: 'iam', service_account: 'sa@p.iam.gserviceaccount.com' }],
  ['azure', { 'auth-path': 'auth/azure', 'auth-config-resource': 'https://management.azure.com/', 'auth-config-authenticate-from-environment': 'true' }, { resource: 'https://management.azure.com/', authenticate_from_environment: 'true' }],
  ['cert', { 'auth-path': 'auth/cert', 'auth-config-name': 'web', 'auth-config-client-cert': '/vault/tls/tls.crt', 'auth-config-client-key': '/vault/tls/tls.key' }, { name: 'web', client_cert: '/vault/tls/tls.crt', client_key: '/vault/tls/tls.key' }],
  ['alicloud', { 'auth-path': 'auth/alicloud', 'auth-config-region': 'cn-beijing' }, { region: 'cn-beijing' }],
  ['oci', { 'auth-path': 'auth/oci', 'auth-config-type': 'instance' }, { type: 'instance' }],
  ['ldap', { 'auth-path': 'auth/ldap', 'auth-config-username': 'svc-app', 'auth-config-password-file-path': '/vault/custom/ldap-password' }, { username: 'svc-app', password_file_path: '/vault/custom/ldap-password' }],
  ['cf', { 'auth-path': 'auth/cf' }, {}],
];

describe('webhook-rendered configs for auth-type aws|gcp|azure|cert|alicloud|oci|ldap|cf', () => {
  it.each(cases)('%s: the agent loads the rendered method with its config keys', (type, annotations, expected) => {
    const raw = initConfig({ [`${P}auth-type`]: type, ...Object.fromEntries(Object.entries(annotations).map(([key, value]) => [`${P}${key}`, value])) });
    const config = validateAgentConfig(raw);
    const method = config.autoAuth?.method;
    expect(method?.type).toBe(type);
    expect(method?.mountPath).toBe(`auth/${type}`);
    expect(method?.config).toMatchObject({ role: 'app', token_path: '/var/run/secrets/kubernetes.io/serviceaccount/token', ...expected });
    expect(method === undefined ? undefined : createAuthMethod(method).type).toBe(type);
  });

  it('aws: the rendered init config, run by the agent CLI, logs in through STS and renders', async () => {
    const scenario = await createCloudScenario();
    const identity = temporaryIdentity('arn:aws:sts::123456789012:assumed-role/app-role/agent');
    const sts = await startStsFake({ identities: [identity] });
    try {
      scenario.secrets.add(identity.secretAccessKey);
      scenario.vault.configureAwsAuth('aws', { stsEndpoint: sts.url, iamServerIdHeaderValue: 'vault.example.com' });
      scenario.vault.addAwsRole('aws', 'app', { authType: 'iam', boundIamPrincipalArns: ['arn:aws:iam::123456789012:role/app-role'], policies: ['app'] });
      const raw = initConfig({
        [`${P}auth-type`]: 'aws',
        [`${P}auth-path`]: 'auth/aws',
        [`${P}auth-config-type`]: 'iam',
        [`${P}auth-config-header-value`]: 'vault.example.com',
        [`${P}agent-inject-secret-password`]: 'secret/data/app',
        [`${P}agent-inject-template-password`]: '{{ with secret "secret/data/app" }}{{ .Data.data.password }}{{ end }}',
      });
      const agent = startAgentInPod({
        sandbox: scenario.sandbox,
        config: raw,
        env: {
          VAULT_ADDR: scenario.vault.address,
          AWS_ACCESS_KEY_ID: identity.accessKeyId,
          AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
          AWS_SESSION_TOKEN: identity.sessionToken ?? '',
          AWS_ENDPOINT_URL_STS: sts.url,
        },
      });
      expect(await agent.exited).toBe(0);
      expect(readFileSync(join(scenario.sandbox.secretsDir, 'password'), 'utf8')).toBe(SECRET_VALUE);
      expect(sts.callerIdentityCalls()).toBe(1);
      for (const token of scenario.vault.tokens()) scenario.secrets.add(token.token);
      expect(leaked(scenario, agent.output())).toEqual([]);
    } finally {
      await sts.close();
      await scenario.close();
    }
  });
});
