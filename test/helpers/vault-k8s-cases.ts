// The upstream-derived vault-k8s cases (test/fixtures/vault-k8s-cases.sample.json and
// test/fixtures/vault-k8s-cases.upstream.json, format in test/fixtures/README.md) as data: load them, group them by injector flags, turn a case into an
// AdmissionReview, and check a response against every expectation the case states.
import { readFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { SAMPLE_CASES_FILE, UPSTREAM_CASES_FILE } from './repo-paths.js';
import { flagsToArgs } from './webhook-process.js';

export interface VaultK8sCase {
  readonly id: string;
  readonly source_test?: string;
  readonly level: 'admission' | 'http' | 'startup' | 'unit';
  readonly pod_annotations: Record<string, string>;
  readonly pod_extra: {
    readonly namespace?: string;
    readonly fixture?: string;
    readonly metadata_name?: string;
    readonly spec?: Record<string, unknown>;
    readonly status?: Record<string, unknown>;
    readonly notes?: string;
  };
  readonly injector_flags: Record<string, string | boolean | number>;
  readonly expect: string;
  readonly expect_error_contains?: string;
  readonly expect_patch_paths?: string[];
  readonly expect_init_config?: Record<string, unknown>;
  readonly expect_sidecar_config?: Record<string, unknown>;
  readonly expect_init_container?: Record<string, unknown>;
  readonly expect_sidecar_container?: Record<string, unknown>;
  readonly expect_init_env_names?: string[];
  readonly expect_sidecar_env_names?: string[];
  readonly expect_sidecar_volume_mounts?: unknown[];
  readonly expect_security_context?: Record<string, unknown> | 'absent';
  readonly expect_resources?: Record<string, unknown>;
  /** Structured checks stated inline (same form as test/inject/sample-case-extra-checks.json). */
  readonly expect_checks?: ExtraCheck[];
  /**
   * Why we deliberately answer differently from vault-k8s here (see docs/annotations.md); the
   * case's expectations then state our answer, not vault-k8s's.
   */
  readonly deviation?: string;
}

/** The case files the harness runs: the team's sample and the cases transcribed from vault-k8s's test tables. */
export const CASE_FILES: readonly { readonly name: string; readonly file: string }[] = [
  { name: 'sample', file: SAMPLE_CASES_FILE },
  { name: 'upstream', file: UPSTREAM_CASES_FILE },
];

export function loadCases(level?: VaultK8sCase['level'], file: string = SAMPLE_CASES_FILE): VaultK8sCase[] {
  const cases = JSON.parse(readFileSync(file, 'utf8')) as VaultK8sCase[];
  return level === undefined ? cases : cases.filter((testCase) => testCase.level === level);
}

/** The pod the case describes, as the API server would send it. */
export function casePod(testCase: VaultK8sCase): Record<string, unknown> {
  const extra = testCase.pod_extra;
  const metadata: Record<string, unknown> = { annotations: { ...testCase.pod_annotations } };
  if (extra.metadata_name !== undefined) metadata['name'] = extra.metadata_name;
  if (extra.namespace !== undefined) metadata['namespace'] = extra.namespace;
  const pod: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(extra.spec ?? {}) };
  if (extra.status !== undefined) pod['status'] = structuredClone(extra.status);
  return pod;
}

export function caseReview(testCase: VaultK8sCase, apiVersion = 'admission.k8s.io/v1'): Record<string, unknown> {
  const request: Record<string, unknown> = {
    uid: `uid-${testCase.id}`,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    operation: 'CREATE',
    object: casePod(testCase),
  };
  if (testCase.pod_extra.namespace !== undefined) request['namespace'] = testCase.pod_extra.namespace;
  return { apiVersion, kind: 'AdmissionReview', request };
}

/** The case's injector configuration as `-flag=value` arguments and environment variables. */
export function caseInvocation(testCase: VaultK8sCase): { args: string[]; env: Record<string, string> } {
  return flagsToArgs(testCase.injector_flags);
}

