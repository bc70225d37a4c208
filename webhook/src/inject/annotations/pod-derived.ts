// Values the injector takes from the pod itself rather than from annotations: the IRSA token mount
// and AWS variables, and agent-copy-volume-mounts
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go: the IRSA helpers
// and copyVolumeMounts).
import type { K8sEnvVar, K8sPod, K8sVolumeMount } from '../pod.js';
import type { AwsIrsa } from '../spec.js';

const AWS_ENV_NAMES = ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_DEFAULT_REGION', 'AWS_REGION'] as const;

/** The IRSA token mount and AWS_* variables of the app containers (first occurrence wins). */
export function awsIrsa(pod: K8sPod, region: string | undefined): AwsIrsa {
  const containers = pod.spec?.containers ?? [];
  const tokenMount = containers
    .flatMap((container) => container.volumeMounts ?? [])
    .find((mount) => mount.mountPath.includes('eks.amazonaws.com'));
  const found = new Map<string, string>();
  for (const variable of containers.flatMap((container) => container.env ?? [])) {
    const isAws = (AWS_ENV_NAMES as readonly string[]).includes(variable.name);
    if (isAws && variable.value !== undefined && !found.has(variable.name)) found.set(variable.name, variable.value);
  }
  // A fixed name order keeps the patch deterministic (vault-k8s's order is random).
  const env: K8sEnvVar[] = AWS_ENV_NAMES.filter((name) => found.has(name)).map((name) => ({ name, value: found.get(name) ?? '' }));
  if (region !== undefined && region !== '') env.push({ name: 'AWS_REGION', value: region });
  return { tokenMount: tokenMount === undefined ? undefined : { name: tokenMount.name, mountPath: tokenMount.mountPath, readOnly: true }, env };
}

/** The named container's mounts, minus service-account token mounts; unknown name ⇒ none. */
export function copiedVolumeMounts(pod: K8sPod, containerName: string): K8sVolumeMount[] {
  if (containerName === '') return [];
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const source = all.find((container) => container.name === containerName);
  return (source?.volumeMounts ?? [])
    .filter((mount) => !mount.mountPath.toLowerCase().includes('serviceaccount'))
    .map((mount) => ({ ...mount }));
}
