// Mode: the default injection (vault-agent-init + vault-agent sidecar), run as the kubelet runs it.
import type { PodRun } from '../pod-runner/pod-runner.js';
import type { VaultDouble } from '../vault-double/index.js';
import { API_KEY, DB_PASSWORD, READ_FILES, podWith, runInjectedPod, secretAnnotations, shContainer, startVault, timeline } from './injected-pod.js';

let vault: VaultDouble | undefined;
let run: PodRun | undefined;

afterEach(async () => {
  await run?.dispose();
  await vault?.close();
  run = undefined;
  vault = undefined;
});

describe('mode: init + sidecar', () => {
  it('the app reads both files at start; the sidecar keeps running until the pod is deleted', async () => {
    vault = await startVault();
    const app = shContainer('app', `trap 'exit 0' TERM; ${READ_FILES}; sleep 60 & wait`);
    run = await runInjectedPod(podWith(secretAnnotations(), { containers: [app], terminationGracePeriodSeconds: 3 }), vault);
    expect(run.failure).toBeUndefined();
    await vault.waitFor(() => run!.container('app')!.output().includes('files read'), 10_000, 'the app reading its files');
    expect(run.container('app')!.output()).toBe(`db=${DB_PASSWORD} api=${API_KEY}\nfiles read\n`);
    expect(run.container('vault-agent')!.running()).toBe(true);
    await run.terminate();
    expect(timeline(run)).toEqual([
      'start vault-agent-init',
      'exit vault-agent-init 0',
      'start app',
      'start vault-agent',
      expect.stringMatching(/^exit (app|vault-agent) /),
      expect.stringMatching(/^exit (app|vault-agent) /),
    ]);
    expect(await run.container('app')!.exited).toBe(0);
    // The classic sidecar's command is vault-k8s's `/bin/sh -ec '… && vault agent …'`: with a shell
    // that does not exec the last command (dash, in this project's Debian-based image) the shell is
    // PID 1, ignores SIGTERM, and the agent is SIGKILLed at the grace deadline (3 s here).
    expect(run.events.some((event) => event.kind === 'sigkill' && event.container === 'vault-agent')).toBe(true);
    expect(await run.container('vault-agent')!.exited).toBe(137);
  });
});
