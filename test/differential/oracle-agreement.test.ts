// Live checks against Go (gotemplate-oracle, built from ../shared/tools/gotemplate-oracle by
// scripts/build-oracle.sh): the outputs the default suite compares with are still what Go renders.
// Run by `npm run test:differential` (jest.differential.config.cjs), not by `npm test`.
import { stringify } from 'lossless-json';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIR, ENV, rawSecrets, render, templates, usesOnlyOracleFunctions } from '../template/golden-templates.js';
import { ONE_CASE_GO_OUTPUT, ONE_CASE_INPUT, corpusText, oraclePath, regressionText, runOracle, runOracleRaw } from '../template/oracle-helpers.js';

describe('committed outputs agree with Go', () => {
  it('the corpus expected.json (test/fixtures/gotemplate-corpus) is byte for byte what the oracle writes', () => {
    const { cases, expected } = corpusText();
    expect(runOracleRaw(cases)).toBe(expected);
  });

  it('the regression expectations (test/fixtures/gotemplate-regressions) are byte for byte what the oracle writes', () => {
    const { cases, expected } = regressionText();
    expect(runOracleRaw(cases)).toBe(expected);
  });

  it('the --one reply the CLI test expects is what the oracle prints', () => {
    expect(runOracleRaw(ONE_CASE_INPUT, ['-one'])).toBe(ONE_CASE_GO_OUTPUT);
    expect(oraclePath()).toMatch(/gotemplate-oracle$/);
  });

  it('the goldens that only use the oracle\'s functions are what Go renders', () => {
    const checkable = templates.filter((name) => usesOnlyOracleFunctions(readFileSync(join(DIR, name), 'utf8')));
    expect(checkable.length).toBeGreaterThanOrEqual(10);
    const cases = checkable.map((name) => ({ id: name, template: readFileSync(join(DIR, name), 'utf8'), secrets: rawSecrets, env: ENV, options: { missingkey: 'zero' } }));
    // lossless stringify keeps number literals as written (1.50 stays 1.50), as Go's json.Number does.
    const results = runOracle(stringify(cases) as string);
    for (const [i, name] of checkable.entries()) {
      expect({ name, output: results[i]?.output, error: results[i]?.error }).toEqual({ name, output: render(name).output, error: undefined });
    }
  });
});
