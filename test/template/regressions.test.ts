// Cases where the engine once differed from Go, with Go's outputs and error texts committed beside
// them in test/fixtures/gotemplate-regressions/; the engine must match them byte for byte, error
// texts included.
// - cases.json / expected.json: functions gotemplate-oracle has. expected.json is the oracle's output
//   (`tools-bin/gotemplate-oracle < cases.json > expected.json`); `npm run test:differential` checks
//   it still is.
// - upstream-cases.json / upstream-expected.json: consul-template functions the oracle leaves out
//   (regexMatch, regexReplaceAll, in, containsAny, splitToMap, …). The outputs were produced by Go
//   1.19's text/template running those functions exactly as consul-template's template/funcs.go
//   (HEAD 1deacb7, https://github.com/hashicorp/consul-template/blob/main/template/funcs.go) defines them,
//   in a scratch build of the oracle (with the libraries consul-template links: BurntSushi/toml
//   v1.5.0, gopkg.in/yaml.v2 v2.4.0); they are literals here because that source is not ours to copy.
//   The ids `generated/…` are differences found by generated differential runs.
import { GoTemplateEngine, parseCases, runCase, type CaseResult } from '../../template/src/index.js';
import { regressionText, sameResult } from './oracle-helpers.js';

function table(name: string, cases: string, expected: string, oracleFunctions: boolean): void {
  const caseList = parseCases(cases) as unknown[];
  const expectedList = JSON.parse(expected) as CaseResult[];
  const engine = new GoTemplateEngine();
  describe(name, () => {
    it('has one expected result per case', () => {
      expect(caseList.length).toBe(expectedList.length);
    });
    it.each(expectedList.map((want, i) => [want.id, i] as const))('%s', (_id, i) => {
      const want = expectedList[i] as CaseResult;
      const got = runCase(caseList[i], { engine, oracleFunctions });
      expect({ same: sameResult(got, want), error: got.error, output: got.output }).toEqual({ same: true, error: want.error, output: want.output });
    });
  });
}

const { cases, expected, upstreamCases, upstreamExpected } = regressionText();
table('Go template regressions (gotemplate-oracle outputs)', cases, expected, true);
table('Go template regressions (consul-template functions the oracle lacks)', upstreamCases, upstreamExpected, false);
