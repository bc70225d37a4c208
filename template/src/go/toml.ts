// toTOML as consul-template does it (BurntSushi/toml Encoder, then TrimSpace): plain keys first,
// then [tables] and [[arrays of tables]], sorted, sub-tables indented by two spaces.
import { isJsonNumber } from '../../../common/src/vault-json.js';
import { formatGoFloat } from './float-format.js';
import { FuncError } from './exec.js';
import { GoBytes, type Dyn, intOf, mapRecord, sliceItems, sortedMapKeys, stringText, stringOf, typeOf } from './values.js';

function isTable(value: unknown): value is Dyn {
  return value !== null && value !== undefined && typeof value === 'object' && !isJsonNumber(value) && !(value instanceof GoBytes) && typeOf(value).kind === 'map';
}

function isTableArray(value: unknown): boolean {
  if (value === null || value === undefined || typeof value !== 'object' || isJsonNumber(value) || value instanceof GoBytes) return false;
  if (typeOf(value).kind !== 'slice') return false;
  const items = sliceItems(value) ?? [];
  return items.length > 0 && items.every(isTable);
}

function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : quote(key);
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function tomlFloat(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  const text = formatGoFloat(f, 'f', -1);
  return text.includes('.') ? text : `${text}.0`;
}

function value(v: unknown): string {
  if (v === null || v === undefined) throw new FuncError('toTOML: toml: cannot encode a nil value');
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return tomlFloat(v);
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  const d = v as Dyn;
  if (isJsonNumber(d)) {
    const text = d.toString();
    return /^-?[0-9]+$/.test(text) ? text : tomlFloat(Number(text));
  }
  const kind = typeOf(d).kind;
  if (kind === 'string') return quote(stringText(stringOf(d)));
  if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') return intOf(d).toString();
  if (kind === 'slice') return `[${(sliceItems(d) ?? []).filter((x) => x !== null).map(value).join(', ')}]`;
  if (kind === 'map') {
    const record = mapRecord(d) ?? {};
    return `{${sortedMapKeys(record).map((k) => `${quoteKey(k)} = ${value(record[k])}`).join(', ')}}`;
  }
  throw new FuncError(`toTOML: toml: unsupported type: ${typeOf(d).name}`);
}

function table(record: Record<string, unknown>, path: string[], indent: string, out: string[]): void {
  const keys = sortedMapKeys(record);
  for (const key of keys) {
    const v = record[key];
    if (v === null || v === undefined || isTable(v) || isTableArray(v)) continue;
    out.push(`${indent}${quoteKey(key)} = ${value(v)}`);
  }
  for (const key of keys) {
    const v = record[key];
    const sub = [...path, quoteKey(key)];
    if (isTable(v)) {
      out.push('');
      out.push(`${indent}[${sub.join('.')}]`);
      table(mapRecord(v) ?? {}, sub, `${indent}  `, out);
    } else if (isTableArray(v)) {
      for (const item of sliceItems(v as Dyn) ?? []) {
        out.push('');
        out.push(`${indent}[[${sub.join('.')}]]`);
        table(mapRecord(item as Dyn) ?? {}, sub, `${indent}  `, out);
      }
    }
  }
}

export function toToml(v: Dyn | null): string {
  if (v === null) return '';
  const out: string[] = [];
  table(mapRecord(v) ?? {}, [], '', out);
  return out.join('\n').trim();
}
