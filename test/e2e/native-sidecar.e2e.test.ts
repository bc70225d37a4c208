// The native-sidecar extension end to end: the webhook's patch run as a Kubernetes ≥ 1.29 kubelet
// runs it (the agent is an init container with restartPolicy Always, gated by its startupProbe).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runPod, type PodRun } from '../pod-runner/pod-runner.js';
import { agentImage, agentImageWithoutReadyFile } from '../pod-runner/images.js';
import { startWebhook } from '../helpers/webhook-process.js';
import { decodePatch } from '../helpers/vault-k8s-cases.js';
import { SERVICE_ACCOUNT_JWT } from '../agent/helpers/agent-scenario.js';
import type { VaultDouble } from '../vault-double/index.js';
import { AGENT_IMAGE, API_KEY, DB_PASSWORD, P, READ_FILES, podWith, runInjectedPod, secretAnnotations, serving, shContainer, startVault, timeline, waitForOutput } from './injected-pod.js';

let vault: VaultDouble | undefined;
let run: PodRun | undefined;

afterEach(async () => {
  await run?.dispose();
  await vault?.close();
  run = undefined;
  vault = undefined;
});

const FILES_LINE = `db=${DB_PASSWORD} api=${API_KEY}\nfiles read\n`;
/** Native sidecar, probed every second (the annotation; the default is 2 s). */
const NATIVE = { [`${P}agent-native-sidecar`]: 'true', [`${P}agent-native-sidecar-probe-period`]: '1' };

describe('native sidecar (pod runner, real agent, Vault double)', () => {
  it('Deployment: the app starts only after every file exists (its first read succeeds); SIGTERM stops the agent cleanly', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), ...NATIVE }, { containers: [shContainer('app', serving(READ_FILES))], terminationGracePeriodSeconds: 10 });
    run = await runInjectedPod(pod, vault);
    expect(run.failure).toBeUndefined();
    await waitForOutput(vault, run, { container: 'app', text: 'files read' });
    // READ_FILES exits 3 when a file is missing: the output proves both existed when the app started.
    expect(run.container('app')!.output()).toBe(FILES_LINE);
    expect(timeline(run)).toEqual(['start vault-agent', 'started vault-agent', 'start app']);
    expect(run.events.filter((event) => event.kind === 'probe').at(-1)?.ok).toBe(true);
    // Only one agent ran: one login for the pod.
    expect(vault.count('kubernetes.login')).toBe(1);
    await run.terminate();
    expect(await run.container('app')!.exited).toBe(0);
    // `exec vault agent`: the agent is PID 1, handles the kubelet's SIGTERM and exits 0 (no SIGKILL).
    expect(await run.container('vault-agent')!.exited).toBe(0);
    expect(run.events.some((event) => event.kind === 'sigkill')).toBe(false);
  });

  it('Job: the pod completes — the agent is stopped after the main container exits', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), ...NATIVE }, { containers: [shContainer('job', READ_FILES)], restartPolicy: 'Never' });
    run = await runInjectedPod(pod, vault);
    await run.completion();
    expect(run.container('job')!.output()).toBe(FILES_LINE);
    expect(timeline(run)).toEqual(['start vault-agent', 'started vault-agent', 'start job', 'exit job 0', 'exit vault-agent 0']);
    const order = run.events.map((event) => `${event.kind} ${event.container}`);
    expect(order.indexOf('sigterm vault-agent')).toBeGreaterThan(order.indexOf('exit job'));
  });

  it('an image that writes no ready file (as hashicorp/vault): the default files probe still gates the app', async () => {
    vault = await startVault();
    const official = 'hashicorp/vault:1.16.1';
    const pod = podWith({ ...secretAnnotations(), ...NATIVE, [`${P}agent-image`]: official }, { containers: [shContainer('job', READ_FILES)], restartPolicy: 'Never' });
    run = await runInjectedPod(pod, vault, { images: { [official]: agentImageWithoutReadyFile() } });
    await run.completion();
    expect(run.container('job')!.output()).toBe(FILES_LINE);
    expect(timeline(run)).toEqual(['start vault-agent', 'started vault-agent', 'start job', 'exit job 0', 'exit vault-agent 0']);
    expect(readdirSync(run.volumeDir('home-sidecar'))).not.toContain('.vault-agent-ready');
  });

  it('ready-file probe: our agent creates the ready file once everything was written, and the probe waits for it', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), ...NATIVE, [`${P}agent-native-sidecar-probe`]: 'ready-file' }, {
      containers: [shContainer('job', READ_FILES)],
      restartPolicy: 'Never',
    });
    run = await runInjectedPod(pod, vault);
    await run.completion();
    expect(run.container('job')!.output()).toBe(FILES_LINE);
    expect(existsSync(join(run.volumeDir('home-sidecar'), '.vault-agent-ready'))).toBe(true);
    expect(run.container('vault-agent')!.output()).toContain('ready file created');
    expect(timeline(run)).toEqual(['start vault-agent', 'started vault-agent', 'start job', 'exit job 0', 'exit vault-agent 0']);
  });
});

describe('native sidecar through the real HTTPS webhook', () => {
  it('the patch the webhook process returns over HTTPS runs: the Job completes with its files', async () => {
    vault = await startVault();
    const webhook = await startWebhook({ args: [`-vault-address=${vault.address}`, `-vault-image=${AGENT_IMAGE}`, '-native-sidecar', '-native-sidecar-probe-period=1'] });
    try {
      const pod = podWith(secretAnnotations(), { containers: [shContainer('job', READ_FILES)], restartPolicy: 'Never' });
      const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'https-e2e', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'apps', object: pod } };
      const reply = await webhook.postReview(review);
      const patch = decodePatch((reply.json as { response: { patch?: string; uid: string; allowed: boolean } }).response);
      if (patch === undefined) throw new Error(`no patch: ${reply.body}`);
      run = await runPod({ pod, patch, namespace: 'apps', images: { [AGENT_IMAGE]: agentImage() }, serviceAccountToken: SERVICE_ACCOUNT_JWT });
      await run.completion();
      expect(run.container('job')!.output()).toBe(FILES_LINE);
      expect(timeline(run)).toEqual(['start vault-agent', 'started vault-agent', 'start job', 'exit job 0', 'exit vault-agent 0']);
    } finally {
      await webhook.stop();
    }
  });
});
