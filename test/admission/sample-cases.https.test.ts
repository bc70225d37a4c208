// Every admission-level case of both case files (sample and upstream) over real HTTPS against the started webhook process (one
// process per distinct injector configuration), including the metrics the prose cases mention.
import { fileURLToPath } from 'node:url';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';
import { problemsAddedByPatch } from '../helpers/api-server-validator.js';
import {
  CASE_FILES,
  casePod,
  caseReview,
  checkCase,
  checkExtras,
  groupByFlags,
  loadCases,
  loadExtraChecks,
  type AdmissionResponseBody,
  SECURITY_DEVIATIONS,
} from '../helpers/vault-k8s-cases.js';

const cases = CASE_FILES.flatMap(({ file }) => loadCases('admission', file));
const extraChecks = loadExtraChecks(fileURLToPath(new URL('../inject/sample-case-extra-checks.json', import.meta.url)));


/** The value of the first metrics sample line starting with `prefix` (0 when absent). */
function metricValue(exposition: string, prefix: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(groupByFlags(cases).map((group) => [group.length, group[0]?.id ?? '', group] as const))(
  'sample cases over HTTPS (%i cases sharing the flags of %s)',
  (_count, _first, group) => {
    let webhook: WebhookProcess;
    beforeAll(async () => {
      webhook = await startWebhook({ flags: group[0]?.injector_flags ?? {}, args: ['-telemetry-path=/metrics'] });
    });
    afterAll(async () => {
      await webhook.stop();
    });

    it.each(group.map((testCase) => [testCase.id, testCase] as const))('%s', async (_id, testCase) => {
      const metricChecks = (extraChecks[testCase.id] ?? []).filter((check) => check.metrics !== undefined);
      const before = metricChecks.length > 0 ? (await webhook.request({ path: '/metrics' })).body : '';
      const reply = await webhook.postReview(caseReview(testCase));
      expect(reply.status).toBe(200);
      const review = reply.json as { apiVersion: string; kind: string; response: AdmissionResponseBody };
      expect([review.apiVersion, review.kind]).toEqual(['admission.k8s.io/v1', 'AdmissionReview']);
      const deviation = SECURITY_DEVIATIONS[testCase.id];
      if (deviation !== undefined) {
        expect(review.response.allowed).toBe(false);
        expect(review.response.status?.message ?? '').toMatch(deviation);
        return;
      }
      const checked = checkCase(testCase, review.response);
      expect([...checked.failures, ...checkExtras([...(extraChecks[testCase.id] ?? []), ...(testCase.expect_checks ?? [])], checked)]).toEqual([]);
      if (checked.patchedPod !== undefined) expect(problemsAddedByPatch(casePod(testCase), checked.patchedPod)).toEqual([]);
      if (metricChecks.length > 0) {
        const after = (await webhook.request({ path: '/metrics' })).body;
        for (const check of metricChecks) {
          const prefix = check.metrics ?? '';
          expect({ metric: prefix, delta: metricValue(after, prefix) - metricValue(before, prefix) }).toEqual({ metric: prefix, delta: check.delta });
        }
      }
    });
  },
);
