// Agent benchmark (issue 5), against the Vault double, each number next to a baseline measured in
// the same run:
//   1. private memory (RssAnon) of the idle sidecar with 10 templates rendered vs a bare idle node
//      process (target ≤ 2.5×), plus total RSS;
//   2. init-mode wall time, process start to exit with every file written, vs `node -e ''`
//      (target ≤ 1.5×);
//   3. CPU of the sidecar keeping 1,000 leases renewed, in % of one core (target < 5 %).
// Runs without root: config paths point at a temp directory instead of the pod paths.
// The agent runs as the image runs it: the bundle's launcher (dist/agent-bundle/main.cjs, see
// docs/agent.md "Start-up"); init mode is also timed through `vault-injector agent` (the CLI,
// which loads the same bundle) and through the compiled module tree (dist/agent/src), for
// comparison. AGENT_BENCH_PARTS=memory,init,leases (default: all) picks the parts to run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVaultDouble } from '../test/vault-double/index.js';
import type { VaultDouble } from '../test/vault-double/index.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const AGENT_LAUNCHER = fileURLToPath(new URL('../dist/agent-bundle/main.cjs', import.meta.url));
const AGENT_MODULES = new URL('../dist/agent/src/main.js', import.meta.url).href;
// Argument lists for `node` that run `agent <args>` each way.
const ENTRIES = {
  launcher: (args: readonly string[]) => [AGENT_LAUNCHER, 'agent', ...args],
  cli: (args: readonly string[]) => [CLI, 'agent', ...args],
  modules: (args: readonly string[]) => ['-e', `import(${JSON.stringify(AGENT_MODULES)}).then((m) => m.runAgentCommand(${JSON.stringify(args)})).then((code) => { process.exitCode = code; })`],
} as const;
interface BenchTemplate {
  readonly destination: string;
  readonly contents: string;
}

const PARTS = new Set((process.env.AGENT_BENCH_PARTS ?? 'memory,init,leases').split(',').map((part) => part.trim()));
const JWT = 'bench-service-account-jwt';
const TICKS_PER_SECOND = 100;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function procStatus(pid: number): { rssAnonKiB: number; rssKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssAnonKiB: field('RssAnon'), rssKiB: field('VmRSS') };
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

function agentConfig(dir: string, vault: VaultDouble, init: boolean, templates: readonly BenchTemplate[]): string {
  const file = join(dir, init ? 'init.json' : 'sidecar.json');
  writeFileSync(
    file,
    JSON.stringify({
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: join(dir, 'jwt') } },
        sink: [{ type: 'file', config: { path: join(dir, init ? 'init-token' : 'sidecar-token') } }],
      },
      exit_after_auth: init,
      pid_file: join(dir, init ? 'init.pid' : 'sidecar.pid'),
      vault: { address: vault.address },
      template: templates.map((template) => ({ ...template, left_delimiter: '{{', right_delimiter: '}}' })),
      template_config: { exit_on_retry_failure: true },
    }),
  );
  return file;
}

function startAgent(config: string, entry: keyof typeof ENTRIES = 'launcher'): ChildProcess {
  return spawn(process.execPath, ENTRIES[entry]([`-config=${config}`]), { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, VAULT_LOG_LEVEL: 'warn' } });
}

async function waitForFiles(files: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!files.every((file) => existsSync(file))) {
    if (Date.now() > deadline) throw new Error('templates were not rendered in time');
    await wait(20);
  }
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => { resolve(code ?? 1); }));
}

async function idleBaselineKiB(): Promise<{ rssAnonKiB: number; rssKiB: number }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  await wait(2000);
  const status = procStatus(child.pid ?? 0);
  child.kill();
  await exitOf(child);
  return status;
}

async function timeRun(args: readonly string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, VAULT_LOG_LEVEL: 'warn' } });
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function verdict(ok: boolean): string {
  return ok ? 'within target' : 'ABOVE TARGET';
}