/** Cases grouped by identical injector flags, so one webhook process can serve each group. */
export function groupByFlags(cases: readonly VaultK8sCase[]): VaultK8sCase[][] {
  const groups = new Map<string, VaultK8sCase[]>();
  for (const testCase of cases) {
    const key = JSON.stringify(Object.entries(testCase.injector_flags).sort(([a], [b]) => a.localeCompare(b)));
    groups.set(key, [...(groups.get(key) ?? []), testCase]);
  }
  return [...groups.values()];
}

export interface AdmissionResponseBody {
  readonly uid: string;
  readonly allowed: boolean;
  readonly patch?: string;
  readonly patchType?: string;
  readonly status?: { readonly message?: string };
}

export function decodePatch(response: AdmissionResponseBody): Operation[] | undefined {
  if (response.patch === undefined) return undefined;
  return JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
}

type Container = Record<string, unknown> & { name?: string; env?: { name: string; value?: string }[] };

/** The container the injection added (found by absence from the original pod: a JSON patch may rename it). */
function findInjected(original: Record<string, unknown>, pod: Record<string, unknown>, kind: 'initContainers' | 'containers'): Container | undefined {
  const names = (p: Record<string, unknown>): Container[] => (p['spec'] as Record<string, Container[] | undefined> | undefined)?.[kind] ?? [];
  const originalNames = new Set(names(original).map((container) => container.name));
  return names(pod).find((container) => !originalNames.has(container.name));
}

function agentConfig(container: Container | undefined): Record<string, unknown> | undefined {
  const encoded = container?.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value;
  if (encoded === undefined) return undefined;
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, unknown>;
}

/** JSON value with object keys sorted and template arrays sorted by destination. */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item));
    if (key === 'template') {
      items.sort((a, b) => String((a as { destination?: string }).destination).localeCompare(String((b as { destination?: string }).destination)));
    }
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) sorted[k] = normalise((value as Record<string, unknown>)[k], k);
    return sorted;
  }
  return value;
}

function same(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(normalise(actual)) === JSON.stringify(normalise(expected));
}

function withoutConfigValue(container: Container | undefined): unknown {
  if (container === undefined) return undefined;
  const copy = structuredClone(container);
  for (const variable of copy.env ?? []) {
    if (variable.name === 'VAULT_CONFIG') variable.value = '<VAULT_CONFIG>';
  }
  return copy;
}

function expectedContainer(expected: Record<string, unknown>): unknown {
  const copy = structuredClone(expected) as Container;
  for (const variable of copy.env ?? []) {
    if (variable.name === 'VAULT_CONFIG') variable.value = '<VAULT_CONFIG>';
  }
  return copy;
}

const NOT_INJECTED = /^(Not injected|Allowed, no patch|Allowed with no patch)/;

export interface CaseOutcome {
  readonly failures: string[];
  readonly patchedPod: Record<string, unknown> | undefined;
}

/** A structured form of a prose-only expectation (see test/inject/sample-case-extra-checks.json). */
export interface ExtraCheck {
  /** init/sidecar: the injected container; init-config/sidecar-config: its decoded VAULT_CONFIG; pod: the patched pod. */
  readonly target?: 'init' | 'sidecar' | 'pod' | 'init-config' | 'sidecar-config';
  readonly pointer?: string;
  readonly equals?: unknown;
  readonly absent?: boolean;
  readonly containsItem?: unknown;
  readonly lastItem?: unknown;
  readonly lacksName?: string;
  readonly namesInOrderPrefix?: string[];
  readonly sameMembersAfter?: number;
  readonly members?: unknown[];
  /** Prometheus sample prefix whose value must change by `delta` (process-level tests only). */
  readonly metrics?: string;
  readonly delta?: number;
}

