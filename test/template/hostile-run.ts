// Many-seed hostile run (no Go needed):
//   HOSTILE_HEAVY=1 node --import tsx test/template/hostile-run.ts [firstSeed] [seeds] [casesPerSeed]
// Every case must render or fail with a TemplateError; prints any other outcome, and the slowest
// cases with their times (speed is watched here, not asserted in tests).
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { GoTemplateEngine } from '../../template/src/index.js';
import { hostileCaseArb } from './hostile-grammar.js';
import { renderHostile } from './hostile-render.js';

const [firstSeed = 1, seeds = 5, perSeed = 1000] = process.argv.slice(2).map(Number);
const engine = new GoTemplateEngine();
const slow: { ms: number; template: string; outcome: string }[] = [];
const failures = new Map<string, string>();
let count = 0;
const began = Date.now();
for (let seed = firstSeed; seed < firstSeed + seeds; seed += 1) {
  for (const c of fc.sample(hostileCaseArb, { seed, numRuns: perSeed })) {
    const t0 = performance.now();
    const outcome = renderHostile(engine, c);
    const ms = performance.now() - t0;
    count += 1;
    if (outcome.kind === 'thrown') failures.set(outcome.detail.slice(0, 120), c.template);
    slow.push({ ms, template: c.template, outcome: `${outcome.kind}: ${outcome.detail.slice(0, 160)}` });
    slow.sort((a, b) => b.ms - a.ms);
    slow.length = Math.min(slow.length, 8);
  }
}
for (const [detail, template] of failures) console.log(`NON-TEMPLATE ERROR ${detail}\n  ${template}`);
for (const s of slow) console.log(`${s.ms.toFixed(0)} ms  ${s.template.slice(0, 200)}\n    ${s.outcome}`);
console.log(`${count} cases, seeds ${firstSeed}..${firstSeed + seeds - 1}, ${failures.size} non-template errors, ${((Date.now() - began) / 1000).toFixed(1)} s`);
process.exitCode = failures.size > 0 ? 1 : 0;
