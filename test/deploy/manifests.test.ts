// deploy/ as `kubectl apply -k deploy/` sees it: every manifest parses, validates against the
// Kubernetes schemas (plus strict unknown-field checking), and agrees with itself and the code.
import { readFileSync } from 'node:fs';

import { CERT_SECRET_KEYS, CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { selectorMatches, type LabelSelector } from './label-selector.js';
import {
  findObject,
  loadAllManifests,
  loadManifestFile,
  readKustomization,
  yamlFilesIn,
  type LoadedManifest,
} from './load-manifests.js';
import { schemaErrors, unknownFieldErrors } from './validate-object.js';

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  [probe: string]: unknown;
}
interface Deployment {
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        securityContext: Record<string, unknown> & { seccompProfile?: { type: string } };
        containers: Container[];
      };
    };
  };
}
interface Service {
  metadata: { name: string; namespace: string };
  spec: { selector: Record<string, string>; ports: { name?: string; port: number; targetPort: number | string }[] };
}
interface MutatingWebhook {
  name: string;
  admissionReviewVersions: string[];
  sideEffects: string;
  timeoutSeconds?: number;
  reinvocationPolicy?: string;
  failurePolicy?: string;
  matchConditions?: { name: string; expression: string }[];
  clientConfig: { caBundle?: string; service?: { name: string; namespace: string; path?: string; port?: number } };
  rules: { operations: string[]; apiGroups: string[]; apiVersions: string[]; resources: string[] }[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}
interface MutatingWebhookConfiguration {
  metadata: { name: string };
  webhooks: MutatingWebhook[];
}

const manifests: LoadedManifest[] = loadAllManifests();
const deployment = findObject<Deployment>(manifests, 'Deployment');
const service = findObject<Service>(manifests, 'Service');
const webhookConfig = findObject<MutatingWebhookConfiguration>(manifests, 'MutatingWebhookConfiguration');
const container = deployment.spec.template.spec.containers[0]!;
const podLabels = deployment.spec.template.metadata.labels;
const namespace = deployment.metadata.namespace;

function envValue(name: string): string | undefined {
  return container.env?.find((entry) => entry.name === name)?.value;
}

describe('deploy/ parses and validates', () => {
  test('kustomization lists every manifest file in deploy/ and nothing else', () => {
    expect([...readKustomization().resources].sort()).toEqual(yamlFilesIn());
  });

  test.each(yamlFilesIn())('%s parses as YAML with apiVersion, kind and metadata.name', (file) => {
    const loaded = loadManifestFile(file);
    expect(loaded.length).toBeGreaterThan(0);
    for (const { object } of loaded) {
      expect(typeof object.apiVersion).toBe('string');
      expect(typeof object.kind).toBe('string');
      expect(typeof object.metadata.name).toBe('string');
    }
  });

  test.each(manifests.map((m) => [`${m.object.kind}/${m.object.metadata.name}`, m] as const))(
    '%s validates against the Kubernetes schema with no unknown fields',
    async (_name, manifest) => {
      expect(await schemaErrors(manifest.object)).toEqual([]);
      expect(unknownFieldErrors(manifest.object)).toEqual([]);
    },
  );

  test('the schema check catches a typo and a wrong type (it can fail)', async () => {
    const broken = structuredClone(deployment) as unknown as Deployment & { apiVersion: string; kind: string };
    broken.spec.template.spec.containers[0]!.securityContext = { readOnlyRootFileSystem: true };
    (broken.spec as { replicas: unknown }).replicas = 'two';
    const object = { ...broken, apiVersion: 'apps/v1', kind: 'Deployment' } as never;
    expect(await schemaErrors(object)).toEqual(['/spec/replicas must be integer']);
    expect(unknownFieldErrors(object)).toEqual([
      '/spec/template/spec/containers/0/securityContext/readOnlyRootFileSystem is not a field of V1SecurityContext',
    ]);
  });

  test('namespaced objects all live in the injector namespace, which the kustomization creates', () => {
    expect(findObject(manifests, 'Namespace').metadata.name).toBe(namespace);
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration']);
    for (const { object } of manifests) {
      if (!clusterScoped.has(object.kind)) expect([object.kind, object.metadata.namespace]).toEqual([object.kind, namespace]);
    }
  });

  test('the kustomization image entry rewrites the Deployment image', () => {
    const images = readKustomization().images ?? [];
    expect(images.map((image) => image.name)).toContain(container.image.split(':')[0]);
    expect(container.image).not.toMatch(/:latest$/);
  });
});

describe('Deployment hardening', () => {
  const podSecurity = deployment.spec.template.spec.securityContext;

  test('two replicas, its own service account', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(findObject(manifests, 'ServiceAccount').metadata.name);
    expect(selectorMatches(deployment.spec.selector, podLabels)).toBe(true);
  });

  test('non-root, read-only root filesystem, seccomp RuntimeDefault, all capabilities dropped', () => {
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(podSecurity.runAsUser).toEqual(expect.any(Number));
    expect(podSecurity.runAsUser).not.toBe(0);
    expect(podSecurity.seccompProfile?.type).toBe('RuntimeDefault');
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.securityContext?.capabilities?.add).toBeUndefined();
  });

