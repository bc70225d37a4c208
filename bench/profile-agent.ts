// `node --import tsx bench/profile-agent.ts [runs]`: runs the built agent in init mode (10
// templates, kubernetes auth, against the Vault double, as bench/agent.bench.ts does) under
// `node --cpu-prof`, and prints where its wall time went: per area (the bundle's source modules,
// from esbuild's `// path` comments, node internals, GC, idle = waiting for Vault, the disk or
// the event loop), the top functions by self time, and a timeline in 10 ms slices. With
// runs > 1 the figures are medians over the runs; the last profile stays in
// .bench-tmp/profiles/ for a flame graph (Chrome DevTools or speedscope).
// BENCH_AGENT_NODE_FLAGS adds Node flags (V8 flags also switch off the bundle's code cache, see
// docs/agent.md "Start-up"). Not part of `npm run bench` (the name does not end in .bench.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVaultDouble } from '../test/vault-double/index.js';
import { benchScratchDir } from './scratch-dir.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAUNCHER = join(REPO_ROOT, 'dist', 'agent-bundle', 'main.cjs');
const BUNDLE = join(REPO_ROOT, 'dist', 'agent-bundle', 'agent.cjs');
const JWT = 'bench-service-account-jwt';
const runs = Number(process.argv[2] ?? 1);
const nodeFlags = (process.env.BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Line number (0-based) → the source module esbuild put there, from its `// path` comments. */
function bundleModules(): (line: number) => string {
  const starts: Array<[number, string]> = [];
  readFileSync(BUNDLE, 'utf8').split('\n').forEach((text, line) => {
    const match = /^\/\/ ((?:agent|common|template|node_modules)\/\S+)$/.exec(text);
    if (match?.[1] !== undefined) starts.push([line, match[1]]);
  });
  return (line) => {
    let found = '(bundle prelude)';
    for (const [start, name] of starts) {
      if (start > line) break;
      found = name;
    }
    const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(found)?.[1];
    return module ?? found.split('/').slice(0, 3).join('/');
  };
}

function areaOf(frame: ProfileNode['callFrame'], moduleAt: (line: number) => string): string {
  if (frame.url === '') return `(${frame.functionName || 'native'})`;
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/').slice(0, 2).join('/')}`;
  if (frame.url.endsWith('agent-bundle/agent.cjs')) return `bundle ${moduleAt(frame.lineNumber)}`;
  if (frame.url.includes('/agent-bundle/')) return `launcher ${relative(join(REPO_ROOT, 'dist', 'agent-bundle'), fileURLToPath(frame.url))}`;
  return frame.url.startsWith('file://') ? relative(REPO_ROOT, fileURLToPath(frame.url)) : frame.url;
}

async function main(): Promise<void> {
  const vault = await startVaultDouble();
  const { dir, note } = benchScratchDir('profile-agent-');
  process.stdout.write(`${note}\n`);
  const profiles = join(REPO_ROOT, '.bench-tmp', 'profiles');
  mkdirSync(profiles, { recursive: true });
  try {
    writeFileSync(join(dir, 'jwt'), JWT);
    vault.enableAuth('kubernetes');
    vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: JWT, policies: ['app'] });
    vault.enableKv('secret', 2);
    vault.addPolicy('app', [{ path: 'secret/data/*', capabilities: ['read'] }]);
    const templates = Array.from({ length: 10 }, (_, index) => {
      vault.writeKv(`secret/app${index}/config`, { username: `user-${index}`, password: `password-${index}`, port: 5432 + index });
      return {
        destination: join(dir, 'secrets', `app${index}`),
        contents: `{{ with secret "secret/data/app${index}/config" }}{{ range $k, $v := .Data.data }}{{ $k }}={{ $v }}\n{{ end }}{{ end }}`,
        left_delimiter: '{{',
        right_delimiter: '}}',
      };
    });
    const config = join(dir, 'init.json');
    writeFileSync(
      config,
      JSON.stringify({
        auto_auth: { method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: join(dir, 'jwt') } }, sink: [{ type: 'file', config: { path: join(dir, 'init-token') } }] },
        exit_after_auth: true,
        pid_file: join(dir, 'init.pid'),
        vault: { address: vault.address },
        template: templates,
        template_config: { exit_on_retry_failure: true },
      }),
    );
    const moduleAt = bundleModules();
    const results: Array<{ wallMs: number; areas: Map<string, number>; functions: Map<string, number>; timeline: string[] }> = [];
    for (let run = 0; run < runs; run += 1) {
      rmSync(join(dir, 'secrets'), { recursive: true, force: true });
      const before = new Set(readdirSync(profiles));
      const started = process.hrtime.bigint();
      const child = spawn(process.execPath, [...nodeFlags, '--cpu-prof', `--cpu-prof-dir=${profiles}`, LAUNCHER, 'agent', `-config=${config}`], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { PATH: process.env.PATH, VAULT_LOG_LEVEL: 'warn' },
      });
      const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => { resolve(exitCode ?? 1); }));
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 || !templates.every((template) => existsSync(template.destination))) throw new Error(`init run exited ${code} or wrote too few files`);
      const file = readdirSync(profiles).find((name) => !before.has(name) && name.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error('no profile written');
      const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as Profile;
      if (run < runs - 1) rmSync(join(profiles, file));
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      const areas = new Map<string, number>();
      const functions = new Map<string, number>();
      const slices: Array<Map<string, number> | undefined> = [];
      let at = 0;
      profile.samples.forEach((id, index) => {
        const micros = profile.timeDeltas[index] ?? 0;
        at += micros;
        const frame = byId.get(id)?.callFrame;
        if (frame === undefined) return;
        const area = areaOf(frame, moduleAt);
        areas.set(area, (areas.get(area) ?? 0) + micros);
        const name = `${frame.functionName || '(anonymous)'} ${area}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`;
        functions.set(name, (functions.get(name) ?? 0) + micros);
        const slice: Map<string, number> = (slices[Math.floor(at / 10_000)] ??= new Map<string, number>());
        slice.set(area, (slice.get(area) ?? 0) + micros);
      });
      const timeline = [...slices].map((slice, index) => {
        const top = [...(slice ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 3);
        return `${String(index * 10).padStart(4)} ms  ${top.map(([area, micros]) => `${area} ${(micros / 1000).toFixed(1)}`).join(', ')}`;
      });
      results.push({ wallMs, areas, functions, timeline });
      if (run === runs - 1) process.stdout.write(`profile ${relative(REPO_ROOT, join(profiles, file))}; profiled span ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms\n`);
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const medianOf = (pick: (result: (typeof results)[number]) => Map<string, number>): Array<[string, number]> => {
      const keys = new Set(results.flatMap((result) => [...pick(result).keys()]));
      return [...keys].map((key): [string, number] => [key, median(results.map((result) => pick(result).get(key) ?? 0))]).sort((a, b) => b[1] - a[1]);
    };
    const ms = (micros: number): string => `${(micros / 1000).toFixed(1).padStart(7)} ms`;
    process.stdout.write(
      `init, 10 templates, wall time start → exit: median ${median(results.map((result) => result.wallMs)).toFixed(0)} ms of ${runs} run(s) (under the profiler)\n\nby area (median self time):\n` +
        medianOf((result) => result.areas).slice(0, 30).map(([key, micros]) => `${ms(micros)}  ${key}`).join('\n') +
        '\n\nby function (median self time):\n' +
        medianOf((result) => result.functions).slice(0, 40).map(([key, micros]) => `${ms(micros)}  ${key}`).join('\n') +
        `\n\ntimeline of the last run (10 ms slices, top areas in ms):\n${results.at(-1)?.timeline.join('\n') ?? ''}\n`,
    );
  } finally {
    await vault.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
