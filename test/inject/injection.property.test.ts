// Properties of the injection over random realistic pods and annotation sets:
// the JSON Patch applied to the input is exactly the mutated pod, and the API server would
// accept the result; invalid annotation values always deny, naming the annotation.
import fc from 'fast-check';
import { admit } from '../../webhook/src/inject/admit.js';
import { parseInjectionSpec } from '../../webhook/src/inject/annotations/parse-annotations.js';
import { planInjection } from '../../webhook/src/inject/build/injection-plan.js';
import { applyPlan, planToPatch } from '../../webhook/src/inject/build/plan-patch.js';
import type { K8sPod } from '../../webhook/src/inject/pod.js';
import { applyPodPatch, validatePod } from '../helpers/api-server-validator.js';
import { annotationsArb, podArb, settingsArb, withAnnotations } from '../helpers/pod-arbitraries.js';

describe('injection properties', () => {
  it('patch(pod) equals the mutated pod, and the API server would accept it', () => {
    fc.assert(
      fc.property(podArb, annotationsArb, settingsArb, (basePod, annotations, settings) => {
        const pod = withAnnotations(basePod, annotations) as K8sPod;
        const before = structuredClone(pod);
        const parsed = parseInjectionSpec(pod, 'apps', settings);
        if (parsed.issues.length > 0) {
          // Only the deliberately conflicting choices may be refused.
          const messages = parsed.issues.map((issue) => issue.message).join('\n');
          expect(messages).toMatch(/container not allowed to run as root|RunAsUser is nil|No SecurityContext/);
          return;
        }
        const planned = planInjection(pod, parsed.spec);
        if (!planned.ok) throw new Error(JSON.stringify(planned.issues));
        const patched = applyPodPatch(pod, planToPatch(pod, planned.plan));
        expect(patched).toEqual(applyPlan(pod, planned.plan));
        expect(validatePod(patched)).toEqual([]);
        expect(pod).toEqual(before);
      }),
      { numRuns: 400 },
    );
  });

  const typedAnnotations: readonly (readonly [string, fc.Arbitrary<string>])[] = [
    ['agent-inject-token', fc.constantFrom('yes', 'no', 'tRuE', 'on', '2')],
    ['agent-pre-populate', fc.constantFrom('yes', 'FALSE ', 'nope')],
    ['agent-pre-populate-only', fc.constantFrom('Yes', '-1')],
    ['agent-init-first', fc.constantFrom('y', 'ok')],
    ['tls-skip-verify', fc.constantFrom('enable', 'TRUE!')],
    ['agent-revoke-grace', fc.constantFrom('-1', 'five', '1.5', '')],
    ['agent-run-as-user', fc.constantFrom('root', '1e3', '99999999999999999999')],
    ['agent-run-as-group', fc.constantFrom('wheel', '0x10')],
    ['agent-limits-cpu', fc.constantFrom('500mi', 'lots', '1.2.3', '128mb')],
    ['agent-requests-mem', fc.constantFrom('64gi', 'big')],
    ['auth-min-backoff', fc.constantFrom('x', '5', '1 s')],
    ['auth-max-backoff', fc.constantFrom('forever', '3d')],
    ['agent-inject-default-template', fc.constantFrom('yaml', '', 'Mapp')],
    ['agent-json-patch', fc.constantFrom('{', '{"op":"add"}', '[1]', '[{"op":"nope","path":"/x"}]')],
    ['agent-init-json-patch', fc.constantFrom('[{"op":"replace","path":"/nothing","value":1}]', 'nul')],
    ['template-max-connections-per-host', fc.constantFrom('many', '1.0')],
    ['template-lease-renewal-threshold', fc.constantFrom('high', '')],
    ['agent-share-process-namespace', fc.constantFrom('maybe', 'yes')], // "" is false, as in vault-k8s (parseutil.ParseBool)
    ['agent-cache-enable', fc.constantFrom('sure')],
  ];

  it('an invalid annotation value denies the pod and names the annotation', () => {
    const invalid = fc.constantFrom(...typedAnnotations).chain(([name, values]) => values.map((value) => [name, value] as const));
    fc.assert(
      fc.property(podArb, fc.uniqueArray(invalid, { minLength: 1, maxLength: 3, selector: ([name]) => name }), settingsArb, (basePod, bad, settings) => {
        const annotations: Record<string, string> = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };
        for (const [name, value] of bad) annotations[`vault.hashicorp.com/${name}`] = value;
        const outcome = admit({ uid: 'u', namespace: 'apps', object: withAnnotations(basePod, annotations) }, settings);
        expect(outcome.response.allowed).toBe(false);
        for (const [name] of bad) expect(outcome.response.status?.message).toContain(`vault.hashicorp.com/${name}`);
      }),
      { numRuns: 300 },
    );
  });
});
