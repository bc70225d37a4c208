// ACL policies with Vault's path matching: exact paths, `*` suffix globs, `+` segment wildcards,
// the most specific rule wins, rules for the same path across policies merge, deny overrides.
// Built in: "root" (everything) and "default" (Vault's default policy, token/lease/wrapping self
// service). A policy name never defined with addPolicy grants everything: tests that do not care
// about ACLs name any policy and are not tripped by them.
import type { Capability, PolicyRule } from '../vault-double-api.js';

export type Operation = 'read' | 'list' | 'update' | 'delete';

const DEFAULT_POLICY: readonly PolicyRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
  { path: 'sys/capabilities-self', capabilities: ['update'] },
  { path: 'sys/leases/renew', capabilities: ['update'] },
  { path: 'sys/leases/lookup', capabilities: ['update'] },
  { path: 'sys/renew', capabilities: ['update'] },
  { path: 'sys/wrapping/wrap', capabilities: ['update'] },
  { path: 'sys/wrapping/lookup', capabilities: ['update'] },
  { path: 'sys/wrapping/unwrap', capabilities: ['update'] },
  { path: 'cubbyhole/*', capabilities: ['create', 'read', 'update', 'delete', 'list'] },
];

interface MergedRule {
  readonly pattern: string;
  readonly capabilities: ReadonlySet<Capability>;
}

export class PolicyStore {
  private readonly policies = new Map<string, readonly PolicyRule[]>([['default', DEFAULT_POLICY]]);

  set(name: string, rules: readonly PolicyRule[]): void {
    if (name === 'root') throw new Error('cannot redefine the "root" policy');
    this.policies.set(name, rules);
  }

  allows(policies: readonly string[], path: string, operation: Operation): boolean {
    if (policies.includes('root')) return true;
    if (policies.some((name) => !this.policies.has(name))) return true;
    const rule = mostSpecificRule(mergeRules(policies.flatMap((name) => this.policies.get(name) ?? [])), path);
    if (!rule || rule.capabilities.has('deny')) return false;
    if (operation === 'update') return rule.capabilities.has('update') || rule.capabilities.has('create');
    return rule.capabilities.has(operation);
  }
}

function mergeRules(rules: readonly PolicyRule[]): readonly MergedRule[] {
  const byPattern = new Map<string, Set<Capability>>();
  for (const rule of rules) {
    const set = byPattern.get(rule.path) ?? new Set<Capability>();
    for (const capability of rule.capabilities) set.add(capability);
    byPattern.set(rule.path, set);
  }
  return [...byPattern].map(([pattern, capabilities]) => ({ pattern, capabilities }));
}

export function patternMatches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const patternSegments = body.split('/');
  const pathSegments = path.split('/');
  for (let index = 0; index < patternSegments.length; index += 1) {
    const expected = patternSegments[index] ?? '';
    const actual = pathSegments[index];
    if (actual === undefined) return false;
    const last = index === patternSegments.length - 1;
    if (expected === '+') continue;
    if (last && glob) return actual.startsWith(expected);
    if (expected !== actual) return false;
  }
  return glob || pathSegments.length === patternSegments.length;
}

/** Vault's priority: an exact path wins; then later first wildcard, no `*`, fewer `+`, longer. */
function mostSpecificRule(rules: readonly MergedRule[], path: string): MergedRule | undefined {
  const matching = rules.filter((rule) => patternMatches(rule.pattern, path));
  const exact = matching.find((rule) => rule.pattern === path);
  if (exact) return exact;
  return [...matching].sort(compareSpecificity)[0];
}

function compareSpecificity(a: MergedRule, b: MergedRule): number {
  const firstWildcard = (pattern: string): number => {
    const positions = [pattern.indexOf('+'), pattern.indexOf('*')].filter((position) => position >= 0);
    return positions.length === 0 ? pattern.length : Math.min(...positions);
  };
  const plusCount = (pattern: string): number => pattern.split('+').length - 1;
  return (
    firstWildcard(b.pattern) - firstWildcard(a.pattern) ||
    Number(a.pattern.endsWith('*')) - Number(b.pattern.endsWith('*')) ||
    plusCount(a.pattern) - plusCount(b.pattern) ||
    b.pattern.length - a.pattern.length ||
    a.pattern.localeCompare(b.pattern)
  );
}
