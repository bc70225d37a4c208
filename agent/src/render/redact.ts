// consul-template replaces the values of secrets in error texts with "[redacted]" before they are
// shown; we do the same with every string held by the dependency tracker.
import type { DependencyTracker } from './dependency-tracker.js';

export function redactValues(text: string, values: Iterable<string>): string {
  let result = text;
  // Longest first, so a value containing another is replaced whole.
  const sorted = [...new Set(values)].filter((value) => value.length >= 3).sort((a, b) => b.length - a.length);
  for (const value of sorted) result = result.split(value).join('[redacted]');
  return result;
}

export function secretStrings(tracker: DependencyTracker): string[] {
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
    else if (typeof value === 'bigint') strings.push(value.toString());
  };
  for (const value of tracker.values()) collect(value);
  return strings;
}
