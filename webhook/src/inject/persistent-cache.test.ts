// The one persistent-cache rule decides the volume, the agent mounts and both agent configs together.
import { parseSettings } from '../settings/parse-settings.js';
import { renderAgentConfig } from './agent-config/render-agent-config.js';
import { parseInjectionSpec } from './annotations/parse-annotations.js';
import { agentMounts, volumeGroups } from './build/volumes.js';
import { AGENT_CACHE_PATH, AGENT_CACHE_VOLUME, usesPersistentCache } from './persistent-cache.js';
import type { InjectionSpec } from './spec.js';

function specFor(annotations: Record<string, string>): InjectionSpec {
  const settings = parseSettings(['-vault-address=https://vault:8200'], {});
  if (settings.kind !== 'settings') throw new Error('bad settings');
  const pod = {
    metadata: { name: 'p', annotations: { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'r', ...annotations } },
    spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }], volumes: [{ name: 'sa' }] },
  };
  const { spec, issues } = parseInjectionSpec(pod, 'ns', settings.settings);
  expect(issues).toEqual([]);
  return spec;
}

describe('usesPersistentCache', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['cache with init and sidecar', { 'vault.hashicorp.com/agent-cache-enable': 'true' }, true],
    ['no cache', {}, false],
    ['cache without init container', { 'vault.hashicorp.com/agent-cache-enable': 'true', 'vault.hashicorp.com/agent-pre-populate': 'false' }, false],
    ['cache without sidecar', { 'vault.hashicorp.com/agent-cache-enable': 'true', 'vault.hashicorp.com/agent-pre-populate-only': 'true' }, false],
  ])('%s → %s, and the volume, mounts and configs agree', (_name, annotations, expected) => {
    const spec = specFor(annotations);
    expect(usesPersistentCache(spec)).toBe(expected);
    expect(volumeGroups(spec).flat().some((volume) => volume.name === AGENT_CACHE_VOLUME)).toBe(expected);
    for (const role of ['init', 'sidecar'] as const) {
      if (role === 'init' ? !spec.injectInitContainer : !spec.injectSidecar) continue;
      expect(agentMounts(spec, role).some((mount) => mount.mountPath === AGENT_CACHE_PATH)).toBe(expected);
      expect(renderAgentConfig(spec, role).cache?.persist?.path).toBe(expected ? AGENT_CACHE_PATH : undefined);
    }
  });
});
