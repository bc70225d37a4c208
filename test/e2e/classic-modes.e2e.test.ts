// The vault-k8s injection modes end to end: admit() on a pod, then the pod runner runs what the
// webhook injected (the real agent through the image's `vault` shim, against the Vault double).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PodRun } from '../pod-runner/pod-runner.js';
import type { VaultDouble } from '../vault-double/index.js';
import {
  API_KEY,
  DB_PASSWORD,
  P,
  READ_FILES,
  WAIT_THEN_READ_FILES,
  podWith,
  runInjectedPod,
  secretAnnotations,
  serving,
  shContainer,
  startVault,
  timeline,
  waitForOutput,
} from './injected-pod.js';

let vault: VaultDouble | undefined;
let run: PodRun | undefined;

afterEach(async () => {
  await run?.dispose();
  await vault?.close();
  run = undefined;
  vault = undefined;
});

const FILES_LINE = `db=${DB_PASSWORD} api=${API_KEY}\nfiles read\n`;

describe('injection modes (pod runner, real agent, Vault double)', () => {
  it('pre-populate-only (Job): the init container renders, the job reads its files and the pod completes', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), [`${P}agent-pre-populate-only`]: 'true' }, { containers: [shContainer('job', READ_FILES)], restartPolicy: 'Never' });
    run = await runInjectedPod(pod, vault);
    await run.completion();
    expect(timeline(run)).toEqual(['start vault-agent-init', 'exit vault-agent-init 0', 'start job', 'exit job 0']);
    expect(run.container('job')!.output()).toBe(FILES_LINE);
  });

  it('sidecar only (agent-pre-populate: false): the sidecar renders while the app waits for the files', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), [`${P}agent-pre-populate`]: 'false' }, { containers: [shContainer('app', serving(WAIT_THEN_READ_FILES))], terminationGracePeriodSeconds: 3 });
    run = await runInjectedPod(pod, vault);
    await waitForOutput(vault, run, { container: 'app', text: 'files read' });
    expect(run.container('app')!.output()).toBe(FILES_LINE);
    expect(run.spec.initContainers ?? []).toEqual([]);
    expect(run.container('vault-agent')!.running()).toBe(true);
    await run.terminate();
    expect(await run.container('app')!.exited).toBe(0);
  });

  it('agent-init-first: vault-agent-init runs before the pod\'s own init container, which reads the files', async () => {
    vault = await startVault();
    const pod = podWith(
      { ...secretAnnotations(), [`${P}agent-init-first`]: 'true', [`${P}agent-pre-populate-only`]: 'true' },
      { initContainers: [shContainer('migrate', READ_FILES)], containers: [shContainer('job', 'true')], restartPolicy: 'Never' },
    );
    run = await runInjectedPod(pod, vault);
    await run.completion();
    expect(timeline(run)).toEqual(['start vault-agent-init', 'exit vault-agent-init 0', 'start migrate', 'exit migrate 0', 'start job', 'exit job 0']);
    expect(run.container('migrate')!.output()).toBe(FILES_LINE);
  });

  it('agent-configmap: both agents run the HCL from the ConfigMap (its templates, its auto-auth)', async () => {
    vault = await startVault();
    const hcl = (init: boolean): string => `
exit_after_auth = ${init}
pid_file = "/home/vault/.pid"
auto_auth {
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = { role = "app" }
  }
  sink "file" { config = { path = "/home/vault/.vault-token" } }
}
template {
  destination = "/vault/secrets/db"
  contents = "{{ with secret \\"secret/data/app/db\\" }}{{ .Data.data.password }}{{ end }}"
}
template {
  destination = "/vault/secrets/api"
  contents = "{{ with secret \\"secret/data/app/api\\" }}{{ .Data.data.key }}{{ end }}"
}
`;
    const annotations = { [`${P}agent-inject`]: 'true', [`${P}agent-configmap`]: 'agent-config' };
    const pod = podWith(annotations, { containers: [shContainer('app', serving(READ_FILES))], terminationGracePeriodSeconds: 3 });
    run = await runInjectedPod(pod, vault, { configMaps: { 'agent-config': { 'config-init.hcl': hcl(true), 'config.hcl': hcl(false) } } });
    await waitForOutput(vault, run, { container: 'app', text: 'files read' });
    expect(run.container('app')!.output()).toBe(FILES_LINE);
    expect(timeline(run).slice(0, 3)).toEqual(['start vault-agent-init', 'exit vault-agent-init 0', 'start app']);
    await waitForOutput(vault, run, { container: 'vault-agent', text: 'all templates rendered' });
    await run.terminate();
  });

  it('agent-cache-enable: the init agent hands its token and lease to the sidecar — one login, one lease per pod', async () => {
    vault = await startVault();
    vault.enableDatabase('database');
    vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 3600, maxTtlSeconds: 7200 });
    const annotations = {
      [`${P}agent-inject`]: 'true',
      [`${P}role`]: 'app',
      [`${P}agent-cache-enable`]: 'true',
      [`${P}agent-inject-secret-creds`]: 'database/creds/app',
      [`${P}agent-inject-template-creds`]: '{{ with secret "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}',
    };
    const pod = podWith(annotations, { containers: [shContainer('app', serving('cat /vault/secrets/creds; echo; echo "files read"'))], terminationGracePeriodSeconds: 3 });
    run = await runInjectedPod(pod, vault);
    await waitForOutput(vault, run, { container: 'app', text: 'files read' });
    await waitForOutput(vault, run, { container: 'vault-agent', text: 'all templates rendered' });
    expect(vault.count('kubernetes.login')).toBe(1);
    const leases = vault.credentials().filter((credential) => credential.kind === 'database');
    expect(leases).toHaveLength(1);
    expect(run.container('app')!.output()).toContain(':');
    await run.terminate();
  });

  it('agent-inject-token: the token is also written to /vault/secrets/token for the app', async () => {
    vault = await startVault();
    const pod = podWith({ ...secretAnnotations(), [`${P}agent-inject-token`]: 'true', [`${P}agent-pre-populate-only`]: 'true' }, {
      containers: [shContainer('job', 'cat /vault/secrets/token')],
      restartPolicy: 'Never',
    });
    run = await runInjectedPod(pod, vault);
    await run.completion();
    const token = run.container('job')!.output().trim();
    expect(vault.token(token)?.path).toBe('auth/kubernetes/login');
    expect(vault.token(token)?.revoked).toBeNull();
  });

  it('revoke-on-shutdown: on deletion the sidecar\'s preStop hook revokes its token', async () => {
    vault = await startVault();
    const annotations = { ...secretAnnotations(), [`${P}agent-revoke-on-shutdown`]: 'true', [`${P}agent-revoke-grace`]: '1' };
    const pod = podWith(annotations, { containers: [shContainer('app', serving(READ_FILES))], terminationGracePeriodSeconds: 5 });
    run = await runInjectedPod(pod, vault);
    await waitForOutput(vault, run, { container: 'vault-agent', text: 'token written' });
    const token = readFileSync(join(run.volumeDir('home-sidecar'), '.vault-token'), 'utf8');
    expect(vault.token(token)?.revoked).toBeNull();
    await run.terminate();
    expect(run.events.filter((event) => event.container.startsWith('vault-agent') && event.kind === 'preStop').map((event) => event.container)).toEqual(['vault-agent']);
    expect(vault.token(token)?.revoked).not.toBeNull();
  });
});
