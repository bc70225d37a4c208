// The pod runner: runs an admitted pod (the original pod + the webhook's JSON patch) the way the
// kubelet runs it, so a test exercises exactly what the webhook injected:
// - init containers in order, each must exit 0 before the next; an init container with
//   restartPolicy Always (a native sidecar, Kubernetes ≥ 1.29) is started and its startupProbe
//   polled (initialDelay/period/timeout/failureThreshold as written) before the next one;
// - then every container of spec.containers, started in order without waiting;
// - completion (restartPolicy Never/OnFailure): once every regular container has exited, native
//   sidecars are stopped in reverse order (preStop hook, then SIGTERM);
// - deletion (terminate): preStop hooks of the regular containers, SIGTERM, then native sidecars
//   as above; SIGKILL after terminationGracePeriodSeconds.
// https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
// https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
// Volumes are host directories (emptyDir: world-writable, Memory medium on /dev/shm), mounted in
// each container's own mount namespace at the real paths (container-process.ts).
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { ContainerMount, ContainerProcess } from './container-process.js';
import { startContainer } from './container-process.js';
import type { ImageModel } from './images.js';
import { APP_IMAGE } from './images.js';
import type { Container, EnvVar, Pod, Probe, Volume } from './pod-types.js';

export interface PodRunnerOptions {
  /** The pod as the API server sent it to the webhook. */
  readonly pod: Pod;
  /** The webhook's JSONPatch (decoded). */
  readonly patch: readonly Operation[];
  readonly namespace: string;
  /** Image models by image reference; unknown images run as APP_IMAGE. */
  readonly images: Readonly<Record<string, ImageModel>>;
  /** The projected service-account token (every serviceAccountToken projection gets it). */
  readonly serviceAccountToken: string;
  readonly configMaps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface EventInput {
  readonly kind: 'start' | 'started' | 'exit' | 'preStop' | 'sigterm' | 'sigkill' | 'probe';
  readonly container: string;
  /** exit: the exit code. */
  readonly code?: number;
  /** probe: whether it succeeded. */
  readonly ok?: boolean;
}

/** What happened, in order, with milliseconds since the pod started. */
export type PodEvent = EventInput & { readonly atMs: number };

export interface PodRun {
  /** The pod after the patch (what the API server stored). */
  readonly spec: Pod['spec'];
  readonly events: PodEvent[];
  /** "Running" once the regular containers were started; "Failed" when an init container failed. */
  readonly phase: 'Running' | 'Failed';
  readonly failure: string | undefined;
  container(name: string): ContainerProcess | undefined;
  /** Host directory behind a pod volume. */
  volumeDir(name: string): string;
  /** Resolves when every regular container has exited and native sidecars were stopped (restartPolicy Never/OnFailure). */
  completion(): Promise<void>;
  /** Pod deletion: preStop hooks, SIGTERM, native sidecars last. */
  terminate(): Promise<void>;
  /** Everything every container printed, labelled. */
  output(): string;
  /** Kills whatever still runs and removes the volumes. */
  dispose(): Promise<void>;
}

const FIELD_VALUES = (pod: Pod, namespace: string): Record<string, string> => ({
  'metadata.namespace': namespace,
  'metadata.name': pod.metadata?.name ?? `${pod.metadata?.generateName ?? 'pod-'}x7k2p`,
  'status.podIP': '10.0.0.7',
  'status.hostIP': '10.0.0.1',
  'spec.serviceAccountName': pod.spec.serviceAccountName ?? 'default',
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runPod(options: PodRunnerOptions): Promise<PodRun> {
  const patched = fastJsonPatch.applyPatch(structuredClone(options.pod), options.patch as Operation[], true, false).newDocument;
  const spec = patched.spec;
  const root = mkdtempSync(join(tmpdir(), 'pod-runner-'));
  chmodSync(root, 0o755);
  const volumeDirs = new Map<string, string>();
  const cleanups: string[] = [root];
  for (const volume of spec.volumes ?? []) volumeDirs.set(volume.name, makeVolume(volume, root, options, cleanups));

  const started = Date.now();
  const events: PodEvent[] = [];
  const note = (event: EventInput): void => {
    events.push({ ...event, atMs: Date.now() - started });
  };
  const processes = new Map<string, ContainerProcess>();
  const fields = FIELD_VALUES(patched, options.namespace);

  const launch = (container: Container): ContainerProcess => {
    const image = options.images[container.image ?? ''] ?? APP_IMAGE;
    const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', HOSTNAME: fields['metadata.name'] ?? 'pod', ...image.env };
    for (const variable of container.env ?? []) env[variable.name] = envValue(variable, fields);
    const argv = [...(container.command ?? []), ...(container.args ?? [])];
    if (argv.length === 0) throw new Error(`pod runner: container ${container.name} has no command (images have no entrypoint here)`);
    const mounts: ContainerMount[] = (container.volumeMounts ?? []).map((mount) => {
      const hostDir = volumeDirs.get(mount.name);
      if (hostDir === undefined) throw new Error(`pod runner: container ${container.name} mounts unknown volume ${mount.name}`);
      return { hostDir, mountPath: mount.mountPath, readOnly: mount.readOnly === true };
    });
    const context = container.securityContext ?? {};
    const process = startContainer({
      name: container.name,
      argv,
      env,
      mounts,
      image,
      uid: context.runAsUser ?? spec.securityContext?.runAsUser ?? image.uid,
      gid: context.runAsGroup ?? spec.securityContext?.runAsGroup ?? image.gid,
    });
    processes.set(container.name, process);
    note({ kind: 'start', container: container.name });
    void process.exited.then((code) => { note({ kind: 'exit', container: container.name, code }); });
    return process;
  };

  const nativeSidecars: Container[] = [];
  let failure: string | undefined;
  for (const container of spec.initContainers ?? []) {
    const process = launch(container);
    if (container.restartPolicy === 'Always') {
      nativeSidecars.push(container);
      const probeFailure = await waitStarted(container, process, note);
      if (probeFailure !== undefined) {
        failure = probeFailure;
        break;
      }
      continue;
    }
    const code = await process.exited;
    if (code !== 0) {
      failure = `init container ${container.name} exited ${code}`;
      break;
    }
  }
  const regular: ContainerProcess[] = [];
  if (failure === undefined) for (const container of spec.containers) regular.push(launch(container));

  const grace = (spec.terminationGracePeriodSeconds ?? 30) * 1000;
  const stopContainer = async (container: Container): Promise<void> => {
    const process = processes.get(container.name);
    if (process === undefined || !process.running()) return;
    const preStop = container.lifecycle?.preStop?.exec?.command;
    const deadline = Date.now() + grace;
    if (preStop !== undefined) {
      note({ kind: 'preStop', container: container.name });
      const hook = await process.exec(preStop, grace);
      if (hook.code !== 0) note({ kind: 'preStop', container: `${container.name} (hook exit ${hook.code}: ${hook.output.trim()})` });
    }
    note({ kind: 'sigterm', container: container.name });
    process.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const deadlinePassed = new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(true); }, Math.max(deadline - Date.now(), 1000)); });
    const killed = await Promise.race([process.exited.then(() => false), deadlinePassed]);
    clearTimeout(timer);
    if (killed) {
      note({ kind: 'sigkill', container: container.name });
      process.signal('SIGKILL');
      await process.exited;
    }
  };
  const stopNativeSidecars = async (): Promise<void> => {
    for (const container of [...nativeSidecars].reverse()) await stopContainer(container);
  };

  return {
    spec,
    events,
    phase: failure === undefined ? 'Running' : 'Failed',
    failure,
    container: (name) => processes.get(name),
    volumeDir: (name) => {
      const dir = volumeDirs.get(name);
      if (dir === undefined) throw new Error(`no volume ${name}`);
      return dir;
    },
    async completion() {
      await Promise.all(regular.map((process) => process.exited));
      await stopNativeSidecars();
    },
    async terminate() {
      await Promise.all(spec.containers.map(stopContainer));
      await stopNativeSidecars();
    },
    output: () => [...processes.values()].map((process) => `----- ${process.name}\n${process.output()}`).join('\n'),
    async dispose() {
      for (const process of processes.values()) process.signal('SIGKILL');
      await Promise.all([...processes.values()].map((process) => process.exited));
      for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** kubelet: started once the startupProbe succeeds (no probe: once running). */
async function waitStarted(container: Container, process: ContainerProcess, note: (event: EventInput) => void): Promise<string | undefined> {
  const probe: Probe | undefined = container.startupProbe;
  if (probe?.exec === undefined) {
    note({ kind: 'started', container: container.name });
    return undefined;
  }
  const period = (probe.periodSeconds ?? 10) * 1000;
  const threshold = probe.failureThreshold ?? 3;
  await sleep((probe.initialDelaySeconds ?? 0) * 1000);
  for (let attempt = 1; attempt <= threshold; attempt += 1) {
    if (!process.running()) return `native sidecar ${container.name} exited ${await process.exited} before its startupProbe succeeded`;
    const result = await process.exec(probe.exec.command, (probe.timeoutSeconds ?? 1) * 1000);
    note({ kind: 'probe', container: container.name, ok: result.code === 0 });
    if (result.code === 0) {
      note({ kind: 'started', container: container.name });
      return undefined;
    }
    await sleep(period);
  }
  return `native sidecar ${container.name}: startupProbe failed ${threshold} times`;
}

function envValue(variable: EnvVar, fields: Readonly<Record<string, string>>): string {
  if (variable.value !== undefined) return variable.value;
  const path = variable.valueFrom?.fieldRef?.fieldPath;
  if (path !== undefined) {
    const value = fields[path];
    if (value === undefined) throw new Error(`pod runner: unsupported fieldRef ${path}`);
    return value;
  }
  return '';
}

function makeVolume(volume: Volume, root: string, options: PodRunnerOptions, cleanups: string[]): string {
  if (volume.emptyDir !== undefined) {
    // The kubelet creates emptyDirs world-writable; medium Memory is a tmpfs.
    const dir = volume.emptyDir.medium === 'Memory' && existsSync('/dev/shm') ? mkdtempSync('/dev/shm/pod-runner-') : join(root, `volume-${volume.name}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    if (dir.startsWith('/dev/shm/')) cleanups.push(dir);
    return dir;
  }
  const dir = join(root, `volume-${volume.name}`);
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const files: Record<string, string> = {};
  if (volume.secret !== undefined) Object.assign(files, options.secrets?.[volume.secret.secretName] ?? {});
  else if (volume.configMap !== undefined) Object.assign(files, options.configMaps?.[volume.configMap.name] ?? {});
  else if (volume.projected !== undefined) {
    for (const source of volume.projected.sources) {
      if ('serviceAccountToken' in source) files[(source['serviceAccountToken'] as { path?: string }).path ?? 'token'] = options.serviceAccountToken;
      if ('configMap' in source) files['ca.crt'] = 'test-ca';
      if ('downwardAPI' in source) files['namespace'] = options.namespace;
    }
  } else throw new Error(`pod runner: unsupported volume ${JSON.stringify(volume)}`);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content, { mode: 0o644 });
    chownSync(join(dir, name), 0, 0);
  }
  return dir;
}
