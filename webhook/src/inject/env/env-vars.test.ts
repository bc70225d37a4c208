// agent-env-* (our extension, docs/env-vars.md) through the pure admission path: what the
// annotations become in the pod and the agent configs, and every denial with its message.
import { Buffer } from 'node:buffer';
import { admit } from '../admit.js';
import { parseSettings } from '../../settings/parse-settings.js';
import type { Settings } from '../../settings/settings.js';
import type { K8sContainer, K8sPod } from '../pod.js';
import type { AdmissionRequest } from '../admission-review.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS } from '../annotations/registry.js';
import { unknownAnnotationWarnings } from '../annotations/unknown-annotations.js';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

const P = 'vault.hashicorp.com/';
const TEMPLATE = '{{ with secret "database/creds/app" }}{{ .Data.password }}{{ end }}';

function settings(): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200'], {});
  if (parsed.kind !== 'settings') throw new Error('settings');
  return parsed.settings;
}

function pod(annotations: Record<string, string>, containers?: K8sContainer[]): K8sPod {
  return {
    metadata: { generateName: 'app-', annotations: { [`${P}agent-inject`]: 'true', [`${P}role`]: 'app', ...annotations } },
    spec: {
      containers: containers ?? [
        { name: 'app', image: 'app', command: ['/app/server'], args: ['--port=8080'], volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
        { name: 'worker', image: 'worker', command: ['worker'] },
      ],
      volumes: [{ name: 'sa' }],
    },
  };
}

function applyPodPatchForTest(input: K8sPod, base64Patch: string): K8sPod {
  const operations = JSON.parse(Buffer.from(base64Patch, 'base64').toString('utf8')) as Operation[];
  return fastJsonPatch.applyPatch(structuredClone(input), operations, true, false).newDocument;
}

function review(input: K8sPod): AdmissionRequest {
  return { uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', namespace: 'ns', object: input };
}

function admitted(input: K8sPod): { pod: K8sPod; warnings: readonly string[] } {
  const outcome = admit(review(input), settings());
  if (outcome.decision !== 'injected') throw new Error(`${outcome.decision}: ${'reason' in outcome ? outcome.reason : ''}`);
  return { pod: applyPodPatchForTest(input, outcome.response.patch ?? ''), warnings: outcome.response.warnings ?? [] };
}

function denial(input: K8sPod): string {
  const outcome = admit(review(input), settings());
  expect(outcome.decision).toBe('denied');
  return outcome.decision === 'denied' ? outcome.reason : '';
}

function agentConfig(container: K8sContainer | undefined): Record<string, unknown> {
  const value = container?.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value ?? '';
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
}

const byName = (containers: readonly K8sContainer[] | null | undefined, name: string): K8sContainer | undefined => containers?.find((c) => c.name === name);

describe('agent-env-*', () => {
  it('wraps every container\'s command in the launcher, keeps args, and renders one 0440 file per variable per container', () => {
    const { pod: result } = admitted(pod({ [`${P}agent-env-DB_PASSWORD`]: TEMPLATE, [`${P}agent-env-api_key`]: '{{ env "X" }}' }));
    const app = byName(result.spec?.containers, 'app');
    expect(app?.command).toEqual(['/vault/env/vault-env-launcher', '/vault/env/app', 'DB_PASSWORD', 'api_key', '--', '/app/server']);
    expect(app?.args).toEqual(['--port=8080']);
    expect(app?.volumeMounts).toContainEqual({ name: 'vault-env', readOnly: true, mountPath: '/vault/env' });
    expect(app?.livenessProbe).toBeUndefined();
    expect(byName(result.spec?.containers, 'worker')?.command).toEqual(['/vault/env/vault-env-launcher', '/vault/env/worker', 'DB_PASSWORD', 'api_key', '--', 'worker']);
    expect(result.spec?.volumes).toContainEqual({ name: 'vault-env', emptyDir: { medium: 'Memory' } });
    const init = byName(result.spec?.initContainers, 'vault-agent-init');
    expect(init?.args?.[0]).toMatch(/^\/bin\/vault-env-launcher --install \/vault\/env\/vault-env-launcher && echo /);
    expect(byName(result.spec?.containers, 'vault-agent')?.args?.[0]).not.toContain('--install');
    for (const agent of [init, byName(result.spec?.containers, 'vault-agent')]) {
      expect(agent?.volumeMounts).toContainEqual({ name: 'vault-env', mountPath: '/vault/env' });
      const templates = agentConfig(agent)['template'] as Record<string, unknown>[];
      expect(templates.map((t) => t['destination'])).toEqual(['/vault/env/app/DB_PASSWORD', '/vault/env/app/api_key', '/vault/env/worker/DB_PASSWORD', '/vault/env/worker/api_key']);
      expect(templates[0]).toEqual({ destination: '/vault/env/app/DB_PASSWORD', contents: TEMPLATE, left_delimiter: '{{', right_delimiter: '}}', perms: '0440', error_on_missing_key: true });
      expect(agentConfig(agent)['env_restart']).toBeUndefined();
    }
    // Nothing but names: the template (let alone a value) is only inside the agents' VAULT_CONFIG.
    const appSpec = JSON.stringify(result.spec?.containers?.filter((c) => !c.name.startsWith('vault-agent')));
    expect(appSpec).not.toContain('database/creds');
  });

  it('scopes a variable to named containers and leaves unscoped containers alone', () => {
    const { pod: result } = admitted(pod({ [`${P}agent-env-STRIPE`]: TEMPLATE, [`${P}agent-env-containers-STRIPE`]: ' worker ' }));
    expect(byName(result.spec?.containers, 'app')?.command).toEqual(['/app/server']);
    expect(byName(result.spec?.containers, 'worker')?.command).toEqual(['/vault/env/vault-env-launcher', '/vault/env/worker', 'STRIPE', '--', 'worker']);
  });

  it('uses agent-env-command-CONTAINER for a container without command', () => {
    const containers = [{ name: 'app', image: 'distroless', args: ['serve'], volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }];
    const { pod: result } = admitted(pod({ [`${P}agent-env-A`]: TEMPLATE, [`${P}agent-env-command-app`]: '["/ko-app/app"]' }, containers));
    expect(byName(result.spec?.containers, 'app')).toMatchObject({ command: ['/vault/env/vault-env-launcher', '/vault/env/app', 'A', '--', '/ko-app/app'], args: ['serve'] });
  });

  it('denies a container without command, naming it and the fix, without any registry lookup', () => {
    const message = denial(pod({ [`${P}agent-env-A`]: TEMPLATE }, [{ name: 'web', image: 'nginx' }]));
    expect(message).toContain('container "web" has no command');
    expect(message).toContain("set the container's command");
    expect(message).toContain(`${P}agent-env-command-web: '["/path/to/entrypoint"]'`);
  });

  it('restart on change: a state volume, --record, the probe, and env_restart in the sidecar config only', () => {
    const { pod: result } = admitted(pod({ [`${P}agent-env-A`]: TEMPLATE, [`${P}agent-env-restart-on-change`]: 'true', [`${P}agent-env-containers-A`]: 'app' }));
    const app = byName(result.spec?.containers, 'app');
    expect(app?.command).toEqual(['/vault/env/vault-env-launcher', '--record', '/vault/env-state/app', '/vault/env/app', 'A', '--', '/app/server']);
    expect(app?.livenessProbe).toEqual({
      exec: { command: ['/vault/env/vault-env-launcher', '--probe', '/vault/env/app', '/vault/env-state/app'] },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 1,
    });
    expect(app?.volumeMounts).toContainEqual({ name: 'vault-env-state', mountPath: '/vault/env-state' });
    expect(agentConfig(byName(result.spec?.containers, 'vault-agent'))['env_restart']).toEqual([{ directory: '/vault/env/app' }]);
    expect(agentConfig(byName(result.spec?.initContainers, 'vault-agent-init'))['env_restart']).toBeUndefined();
  });

  it('native sidecar: the gated vault-agent copies the launcher; pre-populate-only works without restart', () => {
    const native = admitted(pod({ [`${P}agent-env-A`]: TEMPLATE, [`${P}agent-native-sidecar`]: 'true' })).pod;
    const agent = byName(native.spec?.initContainers, 'vault-agent');
    expect(agent?.restartPolicy).toBe('Always');
    expect(agent?.args?.[0]).toMatch(/^\/bin\/vault-env-launcher --install /);
    const only = admitted(pod({ [`${P}agent-env-A`]: TEMPLATE, [`${P}agent-pre-populate-only`]: 'true' })).pod;
    expect(byName(only.spec?.initContainers, 'vault-agent-init')?.args?.[0]).toMatch(/^\/bin\/vault-env-launcher --install /);
    expect(byName(only.spec?.containers, 'app')?.command?.[0]).toBe('/vault/env/vault-env-launcher');
  });

  it.each([
    ['sidecar only', { [`${P}agent-pre-populate`]: 'false' }, 'agent-env-* needs the values before the app starts'],
    ['configmap', { [`${P}agent-configmap`]: 'cm' }, 'agent-env-* cannot be used with agent-configmap'],
    ['restart without sidecar', { [`${P}agent-pre-populate-only`]: 'true', [`${P}agent-env-restart-on-change`]: 'true' }, 'restarting on change needs the sidecar'],
    ['a bad name', { [`${P}agent-env-DB.PASS`]: TEMPLATE }, `${P}agent-env-DB.PASS is neither an environment variable`],
    ['a misspelt setting', { [`${P}agent-env-restart-on-chnage`]: 'true' }, `${P}agent-env-restart-on-chnage is neither`],
    ['an empty template', { [`${P}agent-env-B`]: ' ' }, 'the template for environment variable B is empty'],
    ['an unknown container in a scope', { [`${P}agent-env-containers-A`]: 'app,nope' }, 'the pod has no container "nope"'],
    ['a scope without variable', { [`${P}agent-env-containers-Z`]: 'app' }, `scopes Z, but there is no ${P}agent-env-Z`],
    ['a bad command annotation', { [`${P}agent-env-command-app`]: '"/bin/app"' }, 'must be a non-empty JSON list of strings'],
  ])('denies %s', (_label, extra, message) => {
    expect(denial(pod({ [`${P}agent-env-A`]: TEMPLATE, ...extra }))).toContain(message);
  });

  it('denies restart on change for a container that has its own livenessProbe, naming it', () => {
    const containers = [{ name: 'api', image: 'a', command: ['/api'], livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } }];
    expect(denial(pod({ [`${P}agent-env-A`]: TEMPLATE, [`${P}agent-env-restart-on-change`]: 'true' }, containers))).toContain('container "api" already has a livenessProbe');
  });

  it('warns about a template that does not parse and about the official image', () => {
    const { warnings } = admitted(pod({ [`${P}agent-env-A`]: '{{ with secret "x" }}', [`${P}agent-image`]: 'hashicorp/vault:1.18.0' }));
    expect(warnings).toContainEqual(expect.stringContaining(`the template in ${P}agent-env-A does not parse`));
    expect(warnings).toContainEqual(expect.stringContaining('hashicorp/vault:1.18.0 has no /bin/vault-env-launcher'));
  });

  it('cannot clash with vault-k8s: no vault-k8s key or family is a prefix of agent-env-, nor the reverse', () => {
    const env = ANNOTATION_FAMILIES.env;
    const theirs: string[] = [...Object.values<string>(POD_ANNOTATIONS), ...Object.values<string>(ANNOTATION_FAMILIES).filter((family) => family !== env)];
    for (const key of theirs) {
      expect([key, key.startsWith(env) || env.startsWith(key)]).toEqual([key, false]);
    }
    expect(unknownAnnotationWarnings([`${P}agent-env-DB_PASSWORD`, `${P}agent-env-restart-on-change`])).toEqual([]);
  });
});
