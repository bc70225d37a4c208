// End-to-end set-up shared by the per-mode tests: a Vault double with kubernetes auth and a KV
// secret, the webhook's admit() on a pod (or its HTTPS endpoint), and the pod runner running what
// the webhook injected with this project's agent image.
import type { Operation } from 'fast-json-patch';
import { admit } from '../../webhook/src/inject/admit.js';
import type { AdmissionRequest, AdmissionResponse } from '../../webhook/src/inject/admission-review.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import { startVaultDouble, type VaultDouble } from '../vault-double/index.js';
import { SERVICE_ACCOUNT_JWT } from '../agent/helpers/agent-scenario.js';
import { decodePatch } from '../helpers/vault-k8s-cases.js';
import { runPod, type PodRun, type PodRunnerOptions } from '../pod-runner/pod-runner.js';
import { agentImage, type ImageModel } from '../pod-runner/images.js';
import type { Container, Pod } from '../pod-runner/pod-types.js';

export const AGENT_IMAGE = 'vault-injector/agent:e2e';
export const P = 'vault.hashicorp.com/';
export const SA_MOUNT = { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true } as const;
export const DB_PASSWORD = 'pa55-e2e-db';
export const API_KEY = 'key-e2e-api';

export async function startVault(): Promise<VaultDouble> {
  const vault = await startVaultDouble();
  vault.enableAuth('kubernetes', 'kubernetes');
  vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: SERVICE_ACCOUNT_JWT, policies: ['app'] });
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app/db', { username: 'app', password: DB_PASSWORD });
  vault.writeKv('secret/app/api', { key: API_KEY });
  return vault;
}

/** Two files: /vault/secrets/db (the password) and /vault/secrets/api (the key). */
export function secretAnnotations(): Record<string, string> {
  return {
    [`${P}agent-inject`]: 'true',
    [`${P}role`]: 'app',
    [`${P}agent-inject-secret-db`]: 'secret/data/app/db',
    [`${P}agent-inject-template-db`]: '{{ with secret "secret/data/app/db" }}{{ .Data.data.password }}{{ end }}',
    [`${P}agent-inject-secret-api`]: 'secret/data/app/api',
    [`${P}agent-inject-template-api`]: '{{ with secret "secret/data/app/api" }}{{ .Data.data.key }}{{ end }}',
  };
}

/** Fails (exit 3) unless both files exist; prints them on one line, then "files read". */
export const READ_FILES = 'test -e /vault/secrets/db && test -e /vault/secrets/api || exit 3; echo "db=$(cat /vault/secrets/db) api=$(cat /vault/secrets/api)"; echo "files read"';

/** A container running `script` with sh, with the service-account token mounted. */
export function shContainer(name: string, script: string): Container {
  return { name, image: 'app:1', command: ['/bin/sh', '-ec', script], volumeMounts: [SA_MOUNT] };
}

export function podWith(annotations: Record<string, string>, spec: Partial<Pod['spec']> & Pick<Pod['spec'], 'containers'>): Pod {
  return {
    metadata: { generateName: 'app-', namespace: 'apps', annotations },
    spec: {
      serviceAccountName: 'app',
      volumes: [{ name: SA_MOUNT.name, projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }],
      ...spec,
    },
  };
}

/** admit() in-process with the injector's flags; throws unless the pod was injected. */
export function admitPod(pod: Pod, vault: VaultDouble, flags: readonly string[] = []): { patch: Operation[]; response: AdmissionResponse } {
  const parsed = parseSettings([`-vault-address=${vault.address}`, `-vault-image=${AGENT_IMAGE}`, ...flags], {});
  if (parsed.kind !== 'settings') throw new Error(`settings: ${JSON.stringify(parsed)}`);
  const request = { uid: 'e2e', namespace: pod.metadata?.namespace ?? 'apps', object: pod } as unknown as AdmissionRequest;
  const outcome = admit(request, parsed.settings);
  const patch = decodePatch(outcome.response);
  if (outcome.decision !== 'injected' || patch === undefined) throw new Error(`not injected: ${JSON.stringify(outcome.response)}`);
  return { patch, response: outcome.response };
}

export interface InjectedPodOptions {
  readonly flags?: readonly string[];
  readonly images?: Readonly<Record<string, ImageModel>>;
  readonly configMaps?: PodRunnerOptions['configMaps'];
}

/** admit() + the pod runner with this project's agent image. */
export async function runInjectedPod(pod: Pod, vault: VaultDouble, options: InjectedPodOptions = {}): Promise<PodRun> {
  const { patch } = admitPod(pod, vault, options.flags);
  return runPod({
    pod,
    patch,
    namespace: pod.metadata?.namespace ?? 'apps',
    images: { [AGENT_IMAGE]: agentImage(), ...options.images },
    serviceAccountToken: SERVICE_ACCOUNT_JWT,
    ...(options.configMaps === undefined ? {} : { configMaps: options.configMaps }),
  });
}

/** The order containers started and exited, e.g. ['start vault-agent-init', 'exit vault-agent-init 0', …]. */
export function timeline(run: PodRun): string[] {
  return run.events
    .filter((event) => event.kind === 'start' || event.kind === 'exit' || event.kind === 'started')
    .map((event) => `${event.kind} ${event.container}${event.code === undefined ? '' : ` ${event.code}`}`);
}

/** What a container should print, and how long to wait for it. */
export interface OutputWait {
  readonly container: string;
  readonly text: string;
  readonly timeoutMs?: number;
}

/** Waits (bounded) until a container printed `text`. */
export async function waitForOutput(vault: VaultDouble, run: PodRun, { container, text, timeoutMs = 20_000 }: OutputWait): Promise<void> {
  await vault.waitFor(() => run.container(container)?.output().includes(text) === true, timeoutMs, `${container} printing ${JSON.stringify(text)}\n${run.output()}`);
}

/** An app that waits for its files (a sidecar-only pod has no init container to wait for). */
export const WAIT_THEN_READ_FILES = `while ! test -e /vault/secrets/db || ! test -e /vault/secrets/api; do sleep 0.2; done; ${READ_FILES}`;

/** Runs until SIGTERM, then exits 0 (an app that handles SIGTERM as PID 1). */
export function serving(script: string): string {
  return `trap 'exit 0' TERM; ${script}; sleep 600 & wait`;
}
