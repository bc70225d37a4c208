// toYAML as consul-template does it (gopkg.in/yaml.v2 Marshal, then TrimSpace): block style,
// sorted keys, 2-space indentation, sequences not indented under their key, json.Number emitted as
// a number, strings plain when they would read back as the same string, else quoted.
// parseYAML decodes with the `yaml` package into template values.
import { createRequire } from 'node:module';
import { isJsonNumber } from '../../../common/src/vault-json.js';
import { formatGoFloat } from './float-format.js';
import { FuncError } from './exec.js';
import type { Typed} from './values.js';
import { GoBytes, type Dyn, indirect, intOf, mapRecord, sliceItems, sortedMapKeys, stringText, typeOf } from './values.js';

const YAML_BOOLS = new Set(
  'y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' '),
);
const YAML_NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Whether a plain scalar would resolve to something other than this string in yaml.v2. */
function resolvesToNonString(s: string): boolean {
  if (YAML_NULLS.has(s) || YAML_BOOLS.has(s)) return true;
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(s) || /^(\.nan|\.NaN|\.NAN)$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain) || /^[-+]?0[xX][0-9a-fA-F]+$/.test(plain) || /^[-+]?0[bB][01]+$/.test(plain) || /^[-+]?0[0-7]+$/.test(plain)) return true;
  if (/^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/.test(s)) return true;
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/.test(s)) return true;
  if (s === '<<') return true;
  return false;
}

function plainAllowed(s: string): boolean {
  if (s === '' || s !== s.trim() || /^[\s]|[\s]$/.test(s)) return false;
  if (/[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^-(\s|$)/.test(s) || /^[?:](\s|$)/.test(s)) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  return true;
}

function doubleQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c === 0x85) out += '\\N';
    else if (c === 0x2028) out += '\\L';
    else if (c === 0x2029) out += '\\P';
    else if (c === 0xfeff) out += '\\ufeff';
    else out += ch;
  }
  return `${out}"`;
}

function scalarString(s: string, indent: string): string {
  if (s.includes('\n') && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s) && !/ \n|\n /.test(s.replace(/\n+$/, '')) && !/^\s/.test(s)) {
    const trailing = /\n*$/.exec(s)?.[0].length ?? 0;
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    const body = s.slice(0, s.length - trailing);
    const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
    const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
    return `|${chomp}\n${lines.join('\n')}${extra}`;
  }
  if (!resolvesToNonString(s) && plainAllowed(s)) return s;
  if (!s.includes('\n') && !/[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(s) && !/^\s|\s$/.test(s) && !resolvesToNonString(s)) {
    return `'${s.replace(/'/g, "''")}'`;
  }
  return doubleQuote(s);
}

function scalar(value: Dyn | null, indent: string): string | null {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return scalarString(value, indent);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatYamlFloat(value);
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value instanceof GoBytes) return scalarString(stringText(value), indent);
  if (isJsonNumber(value)) {
    const text = value.toString();
    if (/^[-+]?[0-9]+$/.test(text) && BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n) return BigInt(text).toString();
    const f = Number(text);
    if (text.trim() !== '' && !Number.isNaN(f)) return formatYamlFloat(f);
    return scalarString(text, indent);
  }
  const kind = typeOf(value).kind;
  if (kind === 'int' || kind === 'int64' || kind === 'uint8' || kind === 'uint64') return intOf(value).toString();
  if (kind === 'string') return scalarString(stringText((value as Typed).raw as string), indent);
  return null;
}

function formatYamlFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  return formatGoFloat(f, 'g', -1);
}

function isEmptyCollection(value: Dyn): boolean {
  const kind = typeOf(value).kind;
  if (kind === 'map') return sortedMapKeys(mapRecord(value)).length === 0;
  if (kind === 'slice') return (sliceItems(value) ?? []).length === 0;
  return false;
}

function emit(value: Dyn | null, indent: string, lines: string[], prefix: string): void {
  if (value !== null) {
    const kind = typeOf(value).kind;
    if (kind === 'ptr') {
      const target = indirect(value);
      emit(target.isNil ? null : (target.value as Dyn), indent, lines, prefix);
      return;
    }
    if (kind === 'map' || kind === 'struct' || kind === 'slice') {
      if (isEmptyCollection(value) || (kind === 'map' && mapRecord(value) === null)) {
        lines.push(`${prefix}${kind === 'slice' ? '[]' : '{}'}`);
        return;
      }
      emitCollection(value, indent, lines, prefix);
      return;
    }
  }
  const text = scalar(value, indent);
  if (text === null) throw new FuncError(`toYAML: cannot marshal type ${value === null ? 'nil' : typeOf(value).name}`);
  lines.push(`${prefix}${text}`);
}

function entriesOf(value: Dyn): [string, Dyn | null][] {
  const type = typeOf(value);
  if (type.kind === 'struct') {
    const fields = (value as Typed).raw as Record<string, Dyn>;
    return (type.fields ?? []).map((f) => [f.name.toLowerCase(), fields[f.name] ?? null]);
  }
  const record = mapRecord(value) ?? {};
  return sortedMapKeys(record).map((key) => [key, (record[key] ?? null) as Dyn | null]);
}

function emitCollection(value: Dyn, indent: string, lines: string[], prefix: string): void {
  const kind = typeOf(value).kind;
  if (kind === 'slice') {
    const items = sliceItems(value) ?? [];
    items.forEach((item, index) => {
      const first = index === 0 ? prefix : indent;
      emitItem((item ?? null), indent, lines, `${first}- `, `${indent}  `);
    });
    return;
  }
  entriesOf(value).forEach(([key, item], index) => {
    const first = index === 0 ? prefix : indent;
    const keyText = scalarString(key, indent);
    if (item !== null && typeof item === 'object' && !isJsonNumber(item) && !(item instanceof GoBytes)) {
      const k = typeOf(item).kind;
      if ((k === 'map' || k === 'struct' || k === 'slice') && !isEmptyCollection(item) && !(k === 'map' && mapRecord(item) === null)) {
        lines.push(`${first}${keyText}:`);
        emitCollection(item, k === 'slice' ? indent : `${indent}  `, lines, k === 'slice' ? indent : `${indent}  `);
        return;
      }
    }
    emit(item, `${indent}  `, lines, `${first}${keyText}: `);
  });
}

function emitItem(item: Dyn | null, _indent: string, lines: string[], prefix: string, childIndent: string): void {
  if (item !== null && typeof item === 'object' && !isJsonNumber(item) && !(item instanceof GoBytes)) {
    const k = typeOf(item).kind;
    if ((k === 'map' || k === 'struct' || k === 'slice') && !isEmptyCollection(item)) {
      emitCollection(item, childIndent, lines, prefix);
      return;
    }
  }
  emit(item, childIndent, lines, prefix);
}

/** yaml.v2 Marshal + strings.TrimSpace. */
export function toYaml(value: Dyn | null): string {
  const lines: string[] = [];
  emit(value, '', lines, '');
  return lines.join('\n').trim();
}

function fromYaml(value: unknown): Dyn | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(fromYaml);
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, key, { value: fromYaml(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return (value as { toString(): string }).toString();
}

let yamlParse: ((text: string) => unknown) | undefined;

export function parseYamlValue(text: string): Dyn | null {
  // Loaded on first use: most agents never call parseYAML, and the idle memory budget is tight.
  yamlParse ??= (createRequire(import.meta.url)('yaml') as { parse: (text: string) => unknown }).parse;
  try {
    return fromYaml(yamlParse(text));
  } catch (error) {
    throw new FuncError(`parseYAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