function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Evaluates the non-metrics extra checks against the patched pod. */
export function checkExtras(checks: readonly ExtraCheck[], outcome: CaseOutcome): string[] {
  const failures: string[] = [];
  const pod = outcome.patchedPod;
  for (const check of checks) {
    if (check.metrics !== undefined || check.target === undefined) continue;
    const root = checkRoot(pod, check.target);
    const value = resolvePointer(root, check.pointer ?? '');
    const items = Array.isArray(value) ? (value as unknown[]) : [];
    const names = items.map((item) => (item as { name?: string }).name);
    const ok =
      (check.absent === true && value === undefined) ||
      ('equals' in check && same(value, check.equals)) ||
      ('containsItem' in check && items.some((item) => same(item, check.containsItem))) ||
      ('lastItem' in check && items.length > 0 && same(items[items.length - 1], check.lastItem)) ||
      (check.lacksName !== undefined && !names.includes(check.lacksName)) ||
      (check.namesInOrderPrefix !== undefined && same(names.slice(0, check.namesInOrderPrefix.length), check.namesInOrderPrefix)) ||
      (check.members !== undefined && same(sortByJson(items.slice(check.sameMembersAfter ?? 0)), sortByJson(check.members)));
    if (!ok) failures.push(`extra check ${JSON.stringify(check)} failed; actual ${JSON.stringify(value)}`);
  }
  return failures;
}

function checkRoot(pod: Record<string, unknown> | undefined, target: NonNullable<ExtraCheck['target']>): unknown {
  if (target === 'pod' || pod === undefined) return pod;
  if (target === 'init-config') return agentConfig(injectedContainer(pod, 'init'));
  if (target === 'sidecar-config') return agentConfig(injectedContainer(pod, 'sidecar'));
  return injectedContainer(pod, target);
}

function sortByJson(items: readonly unknown[]): unknown[] {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function injectedContainer(pod: Record<string, unknown>, role: 'init' | 'sidecar'): Container | undefined {
  const spec = pod['spec'] as Record<string, Container[] | undefined> | undefined;
  const list = role === 'init' ? spec?.['initContainers'] : spec?.['containers'];
  return list?.find((container) => container.name === (role === 'init' ? 'vault-agent-init' : 'vault-agent'));
}

export function loadExtraChecks(file: string): Record<string, ExtraCheck[]> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, ExtraCheck[]>;
}

/** Every way the response disagrees with the case; empty when it passes. */
export function checkCase(testCase: VaultK8sCase, response: AdmissionResponseBody): CaseOutcome {
  const failures: string[] = [];
  const fail = (what: string, actual: unknown, expected: unknown): void => {
    failures.push(`${what}:\n  expected ${JSON.stringify(expected)}\n  actual   ${JSON.stringify(actual)}`);
  };
  if (response.uid !== `uid-${testCase.id}`) fail('uid', response.uid, `uid-${testCase.id}`);

  if (testCase.expect_error_contains !== undefined) {
    const message = response.status?.message ?? '';
    if (response.allowed || !message.includes(testCase.expect_error_contains)) {
      fail('denial message', { allowed: response.allowed, message }, { allowed: false, contains: testCase.expect_error_contains });
    }
    return { failures, patchedPod: undefined };
  }
  if (!response.allowed) fail('allowed', response.status?.message, true);
  const patch = decodePatch(response);
  if (NOT_INJECTED.test(testCase.expect)) {
    if (patch !== undefined || response.patchType !== undefined) fail('no patch expected', patch, undefined);
    return { failures, patchedPod: undefined };
  }
  if (patch === undefined) {
    fail('patch', undefined, 'a JSON patch');
    return { failures, patchedPod: undefined };
  }
  if (response.patchType !== 'JSONPatch') fail('patchType', response.patchType, 'JSONPatch');
  if (testCase.expect_patch_paths !== undefined) {
    const paths = patch.map((op) => `${op.op} ${op.path}`);
    if (!same(paths, testCase.expect_patch_paths)) fail('patch op paths', paths, testCase.expect_patch_paths);
  }
  const original = casePod(testCase);
  const patchedPod = fastJsonPatch.applyPatch(casePod(testCase), patch, true, false).newDocument;
  const init = findInjected(original, patchedPod, 'initContainers');
  const sidecar = findInjected(original, patchedPod, 'containers');
  checkConfigs(testCase, init, sidecar, fail);
  checkContainers(testCase, init, sidecar, fail);
  return { failures, patchedPod };
}

