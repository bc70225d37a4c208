// Loads ../shared/spec/vault-k8s-cases.sample.json (format: vault-k8s-spec.md §10) as data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './webhook-process.js';
import type { FlagMap } from './webhook-process.js';

export const SAMPLE_CASES_PATH = join(REPO_ROOT, '..', 'shared', 'spec', 'vault-k8s-cases.sample.json');

export interface SampleCase {
  readonly id: string;
  readonly source_test: string;
  readonly level: 'admission' | 'http' | 'startup' | 'unit';
  readonly pod_annotations: Readonly<Record<string, string>>;
  readonly pod_extra: Readonly<Record<string, unknown>>;
  readonly injector_flags: FlagMap;
  readonly expect: string;
  readonly [key: string]: unknown;
}

export function loadSampleCases(level?: SampleCase['level']): SampleCase[] {
  const cases = JSON.parse(readFileSync(SAMPLE_CASES_PATH, 'utf8')) as SampleCase[];
  return level === undefined ? cases : cases.filter((sample) => sample.level === level);
}

/** Cases grouped by identical flag sets, so one webhook process serves each group. */
export function groupByFlags(cases: readonly SampleCase[]): SampleCase[][] {
  const groups = new Map<string, SampleCase[]>();
  for (const sample of cases) {
    const key = JSON.stringify(Object.entries(sample.injector_flags).sort(([a], [b]) => a.localeCompare(b)));
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return [...groups.values()];
}