  test('requests and limits for cpu and memory', () => {
    expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
  });

  test.each(['startupProbe', 'readinessProbe', 'livenessProbe'])('%s is GET /health/ready over HTTPS on the listen port', (probe) => {
    const httpGet = (container[probe] as { httpGet: { path: string; port: string | number; scheme: string } }).httpGet;
    expect(httpGet.path).toBe('/health/ready');
    expect(httpGet.scheme).toBe('HTTPS');
    const port = container.ports?.find((p) => p.name === httpGet.port || p.containerPort === httpGet.port);
    expect(port?.containerPort).toBe(8080);
  });

  test('the listen address and container port agree', () => {
    expect(envValue('AGENT_INJECT_LISTEN')).toBe(`:${container.ports?.[0]?.containerPort}`);
  });

  test('NAMESPACE and POD_NAME come from the downward API (leader identity, Secret namespace)', () => {
    const fieldPath = (name: string): string | undefined =>
      container.env?.find((entry) => entry.name === name)?.valueFrom?.fieldRef?.fieldPath;
    expect(fieldPath('NAMESPACE')).toBe('metadata.namespace');
    expect(fieldPath('POD_NAME')).toBe('metadata.name');
  });

  test('runs the webhook subcommand with auto TLS for the webhook configuration and leader election', () => {
    expect(container.args).toEqual(['agent-inject']);
    expect(envValue('AGENT_INJECT_TLS_AUTO')).toBe(webhookConfig.metadata.name);
    expect(envValue('AGENT_INJECT_USE_LEADER_ELECTOR')).toBe('true');
    expect(envValue('AGENT_INJECT_VAULT_ADDR')).toMatch(/^https:\/\//);
  });

  test('the generated certificate names every DNS name the Service answers to', () => {
    const hosts = (envValue('AGENT_INJECT_TLS_AUTO_HOSTS') ?? '').split(',').map((host) => host.replaceAll('$(NAMESPACE)', namespace));
    const svc = service.metadata.name;
    expect(hosts).toEqual(expect.arrayContaining([svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`]));
  });
});

describe('Service, PDB and webhook agree with the Deployment', () => {
  const webhook = webhookConfig.webhooks[0]!;

  test('Service 443 → the container port, selecting the injector pods', () => {
    expect(service.spec.ports).toHaveLength(1);
    const port = service.spec.ports[0]!;
    expect(port.port).toBe(443);
    const target = container.ports?.find((p) => p.name === port.targetPort || p.containerPort === port.targetPort);
    expect(target?.containerPort).toBe(8080);
    expect(selectorMatches({ matchLabels: service.spec.selector }, podLabels)).toBe(true);
  });

  test('PodDisruptionBudget keeps one replica of these pods', () => {
    const pdb = findObject<{ spec: { minAvailable: number; selector: LabelSelector } }>(manifests, 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(selectorMatches(pdb.spec.selector, podLabels)).toBe(true);
  });

  test('one webhook pointing at the Service on /mutate, port 443', () => {
    expect(webhookConfig.webhooks).toHaveLength(1);
    expect(webhook.clientConfig.service).toEqual({ name: service.metadata.name, namespace, path: '/mutate', port: 443 });
    expect(webhook.clientConfig.caBundle).toBeUndefined();
  });

  test('pods CREATE only, v1 and v1beta1 reviews, no side effects, timeout and reinvocation stated', () => {
    expect(webhook.rules).toEqual([
      { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' },
    ]);
    expect(webhook.admissionReviewVersions).toEqual(['v1', 'v1beta1']);
    expect(webhook.sideEffects).toBe('None');
    expect(webhook.timeoutSeconds).toBeGreaterThanOrEqual(5);
    expect(webhook.timeoutSeconds).toBeLessThanOrEqual(10);
    expect(webhook.reinvocationPolicy).toBe('Never');
  });

  test('failurePolicy is stated with its reason written next to it', () => {
    expect(webhook.failurePolicy).toBe('Fail');
    const file = manifests.find((m) => m.object.kind === 'MutatingWebhookConfiguration')!;
    const webhookNode = file.document.getIn(['webhooks', 0], true) as { items: { key: { value: string; commentBefore?: string } }[] };
    const pair = webhookNode.items.find((item) => item.key.value === 'failurePolicy');
    expect(pair?.key.commentBefore ?? '').toMatch(/Ignore/);
    expect((pair?.key.commentBefore ?? '').length).toBeGreaterThan(100);
  });

  test('Fail applies only to pods that opted in (matchConditions on the inject annotation)', () => {
    expect(webhook.matchConditions).toHaveLength(1);
    expect(webhook.matchConditions?.[0]?.expression).toContain("'vault.hashicorp.com/agent-inject' in object.metadata.annotations");
  });

  test('objectSelector excludes the injector pods but not application pods', () => {
    expect(selectorMatches(webhook.objectSelector, podLabels)).toBe(false);
    expect(selectorMatches(webhook.objectSelector, { app: 'web' })).toBe(true);
    expect(selectorMatches(webhook.objectSelector, {})).toBe(true);
  });

  test('namespaceSelector excludes kube-system but not ordinary namespaces', () => {
    const labelsOf = (name: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': name });
    expect(selectorMatches(webhook.namespaceSelector, labelsOf('kube-system'))).toBe(false);
    expect(selectorMatches(webhook.namespaceSelector, labelsOf('kube-public'))).toBe(false);
    expect(selectorMatches(webhook.namespaceSelector, labelsOf('default'))).toBe(true);
    expect(selectorMatches(webhook.namespaceSelector, labelsOf('payments'))).toBe(true);
  });
});

describe('names shared with the code', () => {
  test('the placeholder Secret is the certificate Secret the leader writes', () => {
    const secret = findObject<{ metadata: { name: string; namespace: string }; data?: unknown }>(manifests, 'Secret');
    expect(secret.metadata.name).toBe(CLUSTER_OBJECT_NAMES.certSecret);
    expect(secret.data).toBeUndefined();
  });

  test('the Role names exactly the Lease and Secret the code uses', () => {
    const role = findObject<{ rules: { resources: string[]; resourceNames?: string[] }[] }>(manifests, 'Role');
    const named = role.rules.flatMap((rule) => rule.resourceNames ?? []).sort();
    expect(named).toEqual([CLUSTER_OBJECT_NAMES.certSecret, CLUSTER_OBJECT_NAMES.leaderLease].sort());
  });

  test('the ClusterRole names exactly the webhook configuration of -tls-auto', () => {
    const clusterRole = findObject<{ rules: { resourceNames?: string[] }[] }>(manifests, 'ClusterRole');
    expect(clusterRole.rules.flatMap((rule) => rule.resourceNames ?? [])).toEqual([webhookConfig.metadata.name]);
  });

  test('role bindings bind the service account the Deployment runs as', () => {
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      const binding = findObject<{ subjects: { kind: string; name: string; namespace: string }[]; roleRef: { kind: string; name: string } }>(
        manifests,
        kind,
      );
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace }]);
      expect(findObject(manifests, binding.roleRef.kind, binding.roleRef.name)).toBeDefined();
    }
  });
});

describe('docs/install.md agrees with deploy/', () => {
  const guide = readFileSync(new URL('../../docs/install.md', import.meta.url), 'utf8');

  test('the overlay example patches the env entries it names by index', () => {
    for (const match of guide.matchAll(/path: \/spec\/template\/spec\/containers\/0\/env\/(\d+)\/value\s+# (\w+)/g)) {
      expect([match[2], container.env?.[Number(match[1])]?.name]).toEqual([match[2], match[2]]);
    }
    expect([...guide.matchAll(/env\/(\d+)\/value/g)]).toHaveLength(2);
  });

  test('the Secret keys documented are the keys the code writes', () => {
    for (const key of Object.values(CERT_SECRET_KEYS)) expect(guide).toContain(`| \`${key}\` |`);
  });
});