type Fail = (what: string, actual: unknown, expected: unknown) => void;

function checkConfigs(testCase: VaultK8sCase, init: Container | undefined, sidecar: Container | undefined, fail: Fail): void {
  const { expect_init_config: initConfig, expect_sidecar_config: sidecarConfig } = testCase;
  const expectedInit = initConfig ?? (sidecarConfig === undefined ? undefined : { ...sidecarConfig, exit_after_auth: true });
  const expectedSidecar = sidecarConfig ?? (initConfig === undefined ? undefined : { ...initConfig, exit_after_auth: false });
  // "the other is identical": only checkable when that container exists.
  if (expectedInit !== undefined && (initConfig !== undefined || init !== undefined)) {
    const actual = agentConfig(init);
    if (!same(actual, expectedInit)) fail('init VAULT_CONFIG', actual, expectedInit);
  }
  if (expectedSidecar !== undefined && (sidecarConfig !== undefined || sidecar !== undefined)) {
    const actual = agentConfig(sidecar);
    if (!same(actual, expectedSidecar)) fail('sidecar VAULT_CONFIG', actual, expectedSidecar);
  }
}

function checkContainers(testCase: VaultK8sCase, init: Container | undefined, sidecar: Container | undefined, fail: Fail): void {
  if (testCase.expect_init_container !== undefined && !same(withoutConfigValue(init), expectedContainer(testCase.expect_init_container))) {
    fail('init container', init, testCase.expect_init_container);
  }
  if (testCase.expect_sidecar_container !== undefined && !same(withoutConfigValue(sidecar), expectedContainer(testCase.expect_sidecar_container))) {
    fail('sidecar container', sidecar, testCase.expect_sidecar_container);
  }
  const names = (container: Container | undefined): string[] | undefined => container?.env?.map((variable) => variable.name);
  if (testCase.expect_init_env_names !== undefined && !same(names(init), testCase.expect_init_env_names)) {
    fail('init env names', names(init), testCase.expect_init_env_names);
  }
  if (testCase.expect_sidecar_env_names !== undefined && !same(names(sidecar), testCase.expect_sidecar_env_names)) {
    fail('sidecar env names', names(sidecar), testCase.expect_sidecar_env_names);
  }
  if (testCase.expect_sidecar_volume_mounts !== undefined && !same(sidecar?.['volumeMounts'], testCase.expect_sidecar_volume_mounts)) {
    fail('sidecar volumeMounts', sidecar?.['volumeMounts'], testCase.expect_sidecar_volume_mounts);
  }
  for (const [role, container] of [['init', init], ['sidecar', sidecar]] as const) {
    if (container === undefined) continue;
    const expected = testCase.expect_security_context;
    if (expected !== undefined) {
      const actual = container['securityContext'];
      if (expected === 'absent' ? actual !== undefined : !same(actual, expected)) fail(`${role} securityContext`, actual, expected);
    }
    if (testCase.expect_resources !== undefined && !same(container['resources'], testCase.expect_resources)) {
      fail(`${role} resources`, container['resources'], testCase.expect_resources);
    }
  }
}

/**
 * Sample cases where we deliberately differ from vault-k8s for safety (issue 10): the case is
 * denied, with a message matching the pattern, instead of answering as vault-k8s does.
 */
export const SECURITY_DEVIATIONS: Readonly<Record<string, RegExp>> = {
  // vault-k8s renders `agent-inject-file-foo: ../escape` to /vault/escape, outside the volume.
  'file-path-dotdot': /is outside the secret volume \/vault\/secrets \(annotation vault\.hashicorp\.com\/agent-inject-file-foo=/,
};
