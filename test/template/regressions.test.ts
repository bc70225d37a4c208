// Cases where the engine once differed from Go's text/template (found by differential runs against
// gotemplate-oracle), with Go's outputs and error texts committed beside them in
// test/fixtures/gotemplate-regressions/ (expected.json is written by the oracle:
// `tools-bin/gotemplate-oracle < cases.json > expected.json`). `npm run test:differential` checks
// that expected.json is still what Go renders; here the engine must match it byte for byte,
// error texts included.
import { GoTemplateEngine, parseCases, runCase, type CaseResult } from '../../template/src/index.js';
import { regressionText, sameResult } from './oracle-helpers.js';

const { cases, expected } = regressionText();
const caseList = parseCases(cases) as unknown[];
const expectedList = JSON.parse(expected) as CaseResult[];

describe('Go template regressions (literal outputs from the oracle)', () => {
  it('has one expected result per case', () => {
    expect(caseList.length).toBe(expectedList.length);
  });

  const engine = new GoTemplateEngine();
  it.each(expectedList.map((want, i) => [want.id, i] as const))('%s', (_id, i) => {
    const want = expectedList[i] as CaseResult;
    const got = runCase(caseList[i], { engine, oracleFunctions: true });
    expect({ same: sameResult(got, want), error: got.error, output: got.output }).toEqual({ same: true, error: want.error, output: want.output });
  });
});
