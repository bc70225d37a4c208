// `npm run bench`: the built webhook's /mutate against no-op HTTPS processes, each server in its own
// process, the same autocannon client, every baseline measured in the same run (issue 16):
//   - identical pods (one 3-container, 10-secret AdmissionReview, so the memoized path answers)
//     vs a no-op node:https process answering THE SAME reply bytes (with Content-Length), and vs
//     the small-reply no-op fastify handler (a ~100-byte allowed review);
//   - distinct pods (every request a different uid, pod name, annotation values, secret paths and
//     templates, so nothing is reused) vs a no-op answering the same bytes as one of those replies.
// Rounds alternate the servers (the order flips every round) and ratios are the median of the
// per-round ratios, because the machine is shared. The webhook logs at its default level (info,
// one line per admission) into a pipe this process drains, as a container runtime would.
// BENCH_QUICK=1: one short round (a smoke run); BENCH_DURATION_S / BENCH_ROUNDS override.
// Then in-process admit() calls/s and the sizing figures docs/operations.md uses (/proc: idle RSS,
// peak RSS under load, CPU per request).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { writeTestCertificates, REPO_ROOT, CLI_PATH } from '../test/helpers/webhook-process.js';
import { admit } from '../webhook/src/inject/admit.js';
import { parseSettings } from '../webhook/src/settings/parse-settings.js';
import type { AdmissionRequest } from '../webhook/src/inject/admission-review.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? (QUICK ? 1 : 5));
const WARMUP_S = QUICK ? 1 : 2;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? (QUICK ? 1 : 3));
const CONNECTIONS = 16;
const RECONNECT_EVERY = 500;
const VAULT_ADDRESS = 'https://vault:8200';

