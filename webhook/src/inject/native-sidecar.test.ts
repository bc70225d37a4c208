// The native-sidecar mode (our extension): one vault-agent init container with restartPolicy
// Always, gated by a startupProbe on the agent's ready file, instead of vault-agent-init + sidecar.
import { Buffer } from 'node:buffer';
import { admit } from './admit.js';
import { parseSettings } from '../settings/parse-settings.js';
import type { Settings } from '../settings/settings.js';
import type { K8sContainer, K8sPod } from './pod.js';
import { planInjection } from './build/injection-plan.js';
import { parseInjectionSpec } from './annotations/parse-annotations.js';
import { applyPlan } from './build/plan-patch.js';

function settings(...args: string[]): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200', ...args], {});
  if (parsed.kind !== 'settings') throw new Error('settings');
  return parsed.settings;
}

const P = 'vault.hashicorp.com/';

function pod(annotations: Record<string, string>): K8sPod {
  return {
    metadata: { generateName: 'job-', annotations: { [`${P}agent-inject`]: 'true', [`${P}role`]: 'r', [`${P}agent-inject-secret-db`]: 'db/creds/r', ...annotations } },
    spec: {
      initContainers: [{ name: 'migrate', image: 'm' }],
      containers: [{ name: 'job', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
      volumes: [{ name: 'sa' }],
    },
  };
}

function mutated(input: K8sPod, config: Settings): K8sPod {
  const parsed = parseInjectionSpec(input, 'ns', config);
  expect(parsed.issues).toEqual([]);
  const planned = planInjection(input, parsed.spec);
  if (!planned.ok) throw new Error(JSON.stringify(planned.issues));
  return applyPlan(input, planned.plan);
}

function agentConfig(container: K8sContainer | undefined): Record<string, unknown> {
  const value = container?.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value ?? '';
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
}

describe('agent-native-sidecar', () => {
  it('puts one gated vault-agent among the init containers instead of vault-agent-init and the sidecar', () => {
    const result = mutated(pod({ [`${P}agent-native-sidecar`]: 'true' }), settings());
    const init = result.spec?.initContainers ?? [];
    expect(init.map((container) => container.name)).toEqual(['migrate', 'vault-agent']);
    expect(result.spec?.containers?.map((container) => container.name)).toEqual(['job']);
    const agent = init[1];
    expect(agent?.restartPolicy).toBe('Always');
    // Default probe: the files themselves (any agent image), with timings for a slow Vault.
    expect(agent?.startupProbe).toEqual({
      exec: { command: ['/bin/sh', '-c', "test -e '/vault/secrets/db' && test -e '/home/vault/.vault-token'"] },
      periodSeconds: 2,
      timeoutSeconds: 5,
      failureThreshold: 450,
    });
    expect(agentConfig(agent)).toMatchObject({ exit_after_auth: false });
    expect(agentConfig(agent)['ready_file']).toBeUndefined();
    // exec: the agent is PID 1 and gets the kubelet's SIGTERM itself.
    expect(agent?.args).toEqual(['echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && exec vault agent -config=/home/vault/config.json']);
    expect(result.spec?.volumes?.map((volume) => volume.name)).toEqual(['sa', 'home-sidecar', 'vault-secrets']);
    // The pod's own init containers get the secrets volume, as with vault-agent-init.
    expect(init[0]?.volumeMounts).toEqual([{ name: 'vault-secrets', mountPath: '/vault/secrets' }]);
  });

  it('goes first with agent-init-first, follows the injector-wide flag, and yields to pre-populate-only', () => {
    const first = mutated(pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-init-first`]: 'true' }), settings());
    expect(first.spec?.initContainers?.map((container) => container.name)).toEqual(['vault-agent', 'migrate']);
    const byFlag = mutated(pod({}), settings('-native-sidecar'));
    expect(byFlag.spec?.initContainers?.map((container) => container.name)).toEqual(['migrate', 'vault-agent']);
    const optedOut = mutated(pod({ [`${P}agent-native-sidecar`]: 'false' }), settings('-native-sidecar'));
    expect(optedOut.spec?.containers?.map((container) => container.name)).toEqual(['job', 'vault-agent']);
    const initOnly = mutated(pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-pre-populate-only`]: 'true' }), settings());
    expect(initOnly.spec?.initContainers?.map((container) => container.name)).toEqual(['migrate', 'vault-agent-init']);
    expect(agentConfig(initOnly.spec?.initContainers?.[1])['ready_file']).toBeUndefined();
  });

  it('counts as a sidecar-only injection and rejects a bad value naming the annotation', () => {
    const injected = admit({ uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'true' }) }, settings());
    expect(injected).toMatchObject({ decision: 'injected', injectionType: 'sidecar_only' });
    const denied = admit({ uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'sure' }) }, settings());
    expect(denied.response.status?.message).toContain('vault.hashicorp.com/agent-native-sidecar');
  });

  it('ready-file probe by annotation or flag: the config asks our agent for the ready file; timings by annotation over flag', () => {
    const byAnnotation = mutated(
      pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-native-sidecar-probe`]: 'ready-file', [`${P}agent-native-sidecar-probe-period`]: '1' }),
      settings('-native-sidecar-probe-failure-threshold=60'),
    );
    const agent = byAnnotation.spec?.initContainers?.[1];
    expect(agent?.startupProbe).toEqual({
      exec: { command: ['/bin/sh', '-c', "test -e '/home/vault/.vault-agent-ready'"] },
      periodSeconds: 1,
      timeoutSeconds: 5,
      failureThreshold: 60,
    });
    expect(agentConfig(agent)['ready_file']).toBe('/home/vault/.vault-agent-ready');
    const byFlag = mutated(pod({ [`${P}agent-native-sidecar`]: 'true' }), settings('-native-sidecar-probe=ready-file'));
    expect(agentConfig(byFlag.spec?.initContainers?.[1])['ready_file']).toBe('/home/vault/.vault-agent-ready');
  });

  it('rejects bad probe settings naming the annotation or the flag', () => {
    const denied = admit({ uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-native-sidecar-probe-timeout`]: '0' }) }, settings());
    expect(denied.response.status?.message).toContain('vault.hashicorp.com/agent-native-sidecar-probe-timeout');
    const kind = admit({ uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-native-sidecar-probe`]: 'magic' }) }, settings());
    expect(kind.response.status?.message).toContain('vault.hashicorp.com/agent-native-sidecar-probe');
    const flags = parseSettings(['-vault-address=https://vault:8200', '-native-sidecar-probe=magic', '-native-sidecar-probe-period=x'], {});
    expect(flags).toEqual({
      kind: 'problems',
      problems: [
        '-native-sidecar-probe / AGENT_INJECT_NATIVE_SIDECAR_PROBE: "magic" is not a probe kind; use files or ready-file',
        '-native-sidecar-probe-period / AGENT_INJECT_NATIVE_SIDECAR_PROBE_PERIOD: "x" is not a whole number from 1 to 86400',
      ],
    });
  });

  it('warns when the ready file cannot come: the official image, or a ConfigMap config', () => {
    const official = admit(
      { uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-native-sidecar-probe`]: 'ready-file', [`${P}agent-image`]: 'hashicorp/vault:1.16' }) },
      settings(),
    );
    expect(official.response.warnings?.join('\n')).toContain('needs the vault-injector agent image');
    const filesOfficial = admit({ uid: 'u', namespace: 'ns', object: pod({ [`${P}agent-native-sidecar`]: 'true', [`${P}agent-image`]: 'hashicorp/vault:1.16' }) }, settings());
    expect(filesOfficial.response.warnings ?? []).toEqual([]);
  });
});
