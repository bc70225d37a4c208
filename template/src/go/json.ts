// encoding/json for template values: json.Marshal / MarshalIndent (sorted keys, HTML escaping,
// json.Number verbatim, Go's float formatting), and json.Unmarshal into interface{} (float64
// numbers) with Go's error texts for the common syntax errors.
import { isJsonNumber } from '../../../common/src/vault-json.js';
import { formatGoFloat } from './float-format.js';
import { FuncError } from './exec.js';
import { scanJson } from './json-scan.js';
import type {
  Typed} from './values.js';
import {
  GoBytes,
  type Dyn,
  indirect,
  intOf,
  mapRecord,
  sliceItems,
  sortedMapKeys,
  stringText,
  goLossyText,
  goStringFromText,
  typeOf,
} from './values.js';

const HEX = '0123456789abcdef';

export function encodeString(value: string | GoBytes, escapeHTML: boolean): string {
  // Invalid bytes arrive as lone surrogate escapes, each written as the escape \ufffd (a valid
  // U+FFFD is written as itself), as encoding/json's encodeState.string does.
  const text = stringText(value);
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (!escapeHTML || (c !== 0x3c && c !== 0x3e && c !== 0x26))) {
        out += text[i] ?? '';
        continue;
      }
      switch (c) {
        case 0x22:
          out += '\\"';
          break;
        case 0x5c:
          out += '\\\\';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        default:
          out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += `\\u202${HEX[c & 0xf]}`;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += (text[i] ?? '') + (text[i + 1] ?? '');
        i += 1;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? '\\ufffd' : (text[i] ?? '');
  }
  return `${out}"`;
}

function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) throw new FuncError(`json: unsupported value: ${formatGoFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let out = formatGoFloat(f, fmt, -1);
  if (fmt === 'e') {
    // clean up e-09 to e-9
    const n = out.length;
    if (n >= 4 && out[n - 4] === 'e' && out[n - 3] === '-' && out[n - 2] === '0') out = out.slice(0, n - 2) + out.slice(n - 1);
  }
  return out;
}

const NUMBER_LITERAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

interface EncodeOptions {
  readonly escapeHTML: boolean;
  readonly indent: string | null;
}

function encode(value: Dyn | null, options: EncodeOptions, depth: number): string {
  if (value === null) return 'null';
  const nl = options.indent === null ? '' : `\n${options.indent.repeat(depth + 1)}`;
  const close = options.indent === null ? '' : `\n${options.indent.repeat(depth)}`;
  const colon = options.indent === null ? ':' : ': ';
  switch (typeof value) {
    case 'string':
      return encodeString(value, options.escapeHTML);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeFloat(value);
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value instanceof GoBytes) return encodeString(value, options.escapeHTML);
  if (isJsonNumber(value)) {
    const text = value.toString();
    if (text === '') return '0';
    if (!NUMBER_LITERAL.test(text)) throw new FuncError(`json: invalid number literal ${JSON.stringify(text)}`);
    return text;
  }
  const type = typeOf(value);
  switch (type.kind) {
    case 'int':
    case 'int64':
    case 'uint8':
    case 'uint64':
      return intOf(value).toString();
    case 'string':
      return encodeString((value as Typed).raw as string, options.escapeHTML);
    case 'map': {
      // encoding/json takes string (or integer, or TextMarshaler) keys only.
      if (type.key !== undefined && type.key.kind === 'interface') throw new FuncError(`json: unsupported type: ${type.name}`);
      const record = mapRecord(value);
      if (record === null) return 'null';
      const keys = sortedMapKeys(record);
      if (keys.length === 0) return '{}';
      const parts = keys.map((key) => `${encodeString(key, options.escapeHTML)}${colon}${encode(slot(record[key]), options, depth + 1)}`);
      return `{${nl}${parts.join(`,${nl}`)}${close}}`;
    }
    case 'slice': {
      const items = sliceItems(value);
      if (items === null) return 'null';
      if (items.length === 0) return '[]';
      const parts = items.map((item) => encode(slot(item), options, depth + 1));
      return `[${nl}${parts.join(`,${nl}`)}${close}]`;
    }
    case 'ptr': {
      const target = indirect(value);
      return target.isNil ? 'null' : encode(target.value as Dyn, options, depth);
    }
    case 'struct': {
      const fields = (value as Typed).raw as Record<string, Dyn>;
      const list = type.fields ?? [];
      if (list.length === 0) return '{}';
      const parts = list.map((f) => `${encodeString(f.name, options.escapeHTML)}${colon}${encode(fields[f.name] as Dyn, options, depth + 1)}`);
      return `{${nl}${parts.join(`,${nl}`)}${close}}`;
    }
    case 'complex128':
      throw new FuncError('json: unsupported type: complex128');
    default:
      throw new FuncError(`json: unsupported type: ${type.name}`);
  }
}

function slot(value: unknown): Dyn | null {
  return value === undefined || value === null ? null : (value);
}

/** json.Marshal (escapeHTML) or json.MarshalIndent(v, "", indent). */
export function marshalJson(value: Dyn | null, options: { escapeHTML: boolean; indent?: string }): string {
  return encode(value, { escapeHTML: options.escapeHTML, indent: options.indent ?? null }, 0);
}

// --- decoding ------------------------------------------------------------------------------------

/** json.Unmarshal(s, &v) with v interface{}: objects become maps, numbers float64. */
export function unmarshalJson(goText: string): Dyn | null {
  // A Go string with invalid bytes (surrogate escapes here) is scanned as those bytes, and each
  // one that survives into a JSON string decodes as U+FFFD, as encoding/json's unquote does.
  const goValue = goStringFromText(goText);
  const scan = scanJson(typeof goValue === 'string' ? Buffer.from(goValue, 'utf8') : goValue.bytes);
  const text = typeof goValue === 'string' ? goValue : goLossyText(goValue.bytes);
  if (scan.syntaxError !== null) throw new FuncError(scan.syntaxError);
  // A float64 overflow is an UnmarshalTypeError, reported once the valid input is decoded:
  // https://pkg.go.dev/encoding/json#UnmarshalTypeError
  if (scan.overflow !== null) throw new FuncError(`json: cannot unmarshal number ${scan.overflow} into Go value of type float64`);
  // The input is valid JSON (RFC 8259, the grammar JSON.parse accepts), nested at most 10000 deep;
  // JSON.parse does not recurse on the JS stack. Duplicate keys: the last wins, as in Go.
  const value = JSON.parse(text) as Dyn | null;
  return /\\u[dD][89a-fA-F]/.test(text) ? replaceLoneSurrogates(value) : value;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Go decodes an unpaired surrogate escape (\ud800) as U+FFFD; JSON.parse keeps it. Iterative. */
function replaceLoneSurrogates(root: Dyn | null): Dyn | null {
  const fix = (v: unknown): unknown => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\ufffd') : v);
  const holder: Record<string, unknown> = { v: fix(root) };
  const work: unknown[] = [holder.v];
  while (work.length > 0) {
    const node = work.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) {
        node[i] = fix(node[i]);
        work.push(node[i]);
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = fix(record[key]);
        const fixed = key.replace(LONE_SURROGATE, '\ufffd');
        if (fixed !== key) Reflect.deleteProperty(record, key);
        Object.defineProperty(record, fixed, { value, enumerable: true, writable: true, configurable: true });
        work.push(value);
      }
    }
  }
  return holder.v as Dyn | null;
}
