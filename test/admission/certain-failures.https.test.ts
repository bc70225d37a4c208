// Pods certain to fail at run time are denied at admission, with the fix named first, against the
// built webhook over real HTTPS (vault-k8s admits all of these; docs/annotations.md, "Denied
// earlier than vault-k8s"). Also the audit of empty boolean annotations: vault-k8s reads every
// bool annotation with parseutil.ParseBool, for which "" is false, so "" must behave exactly as
// "false" (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/annotations.go).
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';

const A = 'vault.hashicorp.com/';

interface ReviewResponse {
  readonly allowed: boolean;
  readonly patch?: string;
  readonly warnings?: readonly string[];
  readonly status?: { readonly message: string };
}

function review(uid: string, annotations: Record<string, string>, containers: readonly string[] = ['app', 'worker']): unknown {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      namespace: 'shop',
      operation: 'CREATE',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'shop-0', annotations: { [`${A}agent-inject`]: 'true', [`${A}role`]: 'shop', [`${A}agent-inject-secret-db`]: 'database/creds/shop', ...annotations } },
        spec: {
          containers: containers.map((name) => ({ name, image: 'shop:1', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] })),
          volumes: [{ name: 'sa', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
        },
      },
    },
  };
}

let webhook: WebhookProcess;
let counter = 0;

async function admit(annotations: Record<string, string>, containers?: readonly string[]): Promise<ReviewResponse> {
  counter += 1;
  const reply = await webhook.postReview(review(`case-${counter}`, annotations, containers));
  expect(reply.status).toBe(200);
  return (reply.json as { response: ReviewResponse }).response;
}

function patchOf(response: ReviewResponse): unknown {
  return JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8'));
}

beforeAll(async () => {
  webhook = await startWebhook({ flags: { 'log-format': 'json' } });
});
afterAll(async () => {
  await webhook.stop();
});

describe('agent-inject-containers', () => {
  it.each([
    ['a container the pod does not have', 'web'],
    ['names with spaces only', ' app, worker'],
    ['an empty list', ''],
  ])('naming no container of the pod (%s) is denied, the fix first', async (_label, value) => {
    const response = await admit({ [`${A}agent-inject-containers`]: value });
    expect(response.allowed).toBe(false);
    const message = response.status?.message ?? '';
    expect(message).toMatch(/^List containers of this pod in vault\.hashicorp\.com\/agent-inject-containers, comma-separated without spaces \(e\.g\. "app"\) — error validating agent configuration: /);
    expect(message).toContain('its containers: "app", "worker"');
    expect(message).toContain(`(annotation ${A}agent-inject-containers=${JSON.stringify(value)})`);
  });

  it('a list where some names match is admitted (vault-k8s mounts into those) with a warning naming the others', async () => {
    const response = await admit({ [`${A}agent-inject-containers`]: 'app, worker' });
    expect(response.allowed).toBe(true);
    expect(response.warnings).toEqual([
      `${A}agent-inject-containers lists " worker", which is not a container of this pod (names are not trimmed); its containers: "app", "worker"`,
    ]);
  });

  it('an exact list is admitted without warnings', async () => {
    const response = await admit({ [`${A}agent-inject-containers`]: 'worker' });
    expect(response).toMatchObject({ allowed: true });
    expect(response.warnings).toBeUndefined();
  });
});

describe('agent-inject-perms-NAME: what Vault Agent decodes with strconv.ParseUint(value, 8, 12)', () => {
  it.each(['0400', '600', '0640', '7777', '04755', '00000600'])('%j is admitted', async (perms) => {
    expect((await admit({ [`${A}agent-inject-perms-db`]: perms })).allowed).toBe(true);
  });

  it.each(['rw-r--r--', '0800', '10000', '0o600', '-600', ' 0600', '6_00'])('%j is denied naming the annotation and an example', async (perms) => {
    const response = await admit({ [`${A}agent-inject-perms-db`]: perms });
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(/^Set vault\.hashicorp\.com\/agent-inject-perms-db to an octal file mode such as "0400" or "0640" — error validating agent configuration: file permissions /);
  });

  it('perms for a name that is no secret are ignored, as in vault-k8s', async () => {
    expect((await admit({ [`${A}agent-inject-perms-other`]: 'rw' })).allowed).toBe(true);
  });
});

describe('log-level / log-format: what Vault\'s logging.ParseLogLevel / ParseLogFormat accept', () => {
  it.each([['log-level', 'DEBUG'], ['log-level', ' warning '], ['log-level', ''], ['log-level', 'notice'], ['log-format', 'JSON'], ['log-format', '']])('%s %j is admitted', async (name, value) => {
    expect((await admit({ [`${A}${name}`]: value })).allowed).toBe(true);
  });

  it.each([
    ['log-level', 'loud', 'Set vault.hashicorp.com/log-level to trace, debug, info, warn or error, not "loud" — error validating agent configuration: unknown log level: loud'],
    ['log-format', 'text', 'Set vault.hashicorp.com/log-format to standard or json, not "text" — error validating agent configuration: unknown log format: text'],
  ])('%s %j is denied (the agent would exit at start)', async (name, value, start) => {
    const response = await admit({ [`${A}${name}`]: value });
    expect(response.allowed).toBe(false);
    expect(response.status?.message.startsWith(start)).toBe(true);
  });
});

