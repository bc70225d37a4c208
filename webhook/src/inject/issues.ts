// Problems found while turning a pod into an injection. vault-k8s stops at the first one and
// wraps it with a stage prefix; we keep every problem, each rendered with vault-k8s's exact
// wording (so its text still appears verbatim) followed by the annotation and value at fault.
import { goQuote } from '../../../common/src/go-quote.js';
import { ANNOTATION_PREFIX, annotationKey } from './annotations/registry.js';

const STAGE_PREFIXES = {
  inject: 'error checking if should inject agent: ',
  namespace: 'error with request namespace: ',
  defaults: 'error adding default annotations: ',
  parse: 'error creating new agent sidecar: ',
  validate: 'error validating agent configuration: ',
  patch: 'error creating patch for agent: ',
  /** Problems vault-k8s does not detect (it would emit a pod the API server rejects). */
  conflict: 'error creating patch for agent: ',
} as const;

export type IssueStage = keyof typeof STAGE_PREFIXES;

export interface InjectionIssue {
  readonly stage: IssueStage;
  /** vault-k8s's inner message, verbatim. */
  readonly message: string;
  /** Short annotation name (without the vault.hashicorp.com/ prefix) this problem is about. */
  readonly annotation?: string;
  readonly value?: string;
  /** One plain sentence saying what to change; leads the denial message when present. */
  readonly fix?: string;
}

const STAGE_ORDER: readonly IssueStage[] = ['inject', 'namespace', 'defaults', 'parse', 'validate', 'patch', 'conflict'];
const MAX_VALUE_LENGTH = 120;

/** A value as denial messages quote it: Go-quoted, long ones cut. */
export function shownValue(value: string): string {
  return describeValue(value);
}

function describeValue(value: string): string {
  const shown = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
  return goQuote(shown);
}

/** The plain sentence that leads an issue: its own fix, else "Change <annotation>" when one is at fault. */
function leadSentence(issue: InjectionIssue): string | undefined {
  if (issue.fix !== undefined) return issue.fix;
  if (issue.annotation === undefined) return undefined;
  const key = fullKey(issue.annotation);
  return issue.value === undefined ? `Change ${key}` : `Change ${key} (it is ${describeValue(issue.value)})`;
}

/** Issues name annotations by short name; a few pass the full key. */
function fullKey(annotation: string): string {
  return annotation.startsWith(ANNOTATION_PREFIX) ? annotation : annotationKey(annotation);
}

/** One issue as text: `<plain sentence> — <stage prefix><vault-k8s message> (annotation <key>=<value>)`. */
function formatIssue(issue: InjectionIssue): string {
  const sentence = leadSentence(issue);
  const lead = sentence === undefined ? '' : `${sentence} — `;
  const base = `${lead}${STAGE_PREFIXES[issue.stage]}${issue.message}`;
  if (issue.annotation === undefined) return base;
  const value = issue.value === undefined ? '' : `=${describeValue(issue.value)}`;
  return `${base} (annotation ${fullKey(issue.annotation)}${value})`;
}

/** Every issue, in vault-k8s's check order, joined into one denial message. */
export function formatIssues(issues: readonly InjectionIssue[]): string {
  const ordered = [...issues].sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage));
  return ordered.map(formatIssue).join('; ');
}

/** Collects issues during parsing; parsers return a fallback value and record the problem. */
export class IssueList {
  readonly items: InjectionIssue[] = [];

  add(issue: InjectionIssue): void {
    this.items.push(issue);
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }
}
