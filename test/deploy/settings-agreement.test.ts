// The Deployment's args and environment, expanded as the kubelet does ($(NAMESPACE), downward
// API), go through the webhook's real Settings parser: they must parse and mean what deploy/ says.
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import { findObject, loadAllManifests } from './load-manifests.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Deployment {
  metadata: { namespace: string };
  spec: { template: { spec: { containers: { args: string[]; env: EnvVar[] }[] } } };
}

const manifests = loadAllManifests();
const deployment = findObject<Deployment>(manifests, 'Deployment');
const container = deployment.spec.template.spec.containers[0]!;
const namespace = deployment.metadata.namespace;
const podName = 'vault-injector-7d9f-abcde';

/** Kubelet semantics: fieldRef values, then $(VAR) expanded from variables defined earlier. */
function containerEnvironment(env: readonly EnvVar[]): Record<string, string> {
  const fieldValues: Record<string, string> = { 'metadata.namespace': namespace, 'metadata.name': podName };
  const result: Record<string, string> = {};
  for (const variable of env) {
    const raw = variable.valueFrom?.fieldRef ? (fieldValues[variable.valueFrom.fieldRef.fieldPath] ?? '') : (variable.value ?? '');
    result[variable.name] = raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string) => result[name] ?? match);
  }
  return result;
}

test('args[0] is the webhook subcommand and the rest parses as its flags and environment', () => {
  const [subcommand, ...flags] = container.args;
  expect(subcommand).toBe('agent-inject');
  const result = parseSettings(flags, containerEnvironment(container.env));
  expect(result.kind).toBe('settings');
  if (result.kind !== 'settings') return;
  const { settings } = result;
  const webhookConfig = findObject(manifests, 'MutatingWebhookConfiguration');
  const service = findObject(manifests, 'Service');
  expect(settings.tls.autoName).toBe(webhookConfig.metadata.name);
  expect(settings.useLeaderElector).toBe(true);
  expect(settings.namespace).toBe(namespace);
  expect(settings.podName).toBe(podName);
  expect(settings.listen).toBe(':8080');
  expect(settings.tls.autoHosts).toEqual([
    service.metadata.name,
    `${service.metadata.name}.${namespace}`,
    `${service.metadata.name}.${namespace}.svc`,
  ]);
  expect(settings.tls.certFile).toBe('');
  expect(settings.vaultImage).toBe('vault-injector/agent:0.1.0');
});

test('a mistyped variable would be caught (the parser can fail here)', () => {
  const env = { ...containerEnvironment(container.env), AGENT_INJECT_USE_LEADER_ELECTOR: 'yes' };
  expect(parseSettings([], env).kind).toBe('problems');
});
