// `npm run bench`: the built webhook's /mutate against a no-op fastify HTTPS handler that returns a
// fixed allowed AdmissionReview, on the same AdmissionReview bytes (a 3-container pod with 10
// secrets) and the same autocannon client, each server in its own process. Prints req/s, p50, p99
// and the ratios (targets: throughput ≥ 0.85× no-op, p99 ≤ 2× no-op), then in-process admit()
// calls per second for a 1-container and a 20-container pod, and the sizing figures of the webhook
// process (/proc: idle RSS, peak RSS under load, CPU per request and cores used) that
// docs/operations.md's requests/limits come from.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWebhook, writeTestCertificates, REPO_ROOT } from '../test/helpers/webhook-process.js';
import { admit } from '../webhook/src/inject/admit.js';
import { parseSettings } from '../webhook/src/settings/parse-settings.js';
import type { AdmissionRequest } from '../webhook/src/inject/admission-review.js';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = 16;

function pod(containers: number, secrets: number): unknown {
  const annotations: Record<string, string> = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'bench' };
  for (let index = 0; index < secrets; index += 1) {
    annotations[`vault.hashicorp.com/agent-inject-secret-s${index}`] = `secret/data/bench/s${index}`;
    annotations[`vault.hashicorp.com/agent-inject-template-s${index}`] = `{{ with secret "secret/data/bench/s${index}" }}{{ .Data.data.value }}{{ end }}`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'bench-', namespace: 'bench', annotations },
    spec: {
      containers: Array.from({ length: containers }, (_, index) => ({
        name: `c${index}`,
        image: 'registry.example/app:1',
        env: [{ name: 'MODE', value: 'bench' }],
        volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      })),
      volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
  };
}

function request(containers: number, secrets: number): AdmissionRequest {
  return { uid: 'bench-uid', namespace: 'bench', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, object: pod(containers, secrets) };
}

const REVIEW = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: request(3, 10) });

const NOOP_SERVER = `
import { fastify } from 'fastify';
import { readFileSync } from 'node:fs';
const [certFile, keyFile] = process.argv.slice(2);
const reply = JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response: { uid: 'bench-uid', allowed: true } });
const app = fastify({ https: { cert: readFileSync(certFile), key: readFileSync(keyFile) }, bodyLimit: 10 * 1024 * 1024 });
app.post('/mutate', async (_request, res) => res.header('content-type', 'application/json').send(reply));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('PORT ' + app.server.address().port + '\\n');
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
`;

interface Measured {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function load(label: string, port: number): Promise<Measured> {
  const options = {
    url: `https://127.0.0.1:${port}/mutate`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: REVIEW,
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: DURATION_S });
  return { label, requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function startNoop(certFile: string, keyFile: string): Promise<{ port: number; stop: () => void }> {
  // Under the repo (git-ignored) so the script resolves fastify from node_modules.
  mkdirSync(join(REPO_ROOT, '.bench-tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.bench-tmp', 'noop-'));
  const script = join(dir, 'noop-server.mjs');
  writeFileSync(script, NOOP_SERVER);
  const child = spawn(process.execPath, [script, certFile, keyFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /PORT (\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', () => {
      reject(new Error('no-op server exited'));
    });
  });
  return {
    port,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function callsPerSecond(containers: number): number {
  const settingsResult = parseSettings(['-vault-address=https://vault:8200'], {});
  if (settingsResult.kind !== 'settings') throw new Error('bench settings');
  const input = request(containers, 10);
  const deadline = performance.now() + 2000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let index = 0; index < 50; index += 1) admit(input, settingsResult.settings);
    calls += 50;
  }
  return calls / 2;
}

function row(measured: Measured): string {
  return `${measured.label.padEnd(22)} ${measured.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(measured.p50).padStart(4)} ms   p99 ${String(measured.p99).padStart(4)} ms   non-2xx ${measured.non2xx}   errors ${measured.errors}`;
}

function procMemoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 'NaN');
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** utime + stime of a process, in seconds (clock ticks of 1/100 s on Linux). */
function procCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const certDir = mkdtempSync(join(tmpdir(), 'bench-certs-'));
  const { certFile, keyFile } = await writeTestCertificates(certDir);
  const webhook = await startWebhook({ flags: { 'log-level': 'warn', 'telemetry-path': '/metrics' } });
  let ours: Measured;
  let sizing: string;
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = procMemoryMiB(webhook.pid);
    const cpuBefore = procCpuSeconds(webhook.pid);
    const started = performance.now();
    ours = await load('vault-injector /mutate', webhook.port);
    const seconds = (performance.now() - started) / 1000;
    const cpu = procCpuSeconds(webhook.pid) - cpuBefore;
    const loaded = procMemoryMiB(webhook.pid);
    const requests = ours.requestsPerSecond * (DURATION_S + 2);
    sizing =
      `webhook sizing: idle RSS ${idle.rss.toFixed(1)} MiB; under load RSS ${loaded.rss.toFixed(1)} MiB, peak ${loaded.peak.toFixed(1)} MiB; ` +
      `CPU ${((cpu / seconds) * 1000).toFixed(0)} millicores at ${ours.requestsPerSecond.toFixed(0)} req/s (${((cpu * 1000) / requests).toFixed(2)} ms CPU per review)`;
  } finally {
    await webhook.stop();
  }
  const noop = await startNoop(certFile, keyFile);
  let baseline: Measured;
  try {
    baseline = await load('no-op fastify', noop.port);
  } finally {
    noop.stop();
    rmSync(certDir, { recursive: true, force: true });
  }
  const throughput = ours.requestsPerSecond / baseline.requestsPerSecond;
  const p99 = ours.p99 / Math.max(baseline.p99, 1);
  process.stdout.write(
    [
      `AdmissionReview: 3 containers, 10 secrets, ${Buffer.byteLength(REVIEW)} bytes; ${CONNECTIONS} connections, ${DURATION_S} s after a 2 s warm-up`,
      row(ours),
      row(baseline),
      `throughput ratio ${throughput.toFixed(3)} (target >= 0.85: ${throughput >= 0.85 ? 'met' : 'MISSED'})`,
      `p99 ratio        ${p99.toFixed(3)} (target <= 2: ${p99 <= 2 ? 'met' : 'MISSED'})`,
      `admit() in-process, 1 container:   ${callsPerSecond(1).toFixed(0)} calls/s`,
      `admit() in-process, 20 containers: ${callsPerSecond(20).toFixed(0)} calls/s`,
      sizing,
      '',
    ].join('\n'),
  );
}

await main();