// Node/V8 flags for the webhook process only (experiments, e.g. BENCH_WEBHOOK_NODE_FLAGS="--max-semi-space-size=32").
const WEBHOOK_NODE_FLAGS = (process.env['BENCH_WEBHOOK_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const TARGETS = { identical: 0.9, distinct: 0.6, p99: 1.5 } as const;

function pod(containers: number, secrets: number, id?: string): unknown {
  const tag = id === undefined ? '' : `-${id}`;
  const annotations: Record<string, string> = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': `bench${tag}` };
  for (let index = 0; index < secrets; index += 1) {
    const path = `secret/data/bench${tag}/s${index}`;
    annotations[`vault.hashicorp.com/agent-inject-secret-s${index}`] = path;
    annotations[`vault.hashicorp.com/agent-inject-template-s${index}`] = `{{ with secret "${path}" }}{{ .Data.data.value${id === undefined ? '' : ` }}-{{ .Data.data.v${id}`} }}{{ end }}`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(id === undefined ? { generateName: 'bench-' } : { name: `bench-${id}` }), namespace: 'bench', annotations },
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

function request(containers: number, secrets: number, id?: string): AdmissionRequest {
  return { uid: id === undefined ? 'bench-uid' : `bench-uid-${id}`, namespace: 'bench', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, object: pod(containers, secrets, id) };
}

function review(id?: string): string {
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: request(3, 10, id) });
}

const IDENTICAL_REVIEW = review();
// A distinct review is this text with MARKER replaced by a fresh number: the uid, pod name, role,
// secret paths and template texts all change, so no cache can answer it.
const MARKER = 'QQQQ';
const DISTINCT_PARTS = review(MARKER).split(MARKER);
let distinctCounter = 0;
function nextDistinctReview(): string {
  distinctCounter += 1;
  return DISTINCT_PARTS.join(String(distinctCounter));
}

// One script for the same-bytes no-ops: node:https, the body read to its end, the reply file's
// bytes sent with Content-Length.
const SAME_BYTES_NOOP = `
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
const [certFile, keyFile, replyFile] = process.argv.slice(2);
const reply = readFileSync(replyFile);
const headers = { 'content-type': 'application/json', 'content-length': String(reply.length) };
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
  request.on('data', () => {});
  request.on('end', () => { response.writeHead(200, headers); response.end(reply); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
process.on('SIGTERM', () => { server.close(); server.closeAllConnections(); process.exit(0); });
`;

const SMALL_REPLY_NOOP = `
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

// The same bytes through fastify (BENCH_FASTIFY_BASELINE=1): how much of the gap is the framework.
const SAME_BYTES_FASTIFY = `
import { fastify } from 'fastify';
import { readFileSync } from 'node:fs';
const [certFile, keyFile, replyFile] = process.argv.slice(2);
const reply = readFileSync(replyFile, 'utf8');
const app = fastify({ https: { cert: readFileSync(certFile), key: readFileSync(keyFile) }, bodyLimit: 10 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => { payload.on('data', () => {}); payload.on('end', () => done(null, undefined)); });
app.post('/mutate', async (_request, res) => res.header('content-type', 'application/json').send(reply));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write('PORT ' + app.server.address().port + '\\n');
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)); });
`;
// The same bytes plus one admission log line per review through the webhook's own logger (standard
// format, asynchronous stdout) and the body read whole (BENCH_LOGGING_BASELINE=1): the floor for a
// webhook that logs each admission as vault-k8s does, whatever else it does.
const SAME_BYTES_LOGGING = `
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
const [certFile, keyFile, replyFile, logModule] = process.argv.slice(2);
const { createLogger, asyncStdout } = await import(logModule);
const logger = createLogger({ level: 'info', format: 'standard', destination: asyncStdout() });
const reply = readFileSync(replyFile);
const headers = { 'content-type': 'application/json', 'content-length': String(reply.length) };
let counter = 0;
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
  const chunks = [];
  request.on('data', (chunk) => { chunks.push(chunk); });
  request.on('end', () => {
    Buffer.concat(chunks);
    logger.info({ uid: 'bench-' + (counter += 1), namespace: 'bench', name: 'bench', decision: 'injected', injectionType: 'init_and_sidecar', allowed: true, durationMs: 0.01 }, 'admission');
    response.writeHead(200, headers);
    response.end(reply);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
process.on('SIGTERM', () => { server.close(); server.closeAllConnections(); process.exit(0); });
`;
// Experiments: extra webhook flags (e.g. "-log-level=warn") and a subset of the cases by label substring.
const EXTRA_WEBHOOK_FLAGS = (process.env['BENCH_WEBHOOK_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
const ONLY_CASES = (process.env['BENCH_CASES'] ?? '').split(',').filter((part) => part !== '');
const FASTIFY_BASELINE = process.env['BENCH_FASTIFY_BASELINE'] === '1';
const LOGGING_BASELINE = process.env['BENCH_LOGGING_BASELINE'] === '1';

interface Server {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/** Spawns a server, waits for `pattern` (group 1 = port) on stdout, then only counts what it prints. */
async function spawnServer(args: readonly string[], pattern: RegExp, cleanup: () => void = () => {}): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const onData = (chunk: string): void => {
      output += chunk;
      const match = pattern.exec(output);
      if (match?.[1] !== undefined) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', () => {});
        resolve(Number(match[1]));
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    void exited.then(() => { reject(new Error(`${args.join(' ')} exited before listening:\n${output}`)); });
  });
  return {
    pid: child.pid ?? -1,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      cleanup();
    },
  };
}

async function startScript(name: string, source: string, args: readonly string[]): Promise<Server> {
  // Under the repo (git-ignored) so the script resolves fastify from node_modules.
  mkdirSync(join(REPO_ROOT, '.bench-tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.bench-tmp', `${name}-`));
  const script = join(dir, `${name}.mjs`);
  writeFileSync(script, source);
  return spawnServer([script, ...args], /PORT (\d+)/, () => { rmSync(dir, { recursive: true, force: true }); });
}

function post(port: number, body: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/mutate', method: 'POST', rejectUnauthorized: false, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => { resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }); });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The webhook's reply to `body`, checked to be an allowed injection (else the bench measures a denial). */
async function replyOf(port: number, body: string): Promise<Buffer> {
  const reply = await post(port, body);
  const parsed = JSON.parse(reply.body.toString('utf8')) as { response?: { allowed?: boolean; patch?: string } };
  if (reply.status !== 200 || parsed.response?.allowed !== true || parsed.response.patch === undefined) {
    throw new Error(`the bench review was not injected: ${reply.status} ${reply.body.toString('utf8').slice(0, 500)}`);
  }
  return reply.body;
}

interface Measured {
  readonly requestsPerSecond: number;
  /** Server CPU (user + system) per answered review, in µs: steadier than req/s on a shared machine. */
  readonly cpuMicros: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

type Workload = 'identical' | 'distinct';

async function load(server: Server, workload: Workload): Promise<Measured> {
  const port = server.port;
  const base = {
    url: `https://127.0.0.1:${port}/mutate`,
    connections: CONNECTIONS,
    // The webhook answers 1,000 requests per connection (SERVER_LIMITS.maxRequestsPerSocket) and
    // then closes it; autocannon ignores that `Connection: close` and Node answers every further
    // request on the socket with a 503, which the old bench counted as throughput. Every server
    // gets a fresh connection (a new TLS handshake) each RECONNECT_EVERY requests instead.
    reconnectRate: RECONNECT_EVERY,
    requests: [
      {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: IDENTICAL_REVIEW,
        ...(workload === 'distinct' ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: nextDistinctReview() }) } : {}),
      },
    ],
  };
  await autocannon({ ...base, duration: WARMUP_S });
  const cpuBefore = procCpuSeconds(server.pid);
  const result = await autocannon({ ...base, duration: DURATION_S });
  const cpuMicros = ((procCpuSeconds(server.pid) - cpuBefore) * 1e6) / Math.max(result['2xx'], 1);
  // Answered reviews only (2xx), so a failure can never count as speed.
  return { requestsPerSecond: result['2xx'] / result.duration, cpuMicros, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
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

function callsPerSecond(containers: number): number {
  const settingsResult = parseSettings([`-vault-address=${VAULT_ADDRESS}`], {});
  if (settingsResult.kind !== 'settings') throw new Error('bench settings');
  const input = request(containers, 10);
  for (let index = 0; index < 200; index += 1) admit(input, settingsResult.settings); // JIT warm-up
  const seconds = QUICK ? 0.5 : 2;
  const deadline = performance.now() + seconds * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let index = 0; index < 50; index += 1) admit(input, settingsResult.settings);
    calls += 50;
  }
  return calls / seconds;
}

