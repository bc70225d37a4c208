// Many-seed differential run against Go (needs tools-bin/gotemplate-oracle: `bash
// scripts/build-oracle.sh`):
//   node --import tsx test/differential/generated-vault-run.ts [firstSeed] [seeds] [casesPerSeed] [--shrink]
// Prints each difference kind once per distinct (kind, Go error head) with its (optionally
// shrunk) case, and the slowest case our engine took. Exit status 1 when anything differed.
import { GoTemplateEngine } from '../../template/src/index.js';
import { compareGenerated, shrink, type Difference } from './vault-diff.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const doShrink = process.argv.includes('--shrink');
const firstSeed = Number(args[0] ?? 1);
const seeds = Number(args[1] ?? 10);
const perSeed = Number(args[2] ?? 2000);

const engine = new GoTemplateEngine();
const seen = new Map<string, { count: number; example: Difference; seed: number }>();
let compared = 0;
let goErrors = 0;
let slowest = { ms: 0, json: '' };
const began = Date.now();

function signature(d: Difference): string {
  const text = (d.go.error ?? d.ours.error ?? '').replace(/template: [^:]*:\d+(:\d+)?: /g, '').replace(/"[^"]*"/g, '""').slice(0, 60);
  return `${d.kind} | ${text}`;
}

for (let seed = firstSeed; seed < firstSeed + seeds; seed += 1) {
  const summary = compareGenerated(seed, perSeed, engine);
  compared += summary.compared;
  goErrors += summary.goErrors;
  if (summary.slowest.ms > slowest.ms) slowest = summary.slowest;
  for (const d of summary.differences) {
    const key = signature(d);
    const entry = seen.get(key);
    if (entry === undefined) seen.set(key, { count: 1, example: d, seed });
    else entry.count += 1;
  }
}

for (const [key, { count, example, seed }] of seen) {
  const minimal = doShrink ? (shrink(seed, example.run, example.kind, engine) ?? example.json) : example.json;
  console.log(`\n=== ${key}  (${count}x; seed ${seed} run ${example.run})`);
  console.log(minimal);
  if (doShrink && minimal !== example.json) {
    const { runOracle } = await import('../template/oracle-helpers.js');
    const { ourResult } = await import('./vault-diff.js');
    console.log('go:  ', JSON.stringify(runOracle(minimal, ['-one'])[0]));
    console.log('ours:', JSON.stringify(ourResult(minimal, engine)));
  } else {
    console.log('go:  ', JSON.stringify(example.go));
    console.log('ours:', JSON.stringify(example.ours));
  }
}
console.log(`\n${compared} cases, seeds ${firstSeed}..${firstSeed + seeds - 1}, ${goErrors} Go errors (${((100 * goErrors) / Math.max(compared, 1)).toFixed(1)}%), ${seen.size} distinct differences, ${((Date.now() - began) / 1000).toFixed(1)} s`);
console.log(`slowest case through our engine: ${slowest.ms.toFixed(1)} ms: ${slowest.json.slice(0, 300)}`);
process.exitCode = seen.size > 0 ? 1 : 0;
