// toTOML as consul-template does it: BurntSushi/toml v1.5.0's Encoder, then TrimSpace
// (https://github.com/BurntSushi/toml/blob/v1.5.0/encode.go). A map is the document: plain keys
// first, then [tables] and [[arrays of tables]], each group sorted, sub-tables indented by two
// spaces, a blank line before each top-level table and each [[array]] entry. Any other value is
// written bare; an array of tables at the top has no key (errNoKey); a nil inside any list fails.
import { isJsonNumber } from '../../../common/src/vault-json.js';
import { formatGoFloat } from './float-format.js';
import { FuncError } from './exec.js';
import { GoBytes, type Dyn, type GoType, Typed, intOf, mapRecord, sliceItems, sortedMapKeys, stringText, stringOf, typeOf } from './values.js';

/** encPanic: the encoder's errors, wrapped by consul-template as "toTOML: …". */
function fail(message: string): FuncError {
  return new FuncError(`toTOML: ${message}`);
}

const NIL_ELEMENT = 'toml: cannot encode array with nil element';

/** eindirect: through a pointer to what it points at (null for a nil pointer). */
function deref(value: unknown): unknown {
  if (value instanceof Typed && value.type.kind === 'ptr') return value.raw === null ? null : new Typed(value.type.elem as GoType, value.raw);
  return value;
}

/** isNil after eindirect: nil interface, pointer, map or slice. */
function isNil(value: unknown): boolean {
  const v = deref(value);
  if (v === null || v === undefined) return true;
  return v instanceof Typed && (v.type.kind === 'map' || v.type.kind === 'slice') && v.raw === null;
}

function isTable(value: unknown): value is Dyn {
  const v = deref(value);
  if (v === null || v === undefined || typeof v !== 'object' || isJsonNumber(v) || v instanceof GoBytes) return false;
  const kind = typeOf(v).kind;
  return kind === 'map' || kind === 'struct';
}

/** A table's entries: a map's keys sorted, a struct's fields in declaration order (eMap, eStruct). */
function entries(value: Dyn): [string, unknown][] {
  const v = deref(value) as Dyn;
  const type = typeOf(v);
  if (type.kind === 'struct') {
    const raw = (v as Typed).raw as Record<string, unknown>;
    return (type.fields ?? []).map((f) => [f.name, raw[f.name]]);
  }
  const record = mapRecord(v) ?? {};
  return sortedMapKeys(record).map((k) => [k, record[k]]);
}

/**
 * tomlTypeOfGo on a list (isTableArray): true when every element is a table. Asking it of a list
 * checks every element, nested lists included, for nil first.
 */
function isTableArray(value: unknown): boolean {
  if (value === null || value === undefined || typeof value !== 'object' || isJsonNumber(value) || value instanceof GoBytes) return false;
  if (typeOf(value).kind !== 'slice') return false;
  const items = sliceItems(value) ?? [];
  if (items.length === 0) return false;
  let tables = true;
  for (const item of items) {
    if (item === null || item === undefined) throw fail(NIL_ELEMENT);
    if (!isTable(item)) tables = false;
    isTableArray(item);
  }
  return tables;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function quoteKey(key: string): string {
  if (key === '') return '""';
  return BARE_KEY.test(key) ? key : quote(key);
}

/** dblQuotedReplacer: control characters as \uXXXX with lower-case hex, except \b \t \n \f \r. */
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
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** eElement's json.Number: as an int64 when Int64() takes it, else as a float64, else an error. */
function jsonNumber(text: string): string {
  if (text === '') return '0';
  if (/^[+-]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= INT64_MAX) return n.toString();
  }
  const f = Number(text);
  if (/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text) && Number.isFinite(f)) return tomlFloat(f);
  throw fail(`unable to convert ${JSON.stringify(text)} to int64 or float64`);
}

/** eElement: one value in key = value position, inside an array or an inline table. */
function element(v: unknown): string {
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
  if (v === null || v === undefined) throw fail('unexpected type: <nil>');
  const d = v as Dyn;
  if (isJsonNumber(d)) return jsonNumber(d.toString());
  const kind = typeOf(d).kind;
  if (kind === 'string') return quote(stringText(stringOf(d)));
  if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') return intOf(d).toString();
  if (kind === 'slice') return `[${(sliceItems(d) ?? []).map(element).join(', ')}]`;
  if (kind === 'map') return inlineTable(mapRecord(d) ?? {});
  throw fail(`unexpected type: ${typeOf(d).name}`);
}

/** eMap inline: plain keys, then tables, each sorted; nils skipped (a comma may be left before one). */
function inlineTable(record: Record<string, unknown>): string {
  const keys = sortedMapKeys(record);
  const direct = keys.filter((k) => !isTable(record[k]) && !isTableArray(record[k]));
  const sub = keys.filter((k) => isTable(record[k]) || isTableArray(record[k]));
  let out = '{';
  const write = (group: string[], trailingComma: boolean): void => {
    group.forEach((key, i) => {
      const v = record[key];
      if (v === null || v === undefined) return;
      out += `${quoteKey(key)} = ${element(v)}`;
      if (trailingComma || i !== group.length - 1) out += ', ';
    });
  };
  write(direct, sub.length > 0);
  write(sub, false);
  return `${out}}`;
}

function table(value: Dyn, path: string[], indent: string, out: string[]): void {
  const all = entries(value);
  const isSub = (v: unknown): boolean => isTable(v) || isTableArray(v);
  for (const [key, v] of all) {
    if (isNil(v) || isSub(v)) continue;
    out.push(`${indent}${quoteKey(key)} = ${element(deref(v))}`);
  }
  for (const [key, v] of all) {
    if (isNil(v)) continue;
    const sub = [...path, quoteKey(key)];
    if (isTable(v)) {
      if (path.length === 0) out.push('');
      out.push(`${indent}[${sub.join('.')}]`);
      table(v, sub, `${indent}  `, out);
    } else if (isTableArray(v)) {
      for (const item of sliceItems(v as Dyn) ?? []) {
        out.push('');
        out.push(`${indent}[[${sub.join('.')}]]`);
        table(item as Dyn, sub, `${indent}  `, out);
      }
    }
  }
}

export function toToml(v: Dyn | null): string {
  // A nil interface reaches reflect before the encoder looks at it; the panic is text/template's error.
  if (v === null) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  const kind = typeOf(v).kind;
  if (kind === 'map' || kind === 'struct' || kind === 'ptr') {
    if (isNil(v)) return '';
    const out: string[] = [];
    table(v, [], '', out);
    return out.join('\n').trim();
  }
  // The encoder starts with an empty key: an array of tables has none to go under, anything else
  // is written bare.
  if (isTableArray(v)) throw fail('toml: top-level values must be Go maps or structs');
  if (kind === 'complex128') throw fail(`unsupported type for key '': complex128`);
  return element(v).trim();
}
