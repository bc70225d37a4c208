// Typed access to one pod's annotations with vault-k8s's parse rules
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/annotations.go). Every getter
// takes the default to use when the annotation is absent; a key present with "" counts as set.
import { parseGoBool, parseGoFloat64, parseGoInt64, parseGoUint64 } from '../../../../common/src/go-strconv.js';
import { ANNOTATION_PREFIX, annotationKey } from './registry.js';
import { shownValue, type IssueList, type IssueStage } from '../issues.js';

/** The plain sentence leading a denial for a value of the wrong type (what to write instead). */
export function typeFix(name: string, value: string, wanted: string): string {
  return `Set ${annotationKey(name)} to ${wanted}, not ${shownValue(value)}`;
}

const BOOL_WORDS = 'true or false';

/**
 * Go reads these as int64; a JS number is exact only up to 2^53 - 1, so a larger value would be
 * silently rounded (9007199254740993 → …992). Denied instead (issue 10).
 */
function inexact(value: string): string {
  return `strconv.ParseInt: parsing ${JSON.stringify(value)}: value beyond ${Number.MAX_SAFE_INTEGER} cannot be represented exactly`;
}

export class AnnotationReader {
  /** Our annotations keyed by short name (prefix removed once: lookups are the hot path). */
  private readonly byShortName = new Map<string, string>();

  constructor(
    annotations: Readonly<Record<string, string | null>>,
    private readonly issues: IssueList,
  ) {
    for (const key of Object.keys(annotations)) {
      // A JSON null value decodes as "" in Go's map[string]string.
      if (key.startsWith(ANNOTATION_PREFIX)) this.byShortName.set(key.slice(ANNOTATION_PREFIX.length), annotations[key] ?? '');
    }
  }

  /** Raw value, or undefined when absent. */
  raw(name: string): string | undefined {
    return this.byShortName.get(name);
  }

  has(name: string): boolean {
    return this.byShortName.has(name);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** parseutil.ParseBool: "" is false; anything but Go's bool words is an error. */
  bool(name: string, fallback: boolean, stage: IssueStage = 'parse'): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = parseBoolAnnotation(value);
    if (parsed.ok) return parsed.value;
    this.issues.add({ stage, message: parsed.error, annotation: name, value, fix: typeFix(name, value, BOOL_WORDS) });
    return fallback;
  }

  /** strconv.ParseInt with "" meaning 0 (vault-k8s's run-as-user/group, max connections). */
  int64(name: string, fallback: string, stage: IssueStage = 'parse'): number {
    const value = this.raw(name) ?? fallback;
    if (value === '') return 0;
    const parsed = parseGoInt64(value);
    if (parsed.ok && Number.isSafeInteger(parsed.value)) return parsed.value;
    this.issues.add({ stage, message: parsed.ok ? inexact(value) : parsed.error, annotation: name, value, fix: typeFix(name, value, 'a whole number (e.g. 1000)') });
    return 0;
  }

  uint64(name: string, fallback: string): number {
    const value = this.raw(name) ?? fallback;
    const parsed = parseGoUint64(value);
    if (parsed.ok && Number.isSafeInteger(parsed.value)) return parsed.value;
    this.issues.add({ stage: 'parse', message: parsed.ok ? inexact(value) : parsed.error, annotation: name, value, fix: typeFix(name, value, 'a whole number, 0 or more (e.g. 5)') });
    return 0;
  }

  float64(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = parseGoFloat64(value);
    if (parsed.ok) return parsed.value;
    this.issues.add({ stage: 'parse', message: parsed.error, annotation: name, value, fix: typeFix(name, value, 'a number (e.g. 0.75)') });
    return fallback;
  }

  /** All annotations under the prefix whose short name starts with `familyPrefix`, in pod order. */
  family(familyPrefix: string): { readonly suffix: string; readonly value: string }[] {
    const members: { suffix: string; value: string }[] = [];
    for (const [shortName, value] of this.byShortName) {
      if (shortName.startsWith(familyPrefix)) members.push({ suffix: shortName.slice(familyPrefix.length), value });
    }
    return members;
  }

  /** Our annotations as [short name, value], in pod order. */
  entries(): IterableIterator<[string, string]> {
    return this.byShortName.entries();
  }
}

export function parseBoolAnnotation(value: string): { ok: true; value: boolean } | { ok: false; error: string } {
  if (value === '') return { ok: true, value: false };
  const parsed = parseGoBool(value);
  return parsed.ok ? parsed : { ok: false, error: `cannot parse '' as bool: ${parsed.error}` };
}
