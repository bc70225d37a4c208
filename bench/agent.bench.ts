// Agent benchmark (issue 5), against the Vault double, each number next to a baseline measured in
// the same run:
//   1. private memory (RssAnon) of the idle sidecar with 10 templates rendered vs a bare idle node
//      process (target ≤ 2.5×), plus total RSS;
//   2. init-mode wall time, process start to exit with every file written, vs `node -e ''`
//      (target ≤ 1.5×);
//   3. CPU of the sidecar keeping 1,000 leases renewed, in % of one core (target < 5 %).
// Runs without root: config paths point at a temp directory instead of the pod paths.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVaultDouble } from '../test/vault-double/index.js';
import type { VaultDouble } from '../test/vault-double/index.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
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

function agentConfig(dir: string, vault: VaultDouble, init: boolean, templates: Array<{ destination: string; contents: string }>): string {
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

function startAgent(config: string): ChildProcess {
  return spawn(process.execPath, [CLI, 'agent', `-config=${config}`], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, VAULT_LOG_LEVEL: 'warn' } });
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
    const files = templates.map((template) => template.destination);

    // 1. Idle memory.
    const baseline = await idleBaselineKiB();
    const sidecar = startAgent(agentConfig(dir, vault, false, templates));
    await waitForFiles(files, 20_000);
    await wait(3000);
    const idle = procStatus(sidecar.pid ?? 0);
    sidecar.kill('SIGTERM');
    await exitOf(sidecar);
    const memoryRatio = idle.rssAnonKiB / baseline.rssAnonKiB;
    process.stdout.write(
      `idle memory, 10 templates rendered:  RssAnon ${mib(idle.rssAnonKiB)} vs bare node ${mib(baseline.rssAnonKiB)} = ${memoryRatio.toFixed(2)}× (target ≤ 2.5×: ${verdict(memoryRatio <= 2.5)})\n` +
        `                                     total RSS ${mib(idle.rssKiB)} (bare node ${mib(baseline.rssKiB)}; Vault Agent users report 13–20 MiB)\n`,
    );

    // 2. Init-mode wall time.
    const initConfig = agentConfig(dir, vault, true, templates);
    const nodeTimes: number[] = [];
    const initTimes: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      rmSync(join(dir, 'secrets'), { recursive: true, force: true });
      nodeTimes.push(await timeRun(['-e', '']));
      initTimes.push(await timeRun([CLI, 'agent', `-config=${initConfig}`]));
      if (!files.every((file) => existsSync(file))) throw new Error('init run did not write every file');
    }
    const wallRatio = median(initTimes) / median(nodeTimes);
    process.stdout.write(
      `init mode, 10 templates, start → exit: ${median(initTimes).toFixed(0)} ms vs node -e '' ${median(nodeTimes).toFixed(0)} ms = ${wallRatio.toFixed(2)}× (target ≤ 1.5×: ${verdict(wallRatio <= 1.5)}) [median of 7]\n`,
    );

    // 3. CPU for 1,000 leases kept renewed (60 s TTL, 1 h max: one renewal per lease every ≈ 42 s).
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
  } finally {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
