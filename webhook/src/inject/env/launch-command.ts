// The rewritten app container (docs/env-vars.md): its command becomes the launcher, which reads
// the named value files and execs the original command; `args` stay untouched. Only variable
// names reach the pod spec. With restart on change, a liveness probe runs the launcher's --probe.
import type { K8sContainer } from '../pod.js';
import type { EnvContainerSpec, EnvVarsSpec } from '../spec.js';
import { LAUNCHER_PATH, envDirectory, envStateFile } from './env-paths.js';

/** How often the kubelet asks whether the values changed since the container started. */
const PROBE_PERIOD_SECONDS = 5;

export function launcherCommand(env: EnvVarsSpec, container: EnvContainerSpec): string[] {
  const record = env.restartOnChange ? ['--record', envStateFile(container.name)] : [];
  return [LAUNCHER_PATH, ...record, envDirectory(container.name), ...container.names, '--', ...container.command];
}

export function restartProbe(container: EnvContainerSpec): NonNullable<K8sContainer['livenessProbe']> {
  return {
    exec: { command: [LAUNCHER_PATH, '--probe', envDirectory(container.name), envStateFile(container.name)] },
    periodSeconds: PROBE_PERIOD_SECONDS,
    timeoutSeconds: 3,
    // The answer is deterministic (a token differs or not): one failure is enough.
    failureThreshold: 1,
  };
}
