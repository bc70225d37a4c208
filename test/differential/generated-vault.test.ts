// Generated templates over Vault-shaped data (vault-grammar.ts: trim markers, comments, variables,
// if/else if/with/range with break and continue, define/template/block, custom delimiters, the
// builtins and the oracle's consul-template functions, and deliberately broken templates) rendered
// by our engine and by Go's text/template (gotemplate-oracle). Outputs must be the same bytes,
// errors the same phase and the same text. A fixed seed and count keep the run the same every
// time; `node --import tsx test/differential/generated-vault-run.ts FIRST_SEED SEEDS CASES` runs
// many seeds (see docs/templates.md). Runs under `npm run test:differential`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../template/oracle-helpers.js';
import { compareGenerated, shrink } from './vault-diff.js';

const SEED = Number(process.env.TEMPLATE_GEN_SEED ?? 20240506);
const CASES = Number(process.env.TEMPLATE_GEN_CASES ?? 4000);

describe('generated Vault templates against Go text/template', () => {
  it(`${CASES} cases from seed ${SEED}: same bytes, same error phase and text`, () => {
    const summary = compareGenerated(SEED, CASES);
    const first = summary.differences[0];
    if (first !== undefined) {
      const minimal = shrink(SEED, first.run, first.kind) ?? first.json;
      throw new Error(`${summary.differences.length} of ${CASES} cases differ from Go (seed ${SEED}); first (${first.kind}), shrunk:\n${minimal}\ngo:   ${JSON.stringify(first.go)}\nours: ${JSON.stringify(first.ours)}`);
    }
    expect(summary.compared).toBe(CASES);
    // The grammar must reach rendering often enough to test it, and errors too.
    expect(summary.goErrors / summary.compared).toBeLessThan(0.8);
    expect(summary.goErrors / summary.compared).toBeGreaterThan(0.1);
  });

  it('the many-seed runner docs/templates.md shows runs and reports a clean short run', () => {
    // node --import tsx test/differential/generated-vault-run.ts 7 1 300
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'differential', 'generated-vault-run.ts'), '7', '1', '300'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('300 cases, seeds 7..7');
    expect(run.stdout).toContain(' 0 distinct differences');
  });
});
