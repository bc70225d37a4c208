// fast-check generators for realistic pods and vault.hashicorp.com annotation sets.
import fc from 'fast-check';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { Settings } from '../../webhook/src/settings/settings.js';

export const SA_VOLUME = 'kube-api-access-x7k2p';
export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const secretName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,12}$/);

function settingsFrom(args: string[]): Settings {
  const parsed = parseSettings(args, {});
  if (parsed.kind !== 'settings') throw new Error(`bad settings ${JSON.stringify(parsed)}`);
  return parsed.settings;
}

export const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    setSecurityContext: fc.boolean(),
    revoke: fc.boolean(),
    template: fc.constantFrom('map', 'json'),
  })
  .map(({ setSecurityContext, revoke, template }) =>
    settingsFrom([
      '-vault-address=https://vault.vault.svc:8200',
      `-set-security-context=${setSecurityContext}`,
      `-revoke-on-shutdown=${revoke}`,
      `-default-template=${template}`,
    ]),
  );

const volumeMount = (name: string, mountPath: string): Record<string, unknown> => ({ name, mountPath });

/** A pod as the API server sends it: an SA token volume mounted in every app container. */
export const podArb = fc
  .record({
    containers: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 4 }),
    initContainers: fc.uniqueArray(dnsLabel.map((name) => `init-${name}`), { maxLength: 2 }),
    dataVolume: fc.boolean(),
    runAsUser: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  })
  .map(({ containers, initContainers, dataVolume, runAsUser }) => {
    const volumes: Record<string, unknown>[] = [
      { name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } },
    ];
    if (dataVolume) volumes.push({ name: 'data', emptyDir: {} });
    const app = containers.map((name, i) => {
      const mounts = [{ ...volumeMount(SA_VOLUME, SA_MOUNT_PATH), readOnly: true }];
      if (dataVolume && i === 0) mounts.push({ ...volumeMount('data', '/data'), readOnly: false });
      const container: Record<string, unknown> = { name, image: 'app:1', volumeMounts: mounts };
      if (i === 0 && runAsUser !== undefined) container['securityContext'] = { runAsUser };
      return container;
    });
    const init = initContainers.map((name) => ({ name, image: 'init:1' }));
    const spec: Record<string, unknown> = { containers: app, volumes, serviceAccountName: 'app' };
    if (init.length > 0) spec['initContainers'] = init;
    return { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'app-', namespace: 'apps' }, spec };
  });

const P = 'vault.hashicorp.com/';

/** A valid annotation set that opts the pod in. */
export const annotationsArb = fc
  .record({
    secrets: fc.uniqueArray(secretName, { maxLength: 5, selector: (name) => name.toLowerCase() }),
    templated: fc.boolean(),
    customPath: fc.boolean(),
    file: fc.boolean(),
    prePopulate: fc.constantFrom(undefined, 'true', 'false'),
    prePopulateOnly: fc.constantFrom(undefined, 'true', 'false', '1'),
    initFirst: fc.constantFrom(undefined, 'true', 'f'),
    cache: fc.constantFrom(undefined, 'true'),
    quit: fc.constantFrom(undefined, 'true'),
    extraSecret: fc.boolean(),
    tlsSecret: fc.boolean(),
    configMap: fc.boolean(),
    cpuLimit: fc.constantFrom(undefined, '', '1', '0.5', '1500m', '2Gi'),
    memRequest: fc.constantFrom(undefined, '', '1024Mi', '100M', '1.5Gi'),
    runAsUser: fc.constantFrom(undefined, '1001', '0'),
    shareProcessNamespace: fc.constantFrom(undefined, 'true', 'false'),
    envPatch: fc.boolean(),
    injectToken: fc.boolean(),
    nativeSidecar: fc.constantFrom(undefined, 'true', 'false'),
  })
  .map((choice) => {
    const annotations: Record<string, string> = { [`${P}agent-inject`]: 'true', [`${P}role`]: 'app' };
    const set = (key: string, value: string | undefined): void => {
      if (value !== undefined) annotations[`${P}${key}`] = value;
    };
    choice.secrets.forEach((name, i) => {
      set(`agent-inject-secret-${name}`, `secret/data/app/${name}`);
      if (choice.templated) set(`agent-inject-template-${name}`, `{{- with secret "secret/data/app/${name}" -}}{{ .Data.data.v }}{{- end }}`);
      if (choice.customPath && i % 2 === 1) set(`secret-volume-path-${name}`, `/etc/custom-${i % 3}`);
      if (choice.file && i === 0) set(`agent-inject-file-${name}`, `nested/${name}.txt`);
    });
    set('agent-pre-populate', choice.prePopulate);
    set('agent-pre-populate-only', choice.prePopulateOnly);
    set('agent-init-first', choice.initFirst);
    set('agent-cache-enable', choice.cache);
    set('agent-enable-quit', choice.quit);
    if (choice.extraSecret) set('agent-extra-secret', 'extra');
    if (choice.tlsSecret) set('tls-secret', 'vault-tls');
    if (choice.configMap) set('agent-configmap', 'agent-config');
    set('agent-limits-cpu', choice.cpuLimit);
    set('agent-requests-mem', choice.memRequest);
    set('agent-run-as-user', choice.runAsUser);
    set('agent-share-process-namespace', choice.shareProcessNamespace);
    if (choice.envPatch) set('agent-json-patch', '[{"op":"add","path":"/env/-","value":{"name":"EXTRA","value":"1"}}]');
    if (choice.injectToken) set('agent-inject-token', 'true');
    set('agent-native-sidecar', choice.nativeSidecar);
    return annotations;
  });

export function withAnnotations(pod: Record<string, unknown>, annotations: Record<string, string>): Record<string, unknown> {
  const metadata = { ...(pod['metadata'] as Record<string, unknown>), annotations };
  return { ...pod, metadata };
}
