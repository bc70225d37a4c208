// The startupProbe of a native-sidecar agent (vault-injector extension). Kubernetes starts the
// pod's next init container, then the app, only once this probe succeeds
// (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/), so it must mean
// "every file the app expects exists". Two ways to tell, chosen by annotation or flag:
// - files (default): an exec probe `test -e` on every template destination and the token sink.
//   Needs nothing from the agent, so it works with the official hashicorp/vault image as well as
//   ours (both ship /bin/sh and test). Both agents write files by rename, so existing = complete.
// - ready-file: `test -e` on the ready file this project's agent creates, atomically, once every
//   template and token sink has been written (`ready_file` in the agent config). Needs our agent
//   image; the only choice with agent-configmap, where the webhook does not know the destinations.
// Timings default to a slow Vault: a check every 2 s for up to 15 minutes (450 × 2 s), 5 s per check.
import type { K8sContainer } from './pod.js';

export const PROBE_KINDS = ['files', 'ready-file'] as const;
export type NativeSidecarProbeKind = (typeof PROBE_KINDS)[number];

export interface NativeSidecarProbe {
  readonly kind: NativeSidecarProbeKind;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export const NATIVE_SIDECAR_PROBE_DEFAULTS: NativeSidecarProbe = { kind: 'files', periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 450 };

export function parseProbeKind(value: string): NativeSidecarProbeKind | undefined {
  return (PROBE_KINDS as readonly string[]).includes(value) ? (value as NativeSidecarProbeKind) : undefined;
}

/** A whole number of seconds/attempts between 1 and 86400 (corev1 wants int32 ≥ 1). */
export function parseProbeCount(value: string): number | undefined {
  if (!/^[1-9][0-9]{0,4}$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed <= 86_400 ? parsed : undefined;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The probe for files that must exist before the pod's next containers start. */
export function nativeSidecarStartupProbe(probe: NativeSidecarProbe, paths: readonly string[]): NonNullable<K8sContainer['startupProbe']> {
  const check = paths.map((path) => `test -e ${shellQuote(path)}`).join(' && ');
  return {
    exec: { command: ['/bin/sh', '-c', check] },
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
  };
}
