// Runs generated cases (vault-grammar.ts) through our engine and through gotemplate-oracle (one
// process per batch) and lists every difference: output bytes, error phase, or error text (the
// corpus tests compare error texts exactly, and so does this). Each case is also timed: a small
// generated template must never take long (the runner reports the slowest).
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { GoTemplateEngine, parseCases, runCase, type CaseResult } from '../../template/src/index.js';
import { runOracle, sameResult } from '../template/oracle-helpers.js';
import { WITH_CONSUL_TEMPLATE_FUNCTIONS, caseArb, protocolJson, type GeneratedCase } from './vault-grammar.js';

export type DifferenceKind = 'output' | 'phase' | 'error-text' | 'panic';

export interface Difference {
  readonly kind: DifferenceKind;
  readonly run: number;
  readonly json: string;
  readonly go: CaseResult;
  readonly ours: CaseResult;
}

/**
 * Go prints a pointer inside a struct (a secret's Auth or WrapInfo under %v) as its address, which
 * changes from run to run; both sides' addresses are made the same before comparing.
 */
function withoutAddresses(result: CaseResult): CaseResult {
  // Hex (%v, %p, %x, %X, with or without 0x), decimal (%d) and octal (%o) forms of a heap address.
  const strip = (text: string | undefined): string | undefined =>
    text?.replace(/(0[xX])?[cC]000[0-9a-fA-F]{6}\b/g, 'ADDR').replace(/\b8246\d{8}\b/g, 'ADDR').replace(/\b14000\d{9}\b/g, 'ADDR');
  const output = strip(result.output);
  const error = strip(result.error);
  return { ...result, ...(output === undefined ? {} : { output }), ...(error === undefined ? {} : { error }) };
}

export function classify(oursRaw: CaseResult, goRaw: CaseResult): DifferenceKind | undefined {
  const ours = withoutAddresses(oursRaw);
  const go = withoutAddresses(goRaw);
  if (ours.error?.startsWith('panic:') === true && go.error?.startsWith('panic:') !== true) return 'panic';
  if (!sameResult(ours, go)) return go.output !== undefined || ours.output !== undefined ? 'output' : 'phase';
  if (go.output === undefined && ours.error !== go.error) return 'error-text';
  return undefined;
}

export function ourResult(json: string, engine: GoTemplateEngine): CaseResult {
  return runCase(parseCases(json), { engine, oracleFunctions: !WITH_CONSUL_TEMPLATE_FUNCTIONS });
}

export interface RunSummary {
  readonly compared: number;
  readonly goErrors: number;
  readonly differences: Difference[];
  /** The slowest case through our engine, in milliseconds, and its JSON. */
  readonly slowest: { readonly ms: number; readonly json: string };
}

const BATCH = 2000;

/** Generates `count` cases from `seed` and compares each with Go's result. */
export function compareGenerated(seed: number, count: number, engine = new GoTemplateEngine()): RunSummary {
  const samples: GeneratedCase[] = fc.sample(caseArb, { seed, numRuns: count });
  const differences: Difference[] = [];
  let goErrors = 0;
  let slowest = { ms: 0, json: '' };
  for (let start = 0; start < samples.length; start += BATCH) {
    const jsons = samples.slice(start, start + BATCH).map((c, i) => protocolJson(c, String(start + i)));
    const want = runOracle(`[${jsons.join(',')}]`);
    for (const [i, json] of jsons.entries()) {
      const go = want[i] as CaseResult;
      const began = performance.now();
      const ours = ourResult(json, engine);
      const ms = performance.now() - began;
      if (ms > slowest.ms) slowest = { ms, json };
      if (go.output === undefined) goErrors += 1;
      const kind = classify(ours, go);
      if (kind !== undefined) differences.push({ kind, run: start + i, json, go, ours });
    }
  }
  return { compared: samples.length, goErrors, differences, slowest };
}

/** Shrinks the case of run `run` (seed `seed`) to a minimal one that still differs the same way. */
export function shrink(seed: number, run: number, kind: DifferenceKind, engine = new GoTemplateEngine()): string | undefined {
  let minimal: string | undefined;
  const details = fc.check(
    fc.property(caseArb, (c) => {
      const json = protocolJson(c, 'shrunk');
      const go = runOracle(json, ['-one'])[0] as CaseResult;
      const differs = classify(ourResult(json, engine), go) === kind;
      if (differs) minimal = json;
      return !differs;
    }),
    { seed, path: String(run), numRuns: 1 },
  );
  return details.failed ? minimal : undefined;
}