interface Case {
  readonly label: string;
  readonly server: Server;
  readonly workload: Workload;
}

async function main(): Promise<void> {
  const certDir = mkdtempSync(join(tmpdir(), 'bench-certs-'));
  const servers: Server[] = [];
  try {
    const { certFile, keyFile } = await writeTestCertificates(certDir);
    const webhook = await spawnServer(
      [...WEBHOOK_NODE_FLAGS, CLI_PATH, 'agent-inject', '-listen=127.0.0.1:0', `-vault-address=${VAULT_ADDRESS}`, `-tls-cert-file=${certFile}`, `-tls-key-file=${keyFile}`, '-telemetry-path=/metrics', ...EXTRA_WEBHOOK_FLAGS],
      /Listening on "[^"]*:(\d+)"/,
    );
    servers.push(webhook);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = procMemoryMiB(webhook.pid);
    const identicalReply = await replyOf(webhook.port, IDENTICAL_REVIEW);
    const distinctReply = await replyOf(webhook.port, review('sample-reply'));
    writeFileSync(join(certDir, 'identical.json'), identicalReply);
    writeFileSync(join(certDir, 'distinct.json'), distinctReply);
    const sameIdentical = await startScript('noop-same-bytes', SAME_BYTES_NOOP, [certFile, keyFile, join(certDir, 'identical.json')]);
    servers.push(sameIdentical);
    const sameDistinct = await startScript('noop-same-bytes', SAME_BYTES_NOOP, [certFile, keyFile, join(certDir, 'distinct.json')]);
    servers.push(sameDistinct);
    const small = await startScript('noop-small', SMALL_REPLY_NOOP, [certFile, keyFile]);
    servers.push(small);
    const fastifySame = FASTIFY_BASELINE ? await startScript('noop-fastify', SAME_BYTES_FASTIFY, [certFile, keyFile, join(certDir, 'identical.json')]) : undefined;
    if (fastifySame !== undefined) servers.push(fastifySame);
    const logModule = pathToFileURL(join(REPO_ROOT, 'dist', 'webhook', 'src', 'log.js')).href;
    const loggingSame = LOGGING_BASELINE ? await startScript('noop-logging', SAME_BYTES_LOGGING, [certFile, keyFile, join(certDir, 'identical.json'), logModule]) : undefined;
    if (loggingSame !== undefined) servers.push(loggingSame);

    const cases: Case[] = [
      { label: 'webhook, identical pods', server: webhook, workload: 'identical' },
      { label: 'no-op, same bytes (id.)', server: sameIdentical, workload: 'identical' },
      { label: 'no-op, small reply', server: small, workload: 'identical' },
      { label: 'webhook, distinct pods', server: webhook, workload: 'distinct' },
      { label: 'no-op, same bytes (dist.)', server: sameDistinct, workload: 'distinct' },
      ...(fastifySame === undefined ? [] : [{ label: 'fastify no-op, same b. (id.)', server: fastifySame, workload: 'identical' as const }]),
      ...(loggingSame === undefined ? [] : [{ label: 'no-op + log line (id.)', server: loggingSame, workload: 'identical' as const }]),
    ];
    if (ONLY_CASES.length > 0) cases.splice(0, cases.length, ...cases.filter((entry) => ONLY_CASES.some((part) => entry.label.includes(part))));
    const results = new Map<string, Measured[]>(cases.map((entry) => [entry.label, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? cases : [...cases].reverse();
      for (const entry of order) results.get(entry.label)?.push(await load(entry.server, entry.workload));
    }
    const loaded = procMemoryMiB(webhook.pid);

    const of = (label: string): Measured[] => results.get(label) ?? [];
    const summary = (label: string): string => {
      const runs = of(label);
      const failures = runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
      return (
        `${label.padEnd(29)} ${median(runs.map((run) => run.requestsPerSecond)).toFixed(0).padStart(7)} req/s   ` +
        `p50 ${String(median(runs.map((run) => run.p50))).padStart(4)} ms   p99 ${String(median(runs.map((run) => run.p99))).padStart(4)} ms   ` +
        `CPU ${median(runs.map((run) => run.cpuMicros)).toFixed(0).padStart(4)} µs/review` +
        `${failures > 0 ? `   FAILED REQUESTS ${failures}` : ''}   [${runs.map((run) => run.requestsPerSecond.toFixed(0)).join(', ')}]`
      );
    };
    const ratio = (ours: string, baseline: string, field: 'requestsPerSecond' | 'p99' | 'cpuMicros'): number =>
      median(of(ours).map((run, index) => run[field] / Math.max(of(baseline)[index]?.[field] ?? NaN, 1)));
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    const identicalThroughput = ratio('webhook, identical pods', 'no-op, same bytes (id.)', 'requestsPerSecond');
    const identicalP99 = ratio('webhook, identical pods', 'no-op, same bytes (id.)', 'p99');
    const distinctThroughput = ratio('webhook, distinct pods', 'no-op, same bytes (dist.)', 'requestsPerSecond');
    const distinctP99 = ratio('webhook, distinct pods', 'no-op, same bytes (dist.)', 'p99');
    const smallThroughput = ratio('webhook, identical pods', 'no-op, small reply', 'requestsPerSecond');
    const identicalCpu = ratio('no-op, same bytes (id.)', 'webhook, identical pods', 'cpuMicros');
    const distinctCpu = ratio('no-op, same bytes (dist.)', 'webhook, distinct pods', 'cpuMicros');
    process.stdout.write(
      [
        `AdmissionReview: 3 containers, 10 secrets, ${Buffer.byteLength(IDENTICAL_REVIEW)} bytes (distinct: ${Buffer.byteLength(nextDistinctReview())}); ` +
          `replies ${identicalReply.length} / ${distinctReply.length} bytes; ${CONNECTIONS} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up, ` +
          `${ROUNDS} alternating round(s), medians${QUICK ? ' (BENCH_QUICK)' : ''}${EXTRA_WEBHOOK_FLAGS.length > 0 ? `; webhook flags: ${EXTRA_WEBHOOK_FLAGS.join(' ')}` : ''}${WEBHOOK_NODE_FLAGS.length > 0 ? `; webhook node flags: ${WEBHOOK_NODE_FLAGS.join(' ')}` : ''}`,
        ...cases.map((entry) => summary(entry.label)),
        `ratio identical pods / same-bytes no-op: throughput ${identicalThroughput.toFixed(2)} (target >= ${TARGETS.identical}: ${verdict(identicalThroughput >= TARGETS.identical)}), ` +
          `p99 ${identicalP99.toFixed(2)} (target <= ${TARGETS.p99}: ${verdict(identicalP99 <= TARGETS.p99)})`,
        `ratio distinct pods / same-bytes no-op:  throughput ${distinctThroughput.toFixed(2)} (target >= ${TARGETS.distinct}: ${verdict(distinctThroughput >= TARGETS.distinct)}), ` +
          `p99 ${distinctP99.toFixed(2)} (target <= ${TARGETS.p99}: ${verdict(distinctP99 <= TARGETS.p99)})`,
        `ratio identical pods / small-reply no-op: throughput ${smallThroughput.toFixed(2)}`,
        ...(loggingSame === undefined ? [] : [`ratio no-op + log line / same-bytes no-op (the floor with one log line per admission): throughput ${ratio('no-op + log line (id.)', 'no-op, same bytes (id.)', 'requestsPerSecond').toFixed(2)}`]),
        `ratio no-op / webhook CPU per review (what the throughput ratio would be with a core each): identical ${identicalCpu.toFixed(2)}, distinct ${distinctCpu.toFixed(2)}`,
        `admit() in-process (no memo), 1 container:   ${callsPerSecond(1).toFixed(0)} calls/s`,
        `admit() in-process (no memo), 20 containers: ${callsPerSecond(20).toFixed(0)} calls/s`,
        `webhook sizing: idle RSS ${idle.rss.toFixed(1)} MiB; after load RSS ${loaded.rss.toFixed(1)} MiB, peak ${loaded.peak.toFixed(1)} MiB; ` +
          `CPU per review ${(['identical', 'distinct'] as const)
            .filter((workload) => of(`webhook, ${workload} pods`).length > 0)
            .map((workload) => `${(median(of(`webhook, ${workload} pods`).map((run) => run.cpuMicros)) / 1000).toFixed(2)} ms ${workload}`)
            .join(', ')}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const server of servers) await server.stop();
    rmSync(certDir, { recursive: true, force: true });
  }
}

await main();
