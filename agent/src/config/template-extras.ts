// The consul-template settings of a template stanza beyond what to render and where: `wait`
// (quiescence) and the file owner (`user`/`group`, and the deprecated numeric `uid`/`gid`).
// Shapes and defaults follow consul-template's TemplateConfig and WaitConfig
// (https://github.com/hashicorp/consul-template/blob/main/docs/configuration.md#templates):
// `wait { min = "2s" max = "10s" }` or `wait = "2s:10s"`, max defaulting to 4 × min.
import type { TemplateWait } from './agent-config.js';
import type { IssueList, RawObject } from './config-reader.js';
import { blockList, checkKeys, field } from './config-reader.js';
import { decodeBool, decodeDurationMs, decodeInt, decodeString, describe } from './config-values.js';

const WAIT_KEYS = new Set(['min', 'max', 'enabled']);

export function readWait(value: unknown, path: string, issues: IssueList): TemplateWait | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return waitFromString(value, path, issues);
  const blocks = blockList(value, path, issues);
  // Vault Agent keeps the last wait block when several are given (command/agent/config/config.go).
  const block = blocks.at(-1);
  if (block === undefined) return undefined;
  checkKeys(block, WAIT_KEYS, path, issues);
  if (field(block, 'enabled', decodeBool, { path, issues }) === false) return undefined;
  const minMs = field(block, 'min', decodeDurationMs, { path, issues }) ?? 0;
  const maxMs = field(block, 'max', decodeDurationMs, { path, issues });
  return finish(minMs, maxMs, path, issues);
}

function waitFromString(text: string, path: string, issues: IssueList): TemplateWait | undefined {
  const parts = text.split(':');
  if (parts.length > 2) {
    issues.add(path, `invalid wait ${JSON.stringify(text)}: expected "min" or "min:max"`);
    return undefined;
  }
  const [minText = '', maxText] = parts;
  const min = decodeDurationMs(minText.trim());
  const max = maxText === undefined ? undefined : decodeDurationMs(maxText.trim());
  if (!min.ok || (max !== undefined && !max.ok)) {
    issues.add(path, `invalid wait ${JSON.stringify(text)}: ${!min.ok ? min.error : max !== undefined && !max.ok ? max.error : ''}`);
    return undefined;
  }
  return finish(min.value, max?.value, path, issues);
}

function finish(minMs: number, maxMs: number | undefined, path: string, issues: IssueList): TemplateWait | undefined {
  if (minMs <= 0 && (maxMs === undefined || maxMs <= 0)) return undefined;
  const max = maxMs === undefined || maxMs === 0 ? 4 * minMs : maxMs;
  if (max < minMs) {
    issues.add(path, `max (${max} ms) must not be less than min (${minMs} ms)`);
    return undefined;
  }
  return { minMs, maxMs: max };
}

/**
 * `user`/`group` (names or numeric ids) with the deprecated `uid`/`gid` (numbers) as fallbacks.
 * Names are resolved against /etc/passwd and /etc/group when the agent starts.
 */
export function readOwner(block: RawObject, path: string, issues: IssueList): { user: string | undefined; group: string | undefined } {
  const pick = (nameKey: string, idKey: string): string | undefined => {
    const name = field(block, nameKey, decodeString, { path, issues });
    const id = field(block, idKey, decodeInt, { path, issues });
    if (id !== undefined && id < 0) issues.add(`${path}.${idKey}`, `must not be negative, got ${id}`);
    if (name !== undefined && name !== '' && !/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/.test(name)) {
      issues.add(`${path}.${nameKey}`, `invalid ${nameKey} ${describe(name)}: expected a name or a numeric id`);
    }
    return name !== undefined && name !== '' ? name : id === undefined || id < 0 ? undefined : String(id);
  };
  return { user: pick('user', 'uid'), group: pick('group', 'gid') };
}
