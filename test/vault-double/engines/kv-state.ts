// KV storage for both engine versions.

export interface KvV2Version {
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdMs: number;
  deletionMs: number | null;
  destroyed: boolean;
}

export interface KvV2Entry {
  readonly versions: Map<number, KvV2Version>;
  currentVersion: number;
  readonly createdMs: number;
  updatedMs: number;
  customMetadata: Readonly<Record<string, string>> | null;
}

export type KvState =
  | { readonly version: 1; readonly entries: Map<string, Readonly<Record<string, unknown>>> }
  | { readonly version: 2; readonly entries: Map<string, KvV2Entry> };

export function newKvState(version: 1 | 2): KvState {
  return version === 1 ? { version: 1, entries: new Map() } : { version: 2, entries: new Map() };
}

/** Write a new version (v2) and return its number. */
export function putKvV2(entries: Map<string, KvV2Entry>, path: string, data: Readonly<Record<string, unknown>>, nowMs: number): KvV2Version & { version: number } {
  const entry = entries.get(path) ?? { versions: new Map(), currentVersion: 0, createdMs: nowMs, updatedMs: nowMs, customMetadata: null };
  entries.set(path, entry);
  entry.currentVersion += 1;
  entry.updatedMs = nowMs;
  const version: KvV2Version = { data: structuredClone(data), createdMs: nowMs, deletionMs: null, destroyed: false };
  entry.versions.set(entry.currentVersion, version);
  return { ...version, version: entry.currentVersion };
}

/** Immediate next path segments under `prefix` (folders keep their trailing slash), sorted. */
export function listKeys(paths: Iterable<string>, prefix: string): string[] {
  const keys = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  keys.delete('');
  return [...keys].sort();
}
