// When the injected agents share a persistent cache (agent-cache-enable): only when both an init
// container and a sidecar run, the init container filling the cache and the sidecar starting
// from it through a Memory emptyDir. The volume, the mounts and the agent config all follow this
// one rule. https://developer.hashicorp.com/vault/docs/platform/k8s/injector/annotations#vault-hashicorp-com-agent-cache-enable
import type { InjectionSpec } from './spec.js';

export const AGENT_CACHE_VOLUME = 'vault-agent-cache';
export const AGENT_CACHE_PATH = '/vault/agent-cache';

export function usesPersistentCache(spec: InjectionSpec): boolean {
  return spec.cache.enabled && spec.injectInitContainer && spec.injectSidecar;
}
