// Every admission-level case of both case files (the sample, and the cases transcribed from
// vault-k8s's test tables) through admit() in-process (fast feedback, precise diffs);
// test/admission/ runs the same cases over real HTTPS against the webhook process.
import { admit } from '../../webhook/src/inject/admit.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { AdmissionRequest } from '../../webhook/src/inject/admission-review.js';
import { fileURLToPath } from 'node:url';
import { problemsAddedByPatch } from '../helpers/api-server-validator.js';
import { CASE_FILES, caseInvocation, casePod, caseReview, checkCase, checkExtras, loadCases, loadExtraChecks, SECURITY_DEVIATIONS } from '../helpers/vault-k8s-cases.js';

const extraChecks = loadExtraChecks(fileURLToPath(new URL('./sample-case-extra-checks.json', import.meta.url)));

describe.each(CASE_FILES.map(({ name, file }) => [name, loadCases('admission', file)] as const))('vault-k8s %s cases (admit, in-process)', (_name, cases) => {
  it('has the admission cases', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
    const { args, env } = caseInvocation(testCase);
    const parsed = parseSettings(args, env);
    if (parsed.kind !== 'settings') throw new Error(`settings: ${JSON.stringify(parsed)}`);
    const review = caseReview(testCase) as { request: AdmissionRequest };
    const outcome = admit(review.request, parsed.settings);
    const deviation = SECURITY_DEVIATIONS[testCase.id];
    if (deviation !== undefined) {
      expect(outcome.response.allowed).toBe(false);
      expect(outcome.response.status?.message ?? '').toMatch(deviation);
      return;
    }
    const checked = checkCase(testCase, outcome.response);
    expect([...checked.failures, ...checkExtras([...(extraChecks[testCase.id] ?? []), ...(testCase.expect_checks ?? [])], checked)]).toEqual([]);
    if (checked.patchedPod !== undefined) expect(problemsAddedByPatch(casePod(testCase), checked.patchedPod)).toEqual([]);
  });
});