describe('agent-cache-use-auto-auth-token: what Vault Agent accepts (a Go bool or "force")', () => {
  it.each(['true', 'false', 'force', 'FORCE', 'Force', '1', 'F', ''])('%j is admitted with the cache on', async (value) => {
    expect((await admit({ [`${A}agent-cache-enable`]: 'true', [`${A}agent-cache-use-auto-auth-token`]: value })).allowed).toBe(true);
  });

  it.each(['yes', 'forced', 'on'])('%j is denied with the cache on', async (value) => {
    const response = await admit({ [`${A}agent-cache-enable`]: 'true', [`${A}agent-cache-use-auto-auth-token`]: value });
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(/^Set vault\.hashicorp\.com\/agent-cache-use-auto-auth-token to "true", "false" or "force" — error validating agent configuration: use_auto_auth_token /);
  });

  it('is not checked when no cache block is written (cache off, or init container only)', async () => {
    expect((await admit({ [`${A}agent-cache-use-auto-auth-token`]: 'yes' })).allowed).toBe(true);
    expect((await admit({ [`${A}agent-cache-enable`]: 'true', [`${A}agent-pre-populate-only`]: 'true', [`${A}agent-cache-use-auto-auth-token`]: 'yes' })).allowed).toBe(true);
  });
});

// Every boolean annotation vault-k8s reads with parseutil.ParseBool, plus ours: "" is false.
const BOOLEAN_ANNOTATIONS: readonly string[] = [
  'agent-init-first',
  'agent-pre-populate',
  'agent-pre-populate-only',
  'agent-revoke-on-shutdown',
  'tls-skip-verify',
  'preserve-secret-case',
  'preserve-secret-case-db',
  'agent-run-as-same-user',
  'agent-share-process-namespace',
  'agent-set-security-context',
  'agent-cache-enable',
  'agent-cache-exit-on-err',
  'template-config-exit-on-retry-failure',
  'agent-auto-auth-exit-on-err',
  'agent-enable-quit',
  'agent-inject-token',
  'error-on-missing-key-db',
  'agent-native-sidecar',
  'agent-inject-strict',
];

describe('boolean annotations with an empty value behave as "false" (vault-k8s: parseutil.ParseBool)', () => {
  it.each(BOOLEAN_ANNOTATIONS)('%s: "" gives the same admission as "false"', async (name) => {
    const empty = await admit({ [`${A}${name}`]: '' });
    const explicit = await admit({ [`${A}${name}`]: 'false' });
    expect(empty.allowed).toBe(true);
    expect({ allowed: empty.allowed, patch: patchOf(empty), warnings: empty.warnings }).toEqual({ allowed: explicit.allowed, patch: patchOf(explicit), warnings: explicit.warnings });
  });

  it('agent-inject: "" is false: the pod is let through untouched', async () => {
    const response = await admit({ [`${A}agent-inject`]: '' });
    expect(response).toEqual({ uid: `case-${counter}`, allowed: true });
  });

  it('agent-share-process-namespace: "" sets shareProcessNamespace to false, like "false"', async () => {
    const patch = patchOf(await admit({ [`${A}agent-share-process-namespace`]: '' })) as { op: string; path: string; value?: unknown }[];
    expect(patch).toContainEqual({ op: 'add', path: '/spec/shareProcessNamespace', value: false });
  });

  it('a value that is not a Go bool is still denied', async () => {
    const response = await admit({ [`${A}agent-pre-populate`]: 'yes' });
    expect(response.allowed).toBe(false);
  });
});

describe('denials lead with one plain sentence naming the annotation, the value and an example, then vault-k8s text', () => {
  it('a missing role names vault.hashicorp.com/role before vault-k8s\'s "no Vault role found"', async () => {
    counter += 1;
    const body = review(`case-${counter}`, {}) as { request: { object: { metadata: { annotations: Record<string, string> } } } };
    const annotations = body.request.object.metadata.annotations;
    body.request.object.metadata.annotations = Object.fromEntries(Object.entries(annotations).filter(([key]) => key !== `${A}role`));
    const response = ((await webhook.postReview(body)).json as { response: ReviewResponse }).response;
    expect(response.status?.message).toBe(
      'Add vault.hashicorp.com/role with the Vault role this pod logs in as (e.g. "my-app") — error validating agent configuration: no Vault role found',
    );
  });

  it.each([
    [`${A}agent-inject`, 'yes', 'Set vault.hashicorp.com/agent-inject to true or false, not "yes" — error checking if should inject agent: cannot parse \'\' as bool: strconv.ParseBool: parsing "yes": invalid syntax'],
    [`${A}agent-limits-cpu`, 'lots', 'Set vault.hashicorp.com/agent-limits-cpu to a Kubernetes quantity (e.g. 500m), not "lots" — error creating patch for agent: quantities must match the regular expression'],
    [`${A}agent-run-as-user`, 'vault', 'Set vault.hashicorp.com/agent-run-as-user to a whole number (e.g. 1000), not "vault" — error creating new agent sidecar: strconv.ParseInt: parsing "vault": invalid syntax'],
    [`${A}auth-max-backoff`, '5', 'Set vault.hashicorp.com/auth-max-backoff to a Go duration (e.g. 5s or 1m30s), not "5" — error adding default annotations: error parsing max backoff as duration: time: missing unit in duration "5"'],
  ])('%s=%j', async (key, value, start) => {
    const response = await admit({ [key]: value });
    expect(response.allowed).toBe(false);
    expect(response.status?.message.startsWith(start)).toBe(true);
    expect(response.status?.message).toContain(`(annotation ${key}=${JSON.stringify(value)})`);
  });
});
