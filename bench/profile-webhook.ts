// `node --import tsx bench/profile-webhook.ts [identical|distinct] [seconds]`: runs the built
// webhook under `node --cpu-prof`, loads /mutate with the chosen workload (default distinct, 10 s,
// 16 connections), stops it and prints where its CPU time went: self time per function (top 40)
// and per area (our modules by directory, fastify, pino, node internals, GC, idle). The profile
// file stays in .bench-tmp/profiles/ for a flame graph (Chrome DevTools or speedscope).
// Not part of `npm run bench` (the name does not end in .bench.ts).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeTestCertificates, REPO_ROOT, CLI_PATH } from '../test/helpers/webhook-process.js';

const workload = process.argv[2] === 'identical' ? 'identical' : 'distinct';
const seconds = Number(process.argv[3] ?? 10);

function review(id?: string): string {
  const tag = id === undefined ? '' : `-${id}`;
  const annotations: Record<string, string> = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': `bench${tag}` };
  for (let index = 0; index < 10; index += 1) {
    const path = `secret/data/bench${tag}/s${index}`;
    annotations[`vault.hashicorp.com/agent-inject-secret-s${index}`] = path;
    annotations[`vault.hashicorp.com/agent-inject-template-s${index}`] = `{{ with secret "${path}" }}{{ .Data.data.value }}{{ end }}`;
  }
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench${tag}`, namespace: 'bench', annotations },
    spec: {
      containers: Array.from({ length: 3 }, (_, index) => ({
        name: `c${index}`,
        image: 'registry.example/app:1',
        env: [{ name: 'MODE', value: 'bench' }],
        volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      })),
      volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
  };
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: `uid${tag}`, namespace: 'bench', operation: 'CREATE', object } });
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function area(url: string, name: string): string {
  if (url === '') return `(${name || 'native'})`;
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? relative(REPO_ROOT, new URL(url).pathname) : url;
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (module !== undefined) return module;
  return path.split('/').slice(0, 4).join('/');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'profile-webhook-'));
  const profiles = join(REPO_ROOT, '.bench-tmp', 'profiles');
  mkdirSync(profiles, { recursive: true });
  const before = new Set(readdirSync(profiles));
  const { certFile, keyFile } = await writeTestCertificates(dir);
  const child = spawn(
    process.execPath,
    [...(process.env['BENCH_WEBHOOK_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== ''), `--cpu-prof`, `--cpu-prof-dir=${profiles}`, CLI_PATH, 'agent-inject', '-listen=127.0.0.1:0', '-vault-address=https://vault:8200', `-tls-cert-file=${certFile}`, `-tls-key-file=${keyFile}`],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  const port = await new Promise<number>((resolve) => {
    let output = '';
    const onData = (chunk: string): void => {
      output += chunk;
      const match = /Listening on "[^"]*:(\d+)"/.exec(output);
      if (match?.[1] !== undefined) {
        child.stdout.off('data', onData).on('data', () => {});
        resolve(Number(match[1]));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
  });
  let counter = 0;
  const identical = review();
  const result = await autocannon({
    url: `https://127.0.0.1:${port}/mutate`,
    connections: 16,
    duration: seconds,
    reconnectRate: 500,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: identical,
        ...(workload === 'distinct' ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: review(String((counter += 1))) }) } : {}),
      },
    ],
  });
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
  const file = readdirSync(profiles).find((name) => !before.has(name) && name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const where = frame.url === '' ? '' : ` ${area(frame.url, frame.functionName)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const group = area(frame.url, frame.functionName);
    byArea.set(group, (byArea.get(group) ?? 0) + micros);
  }
  // Inclusive time of the request path's stages: a sample counts for every stage on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const STAGES = [
    'mutate', 'handleMutate', 'readBody', 'decodeAdmissionReview', 'goUnmarshalError', 'memoizedAdmit', 'admit', 'decodePod', 'shouldInject',
    'parseInjectionSpec', 'templateSyntaxWarnings', 'envTemplateSyntaxWarnings', 'unknownAnnotationWarnings', 'planInjection', 'planToPatch',
    'encodeAdmissionReview', 'recordAdmission', 'observe', 'LOG', 'write', 'writeUtf8String', 'writev', 'digest', 'stringify',
  ];
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)?.callFrame.functionName ?? '';
      if (STAGES.includes(name)) seen.add(name);
    }
    for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const requests = result.requests.total;
  const busy = total - (byArea.get('(idle)') ?? 0);
  const line = ([key, micros]: [string, number]): string =>
    `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / requests).toFixed(1).padStart(6)} µs/req  ${key}`;
  process.stdout.write(
    `${workload} pods, ${seconds} s: ${requests} requests (${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms); ` +
      `profile ${relative(REPO_ROOT, join(profiles, file))}; busy ${(busy / requests).toFixed(0)} µs/req\n\nby area:\n` +
      [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 25).map(line).join('\n') +
      '\n\nby stage (inclusive):\n' +
      STAGES.filter((name) => inclusive.has(name)).map((name) => line([name, inclusive.get(name) ?? 0])).join('\n') +
      '\n\nby function (self time):\n' +
      [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 40).map(line).join('\n') +
      '\n',
  );
}

await main();
