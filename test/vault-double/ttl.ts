// TTL inputs as Vault accepts them (integer seconds, numeric strings, Go durations) and the
// Go-formatted durations Vault puts in its warnings.
import { formatGoDuration, parseGoDuration } from '../../common/src/go-duration.js';

/** System default_lease_ttl and max_lease_ttl: 768h. */
export const SYSTEM_DEFAULT_TTL_SECONDS = 2_764_800;

export type TtlParse = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly error: string };

/** A ttl/increment field: number of seconds, "3600", "1h30m"; absent/"" is 0. */
export function parseTtlInput(value: unknown): TtlParse {
  if (value === undefined || value === null || value === '') return { ok: true, seconds: 0 };
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { ok: false, error: `invalid duration ${String(value)}` };
    return { ok: true, seconds: Math.floor(value) };
  }
  if (typeof value !== 'string') return { ok: false, error: `cannot parse duration from ${JSON.stringify(value)}` };
  if (/^[0-9]+$/.test(value)) return { ok: true, seconds: Number(value) };
  const parsed = parseGoDuration(value);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  if (parsed.value < 0) return { ok: false, error: `invalid duration ${value}` };
  return { ok: true, seconds: Math.floor(parsed.value / 1e9) };
}

export function goDuration(seconds: number): string {
  return formatGoDuration(seconds * 1e9);
}

/** The warning Vault adds when it caps a requested TTL at the effective max TTL. */
export function ttlCappedWarning(requestedSeconds: number, grantedSeconds: number): string {
  return `TTL of "${goDuration(requestedSeconds)}" exceeded the effective max_ttl of "${goDuration(grantedSeconds)}"; TTL value is capped accordingly`;
}

/** RFC 3339 time as Vault's JSON encodes time.Time. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Whole seconds left until `expireMs` (Vault truncates), never negative. */
export function remainingSeconds(expireMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((expireMs - nowMs) / 1000));
}