async function main(): Promise<void> {
  const vault = await startVaultDouble();
  const dir = mkdtempSync(join(tmpdir(), 'agent-bench-'));
  try {
    writeFileSync(join(dir, 'jwt'), JWT);
    vault.enableAuth('kubernetes');
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: JWT, policies: ['app'] });
    vault.enableKv('secret', 2);
    vault.enableDatabase('database');
    vault.addPolicy('app', [
      { path: 'secret/data/*', capabilities: ['read'] },
      { path: 'database/creds/*', capabilities: ['read'] },
    ]);
    const templates = Array.from({ length: 10 }, (_, index) => {
      vault.writeKv(`secret/app${index}/config`, { username: `user-${index}`, password: `password-${index}`, port: 5432 + index });
      return {
        destination: join(dir, 'secrets', `app${index}`),
        contents: `{{ with secret "secret/data/app${index}/config" }}{{ range $k, $v := .Data.data }}{{ $k }}={{ $v }}\n{{ end }}{{ end }}`,
      };
    });

    if (PARTS.has('memory')) await idleMemory(vault, dir, templates);
    if (PARTS.has('init')) await initWallTime(vault, dir, templates);
    if (PARTS.has('leases')) await leaseRenewalCpu(vault, dir);
  } finally {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function idleMemory(vault: VaultDouble, dir: string, templates: readonly BenchTemplate[]): Promise<void> {
  const files = templates.map((template) => template.destination);
  const baseline = await idleBaselineKiB();
  const idleOf = async (entry: keyof typeof ENTRIES) => {
    rmSync(join(dir, 'secrets'), { recursive: true, force: true });
    const sidecar = startAgent(agentConfig(dir, vault, false, templates), entry);
    await waitForFiles(files, 20_000);
    await wait(3000);
    const status = procStatus(sidecar.pid ?? 0);
    sidecar.kill('SIGTERM');
    await exitOf(sidecar);
    return status;
  };
  const idle = await idleOf('launcher');
  const moduleTree = await idleOf('modules');
  const memoryRatio = idle.rssAnonKiB / baseline.rssAnonKiB;
  process.stdout.write(
    `idle memory, 10 templates rendered:  RssAnon ${mib(idle.rssAnonKiB)} vs bare node ${mib(baseline.rssAnonKiB)} = ${memoryRatio.toFixed(2)}× (target ≤ 2.5×: ${verdict(memoryRatio <= 2.5)})\n` +
      `                                     total RSS ${mib(idle.rssKiB)} (bare node ${mib(baseline.rssKiB)}; Vault Agent users report 13–20 MiB)\n` +
      `                                     compiled module tree: RssAnon ${mib(moduleTree.rssAnonKiB)}, total RSS ${mib(moduleTree.rssKiB)}\n`,
  );
}

/** Init-mode wall time, each entry and `node -e ''` in turn, RUNS times: medians and ratios. */
async function initWallTime(vault: VaultDouble, dir: string, templates: readonly BenchTemplate[]): Promise<void> {
  const RUNS = 9;
  const files = templates.map((template) => template.destination);
  const initConfig = agentConfig(dir, vault, true, templates);
  const nodeTimes: number[] = [];
  const times: Record<keyof typeof ENTRIES, number[]> = { launcher: [], cli: [], modules: [] };
  for (let run = 0; run < RUNS; run += 1) {
    nodeTimes.push(await timeRun(['-e', '']));
    for (const [name, entry] of Object.entries(ENTRIES) as Array<[keyof typeof ENTRIES, (args: readonly string[]) => string[]]>) {
      rmSync(join(dir, 'secrets'), { recursive: true, force: true });
      times[name].push(await timeRun(entry([`-config=${initConfig}`])));
      if (!files.every((file) => existsSync(file))) throw new Error(`init run (${name}) did not write every file`);
    }
  }
  const nodeMs = median(nodeTimes);
  const ratio = (name: keyof typeof ENTRIES) => median(times[name]) / nodeMs;
  const line = (name: keyof typeof ENTRIES) => `${median(times[name]).toFixed(0)} ms = ${ratio(name).toFixed(2)}×`;
  process.stdout.write(
    `init mode, 10 templates, start → exit: ${median(times.launcher).toFixed(0)} ms vs node -e '' ${nodeMs.toFixed(0)} ms = ${ratio('launcher').toFixed(2)}× (target ≤ 1.5×: ${verdict(ratio('launcher') <= 1.5)}) [median of ${RUNS}]\n` +
      `                                       vault-injector agent (CLI → bundle) ${line('cli')}; compiled module tree ${line('modules')}\n`,
  );
}

/** CPU for 1,000 leases kept renewed (60 s TTL, 1 h max: one renewal per lease every ≈ 42 s). */
async function leaseRenewalCpu(vault: VaultDouble, dir: string): Promise<void> {
  const leaseTemplates = Array.from({ length: 10 }, (_, block) => {
    const lines: string[] = [];
    for (let index = 0; index < 100; index += 1) {
      const role = `r${block * 100 + index}`;
      vault.addDatabaseRole('database', role, { defaultTtlSeconds: 60, maxTtlSeconds: 3600 });
      lines.push(`{{ with secret "database/creds/${role}" }}{{ .Data.username }}{{ end }}`);
    }
    return { destination: join(dir, 'leases', `block${block}`), contents: lines.join('\n') };
  });
  const leaseAgent = startAgent(agentConfig(dir, vault, false, leaseTemplates));
  await waitForFiles(leaseTemplates.map((template) => template.destination), 60_000);
  await wait(5000);
  const renewalsBefore = vault.count('sys.leases.renew');
  const ticksBefore = cpuTicks(leaseAgent.pid ?? 0);
  const windowStart = Date.now();
  await wait(60_000);
  const ticks = cpuTicks(leaseAgent.pid ?? 0) - ticksBefore;
  const seconds = (Date.now() - windowStart) / 1000;
  const renewals = vault.count('sys.leases.renew') - renewalsBefore;
  const leases = vault.leases().filter((lease) => lease.revoked === null && lease.path.startsWith('database/')).length;
  const idleRss = procStatus(leaseAgent.pid ?? 0);
  leaseAgent.kill('SIGTERM');
  await exitOf(leaseAgent);
  const cpuPercent = (ticks / TICKS_PER_SECOND / seconds) * 100;
  process.stdout.write(
    `1,000 leases kept renewed: ${cpuPercent.toFixed(2)} % of one core over ${seconds.toFixed(0)} s (${renewals} renewals, ${leases} live leases; RssAnon ${mib(idleRss.rssAnonKiB)}) (target < 5 %: ${verdict(cpuPercent < 5)})\n`,
  );
}

await main();
