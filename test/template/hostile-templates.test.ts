// Hostile generated templates (hostile-grammar.ts): every function the Go engine defines, called
// with values chosen to hurt, inside loops, recursion and broken syntax. Whatever a template does,
// the engine must answer with output, a pass still missing data, or a TemplateError: never another
// exception (a RangeError, a TypeError from a bad cast, …). The step and output budgets keep each
// case bounded; timings are watched by hostile-run.ts, not asserted here.
import fc from 'fast-check';
import { GoTemplateEngine } from '../../template/src/index.js';
import { FUNCTION_NAMES, hostileCaseArb } from './hostile-grammar.js';
import { renderHostile } from './hostile-render.js';

const SEED = 20240507;
const CASES = 600;

describe('hostile generated Go templates', () => {
  it('reach every function the engine defines', () => {
    expect(FUNCTION_NAMES.length).toBeGreaterThan(250);
    expect(FUNCTION_NAMES).toEqual(expect.arrayContaining(['printf', 'index', 'secret', 'toYAML', 'sprig_until', 'loop', 'executeTemplate']));
  });

  it(`${CASES} cases from seed ${SEED} end in output, missing data or a TemplateError`, () => {
    const engine = new GoTemplateEngine();
    const kinds = new Map<string, number>();
    const thrown: { template: string; detail: string }[] = [];
    for (const c of fc.sample(hostileCaseArb, { seed: SEED, numRuns: CASES })) {
      const outcome = renderHostile(engine, c);
      kinds.set(outcome.kind, (kinds.get(outcome.kind) ?? 0) + 1);
      if (outcome.kind === 'thrown') thrown.push({ template: c.template, detail: outcome.detail });
    }
    expect(thrown.slice(0, 3)).toEqual([]);
    // Both ends are exercised: templates that run and templates that fail.
    expect(kinds.get('output') ?? 0).toBeGreaterThan(CASES / 20);
    expect(kinds.get('template-error') ?? 0).toBeGreaterThan(CASES / 4);
  });
});
