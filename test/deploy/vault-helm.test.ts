// The extra Role for running our image through the vault-helm chart (deploy/vault-helm/): valid,
// naming the code's Lease with the same grants as deploy/role.yaml; and the chart's own container
// arguments (`agent-inject 2>&1`) parse.
import { CLUSTER_OBJECT_NAMES } from '../../webhook/src/cluster/cluster-names.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import { findObject, loadAllManifests, loadManifestFile } from './load-manifests.js';
import { schemaErrors, unknownFieldErrors } from './validate-object.js';

const extra = loadManifestFile('vault-helm/leader-lease-role.yaml');

test('every object validates with no unknown fields', async () => {
  for (const { object } of extra) {
    expect(await schemaErrors(object)).toEqual([]);
    expect(unknownFieldErrors(object)).toEqual([]);
  }
});

test('grants on leases exactly what deploy/role.yaml grants, for the Lease the code uses', () => {
  type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
  const leaseRules = (rules: Rule[]): Rule[] => rules.filter((rule) => rule.resources.includes('leases'));
  const helmRole = findObject<{ rules: Rule[] }>(extra, 'Role');
  const kustomizeRole = findObject<{ rules: Rule[] }>(loadAllManifests(), 'Role');
  expect(leaseRules(helmRole.rules)).toEqual(leaseRules(kustomizeRole.rules));
  expect(helmRole.rules.flatMap((rule) => rule.resourceNames ?? [])).toEqual([CLUSTER_OBJECT_NAMES.leaderLease]);
  const binding = findObject<{ roleRef: { name: string } }>(extra, 'RoleBinding');
  expect(binding.roleRef.name).toBe(findObject(extra, 'Role').metadata.name);
});

test("the chart's container args (agent-inject 2>&1) and env parse", () => {
  const env = {
    AGENT_INJECT_LISTEN: ':8080',
    AGENT_INJECT_LOG_LEVEL: 'info',
    AGENT_INJECT_VAULT_ADDR: 'http://vault.vault.svc:8200',
    AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
    AGENT_INJECT_VAULT_IMAGE: 'vault-injector/agent:0.1.0',
    AGENT_INJECT_TLS_AUTO: 'vault-agent-injector-cfg',
    AGENT_INJECT_TLS_AUTO_HOSTS: 'vault-agent-injector-svc,vault-agent-injector-svc.vault,vault-agent-injector-svc.vault.svc',
    AGENT_INJECT_LOG_FORMAT: 'standard',
    AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
    AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
    NAMESPACE: 'vault',
    POD_NAME: 'vault-agent-injector-abc',
  };
  const result = parseSettings(['2>&1'], env);
  expect(result.kind).toBe('settings');
});
