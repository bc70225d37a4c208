// `node --import tsx bench/template-parse.ts [dist-dir] [rounds]`: µs per Go-template parse through
// the public engine API (GoTemplateEngine.checkSyntax, what the webhook runs on every
// agent-inject-template-* annotation) for a fixed set of realistic templates. It loads the BUILT
// engine from dist-dir (default ./dist), so a copy of another commit's dist/ can be measured the
// same way (docs/performance.md "Go-template parser speed"). Prints the median over `rounds`
// (default 7) of timed batches, after a warm-up: CPU time (process.cpuUsage, the figure to compare on
// a shared machine, where wall time includes waiting for a core) and wall time. Not part of `npm run bench` (the name does not
// end in .bench.ts).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = resolve(import.meta.dirname, '..');
const distDir = resolve(process.argv[2] ?? join(REPO, 'dist'));
const rounds = Number(process.argv[3] ?? 7);

interface SyntaxChecker {
  checkSyntax(source: string, options: { leftDelimiter?: string; rightDelimiter?: string }): Error | undefined;
}

const CONFIG_FILE = `{{- /* consul-template style config file, 30 lines */ -}}
{{- $env := envOrDefault "APP_ENV" "dev" -}}
{{- with secret "secret/data/app/config" }}
[server]
listen = "{{ .Data.data.host }}:{{ .Data.data.port }}"
workers = {{ .Data.data.workers | sprig_default 4 }}
{{- if eq $env "prod" }}
log_level = "warn"
{{- else if eq $env "staging" }}
log_level = "info"
{{- else }}
log_level = "debug"
{{- end }}

[database]
{{- with secret "database/creds/app" }}
dsn = "{{ printf "postgres://%s:%s@db:5432/app" .Data.username .Data.password }}"
lease = {{ .LeaseDuration }}
{{- end }}

[features]
{{- range $name, $on := .Data.data.features }}
{{ $name }} = {{ if $on }}true{{ else }}false{{ end }}
{{- end }}

[hosts]
{{- range $i, $h := split "," .Data.data.hosts }}
host{{ $i }} = "{{ $h | trimSpace | toLower }}"
{{- end }}
{{- end }}
`;

const golden = (name: string): string => readFileSync(join(REPO, 'test/template/golden', `${name}.ctmpl`), 'utf8');

const TEMPLATES: ReadonlyArray<readonly [string, string]> = [
  ['webhook annotation', '{{ with secret "secret/data/x/s1" }}{{ .Data.data.value }}{{ end }}'],
  ['config file (30 lines)', CONFIG_FILE],
  ['golden env-export', golden('env-export')],
  ['golden pkicert', golden('pkicert')],
  ['golden helpers', golden('helpers')],
];

const { GoTemplateEngine } = (await import(pathToFileURL(join(distDir, 'template/src/index.js')).href)) as {
  GoTemplateEngine: new () => SyntaxChecker;
};
const engine = new GoTemplateEngine();

for (const [name, source] of TEMPLATES) {
  const error = engine.checkSyntax(source, {});
  if (error !== undefined) throw new Error(`${name}: ${error.message}`);
}

/** CPU µs (user + system, GC threads included) and wall µs per parse over one batch. */
function timeBatch(source: string, iterations: number): { cpu: number; wall: number } {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1) engine.checkSyntax(source, {});
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / iterations, wall: Number(process.hrtime.bigint() - wall) / 1000 / iterations };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

console.log(`engine: ${distDir}`);
console.log(`load average: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (const [name, source] of TEMPLATES) {
  // About 50 ms of work per batch whatever the template's size.
  const iterations = Math.max(200, Math.round(200_000 / source.length));
  timeBatch(source, iterations * 3);
  const samples = Array.from({ length: rounds }, () => timeBatch(source, iterations));
  const cpu = median(samples.map((s) => s.cpu)).toFixed(2).padStart(8);
  const wall = median(samples.map((s) => s.wall)).toFixed(2).padStart(8);
  console.log(`${name.padEnd(24)} ${String(source.length).padStart(5)} chars  ${cpu} µs CPU/parse  ${wall} µs wall/parse`);
}
