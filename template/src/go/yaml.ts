// toYAML as consul-template does it (gopkg.in/yaml.v2 Marshal, then TrimSpace): block style,
// sorted keys, 2-space indentation, sequences not indented under their key, json.Number emitted as
// a number, strings plain when they would read back as the same string, else quoted.
// parseYAML decodes with the `yaml` package into template values.
import { createRequire } from 'node:module';
import { isJsonNumber } from '../../../common/src/vault-json.js';
import { formatGoFloat } from './float-format.js';
import { FuncError } from './exec.js';
import { GoBytes, T, Typed, type Dyn, type GoType, indirect, intOf, mapRecord, sliceItems, sortedMapKeys, stringText, typeOf } from './values.js';
import { trimGoSpace } from '../../../common/src/trim.js';

const YAML_BOOLS = new Set(
  'y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' '),
);
const YAML_NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Whether a plain scalar would resolve to something other than this string in yaml.v2. */
function resolvesToNonString(s: string): boolean {
  if (YAML_NULLS.has(s) || YAML_BOOLS.has(s)) return true;
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(s) || /^(\.nan|\.NaN|\.NAN)$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  // strconv.ParseInt(plain, 0, 64) decides, so 0o17 is an int too (Go 1.13 syntax).
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain) || /^[-+]?0[xX][0-9a-fA-F]+$/.test(plain) || /^[-+]?0[bB][01]+$/.test(plain) || /^[-+]?0[oO]?[0-7]+$/.test(plain)) return true;
  if (/^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(plain)) return true;
  // isBase60Float (encode.go): sexagesimal-looking text is quoted; the fraction is optional.
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/.test(s)) return true;
  return false;
}

/**
 * yaml.v2's is_printable: newline, ASCII 0x20–0x7E, U+00A0–U+D7FF, U+E000–U+FFFD but not the BOM.
 * Anything else (C0/C1 controls, U+FEFF, characters beyond the BMP such as emoji) forces double quotes.
 */
const NON_PRINTABLE = /[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]|\ufeff/u;

const DOUBLE_QUOTE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, '\\0'], [0x07, '\\a'], [0x08, '\\b'], [0x09, '\\t'], [0x0a, '\\n'], [0x0b, '\\v'], [0x0c, '\\f'], [0x0d, '\\r'],
  [0x1b, '\\e'], [0x22, '\\"'], [0x5c, '\\\\'], [0x85, '\\N'], [0x2028, '\\L'], [0x2029, '\\P'],
]);

/**
 * yaml_emitter_write_double_quoted_scalar (unicode output): printable characters stay as they are;
 * breaks, quotes, backslashes and non-printables are escaped. yaml.v2's is_bom looks at the start of
 * the string whatever the position, so after a leading U+FEFF every character is escaped.
 */
function doubleQuote(s: string): string {
  const escapeAll = s.startsWith('\ufeff');
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (!escapeAll && !NON_PRINTABLE.test(ch) && !/[\n\r\u0085\u2028\u2029"\\]/.test(ch)) {
      out += ch;
      continue;
    }
    const named = c === 0xa0 ? '\\_' : DOUBLE_QUOTE_ESCAPES.get(c);
    if (named !== undefined) out += named;
    else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c <= 0xffff) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}

const YAML_BREAK = /[\n\r\u0085\u2028\u2029]/;

/**
 * yaml_emitter_write_literal_scalar: the header (|, an indentation indicator 2 when the text starts
 * with a space or a break, chomping - / clip / +), then the text with each line that has content
 * indented; a line break other than \n (U+2028, U+2029) is written as it is.
 */
function literalScalar(s: string, indent: string): string {
  const chars = [...s];
  const isBreak = (c: string | undefined): boolean => c !== undefined && YAML_BREAK.test(c);
  const last = chars.length - 1;
  let chomp = '-';
  if (isBreak(chars[last])) chomp = last === 0 || isBreak(chars[last - 1]) ? '+' : '';
  const hint = chars[0] === ' ' || isBreak(chars[0]) ? '2' : '';
  let out = `|${hint}${chomp}\n`;
  let breaks = true;
  for (const c of chars) {
    if (isBreak(c)) {
      out += c;
      breaks = true;
    } else {
      if (breaks) out += indent;
      breaks = false;
      out += c;
    }
  }
  // The emitter goes on from the text's own last line break; lines here are joined with one.
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}

interface ScalarAnalysis {
  /** Holds a line break (\n, \r, U+0085, U+2028, U+2029). */
  readonly multiline: boolean;
  readonly plainAllowed: boolean;
  readonly singleAllowed: boolean;
  readonly blockAllowed: boolean;
}

const isYamlBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isYamlBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * yaml_emitter_analyze_scalar in block context (https://github.com/go-yaml/yaml/blob/v2.4.0/emitterc.go):
 * which styles can hold the text. Indicators at the start (or ": " and " #" inside) rule out plain;
 * a leading or trailing space or break rules out plain; a break next to a space, or a character
 * that is not printable (tab, controls, U+0085, the BOM, anything beyond the BMP), rules out more.
 */
function analyzeScalar(s: string): ScalarAnalysis {
  if (s === '') return { multiline: false, plainAllowed: true, singleAllowed: true, blockAllowed: false };
  const chars = [...s];
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const last = chars.length - 1;
  for (let i = 0; i <= last; i += 1) {
    const c = chars[i] as string;
    const followedByWhitespace = i === last || isYamlBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if ((c === ':' && followedByWhitespace) || (c === '#' && precededByWhitespace)) blockIndicators = true;
    if (NON_PRINTABLE.test(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isYamlBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isYamlBlank(c) || isYamlBreak(c) || c === '\0';
  }
  const plainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks || blockIndicators);
  const singleAllowed = !(breakSpace || spaceBreak || special);
  const blockAllowed = !(trailingSpace || spaceBreak || special);
  return { multiline: lineBreaks, plainAllowed, singleAllowed, blockAllowed };
}

/** A key is written as `key: value` unless it spans lines or is longer than 128 bytes (then `? key`). */
function isSimpleKey(key: string): boolean {
  return !analyzeScalar(key).multiline && Buffer.byteLength(key, 'utf8') <= 128;
}

/**
 * The style yaml.v2 gives a string: it asks for a literal block when the text has a newline, for
 * plain when the text would read back as the same string, else for double quotes; the emitter
 * (yaml_emitter_select_scalar_style) then falls back plain → single → double, literal → double
 * (always for a simple key, which is on one line).
 */
function scalarString(s: string, indent: string, simpleKey = false): string {
  const a = analyzeScalar(s);
  let style: 'plain' | 'single' | 'double' | 'literal' = s.includes('\n') ? 'literal' : resolvesToNonString(s) ? 'double' : 'plain';
  if (style === 'plain' && (!a.plainAllowed || (s === '' && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  switch (style) {
    case 'plain':
      return s;
    case 'single':
      return `'${s.replace(/'/g, "''")}'`;
    case 'literal':
      return literalScalar(s, indent);
    default:
      return doubleQuote(s);
  }
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
  if (value instanceof GoBytes) return binaryScalar(value.bytes, indent);
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

/**
 * yaml.v2's stringv for bytes that are not UTF-8: tagged !!binary and base64-encoded, broken into
 * lines of 70 characters each ending in a newline once it is 70 or longer, so a long one is a
 * literal block (https://github.com/go-yaml/yaml/blob/v2.4.0/encode.go, resolve.go encodeBase64).
 */
function binaryScalar(bytes: Buffer, indent: string): string {
  const encoded = bytes.toString('base64');
  if (encoded.length < 70) return `!!binary ${encoded}`;
  let lines = '';
  for (let i = 0; i < encoded.length; i += 70) lines += `${encoded.slice(i, i + 70)}\n`;
  return `!!binary ${scalarString(lines, indent)}`;
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
  // yaml.v2 panics on a kind it cannot encode; text/template reports the panic as it is.
  if (text === null) throw new FuncError(`cannot marshal type: ${value === null ? 'nil' : typeOf(value).name}`);
  lines.push(`${prefix}${foldLongScalar(text, [...prefix].length, indent)}`);
}

/** yaml.v2's best_width: plain and single-quoted scalars break at a space past this column. */
const BEST_WIDTH = 80;

/**
 * yaml.v2's emitter folds a long plain or single-quoted scalar (a value, not a key): at a single
 * space once the column is past 80, it starts a new line at the value's indentation.
 * https://github.com/go-yaml/yaml/blob/v2.4.0/emitterc.go (yaml_emitter_write_plain_scalar,
 * yaml_emitter_write_single_quoted_scalar)
 */
function foldLongScalar(text: string, column: number, indent: string): string {
  if (text.length === 0 || column + [...text].length <= BEST_WIDTH + 1 || text.includes('\n')) return text;
  const quoted = text.startsWith("'");
  if (!quoted && /^["|>]/.test(text)) return text;
  const chars = [...(quoted ? text.slice(1, -1) : text)];
  let out = quoted ? "'" : '';
  let col = column + (quoted ? 1 : 0);
  let spaces = false;
  chars.forEach((c, i) => {
    if (c === ' ') {
      const edge = quoted && (i === 0 || i === chars.length - 1);
      if (!spaces && col > BEST_WIDTH && !edge && chars[i + 1] !== ' ') {
        out += `\n${indent}`;
        col = indent.length;
      } else {
        out += c;
        col += 1;
      }
      spaces = true;
      return;
    }
    out += c;
    col += 1;
    spaces = false;
  });
  return quoted ? `${out}'` : out;
}

function entriesOf(value: Dyn): [string, Dyn | null][] {
  const type = typeOf(value);
  if (type.kind === 'struct') {
    const fields = (value as Typed).raw as Record<string, Dyn>;
    return (type.fields ?? []).map((f) => [f.name.toLowerCase(), fields[f.name] ?? null]);
  }
  const record = mapRecord(value) ?? {};
  return sortedMapKeys(record)
    .sort(compareYamlKeys)
    .map((key) => [key, (record[key] ?? null) as Dyn | null]);
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);

/**
 * yaml.v2 orders map keys with its keyList.Less, not byte order: non-letters before letters, and runs
 * of digits by their value ("a9" before "a10"). https://github.com/go-yaml/yaml/blob/v2.4.0/sorter.go
 */
function compareYamlKeys(x: string, y: string): number {
  const less = (a: string[], b: string[]): boolean => {
    for (let i = 0; i < a.length && i < b.length; i += 1) {
      const ai0 = a[i] as string;
      const bi0 = b[i] as string;
      if (ai0 === bi0) continue;
      const al = isLetter(ai0);
      const bl = isLetter(bi0);
      if (al && bl) return (ai0.codePointAt(0) as number) < (bi0.codePointAt(0) as number);
      if (al || bl) return bl;
      let an = 0;
      let bn = 0;
      if (ai0 === '0' || bi0 === '0') {
        for (let j = i - 1; j >= 0 && isDigit(a[j] as string); j -= 1) {
          if (a[j] !== '0') {
            an = 1;
            bn = 1;
            break;
          }
        }
      }
      let ai = i;
      for (; ai < a.length && isDigit(a[ai] as string); ai += 1) an = an * 10 + ((a[ai] as string).codePointAt(0) as number) - 48;
      let bi = i;
      for (; bi < b.length && isDigit(b[bi] as string); bi += 1) bn = bn * 10 + ((b[bi] as string).codePointAt(0) as number) - 48;
      if (an !== bn) return an < bn;
      if (ai !== bi) return ai < bi;
      return (ai0.codePointAt(0) as number) < (bi0.codePointAt(0) as number);
    }
    return a.length < b.length;
  };
  const a = [...x];
  const b = [...y];
  if (less(a, b)) return -1;
  return less(b, a) ? 1 : 0;
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
    if (!isSimpleKey(key)) {
      // yaml_emitter_emit_block_mapping_key: `? key` on its own, then `: value` on the next line.
      lines.push(`${first}? ${foldLongScalar(scalarString(key, `${indent}  `), [...first].length + 2, `${indent}  `)}`);
      emitItem(item, indent, lines, `${indent}: `, `${indent}  `);
      return;
    }
    const keyText = scalarString(key, indent, true);
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
  // A scalar document's block and folded lines are indented by the emitter's two spaces, as
  // a mapping value's are; a collection starts at column 0.
  const kind = value === null ? 'nil' : typeOf(value).kind;
  const collection = kind === 'map' || kind === 'struct' || kind === 'slice' || kind === 'ptr';
  emit(value, collection ? '' : '  ', lines, '');
  return trimGoSpace(lines.join('\n'));
}

/** A float64 from a YAML scalar (an integral float such as 1.0 must not become an int). */
class YamlFloat {
  constructor(readonly value: number) {}
}

function fromYaml(value: unknown): Dyn | null {
  if (value === null || value === undefined) return null;
  if (value instanceof YamlFloat) return value.value;
  if (typeof value === 'bigint') return value <= 2n ** 63n - 1n ? value : new Typed(T.uint64, value);
  if (Array.isArray(value)) return value.map(fromYaml);
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, key, { value: fromYaml(item), enumerable: true, writable: true, configurable: true });
    }
    return new Typed(MAP_IFACE_IFACE, out);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return (value as { toString(): string }).toString();
}

/**
 * yaml.v2 decodes a mapping into interface{} as map[interface{}]interface{}: field access, index
 * and range work on it, but toJSON refuses it and map[string]interface{} parameters do not take it.
 * Keys are kept as the text they print as.
 */
export const MAP_IFACE_IFACE: GoType = { name: 'map[interface {}]interface {}', kind: 'map', key: T.iface, elem: T.iface };

const YAML_TRUE = new Set('y Y yes Yes YES true True TRUE on On ON'.split(' '));
const YAML_FALSE = new Set('n N no No NO false False FALSE off Off OFF'.split(' '));
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * yaml.v2's resolve for a plain, untagged scalar decoded into interface{}
 * (https://github.com/go-yaml/yaml/blob/v2.4.0/resolve.go): YAML 1.1 booleans and nulls, ints by
 * strconv.ParseInt(s, 0, 64) after dropping underscores (017 is octal, 0x1F hex), then uint64, then
 * floats; timestamps stay strings when decoded into interface{}, and so does anything else.
 */
function resolvePlain(s: string): unknown {
  if (YAML_TRUE.has(s)) return true;
  if (YAML_FALSE.has(s)) return false;
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return new YamlFloat(s.startsWith('-') ? -Infinity : Infinity);
  if (/^\.(nan|NaN|NAN)$/.test(s)) return new YamlFloat(Number.NaN);
  const first = s[0] as string;
  if (first === '.') {
    const f = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) ? Number(s) : Number.NaN;
    return Number.isFinite(f) ? new YamlFloat(f) : s;
  }
  if (!/[-+0-9]/.test(first)) return s;
  const plain = s.replace(/_/g, '');
  const int = parseGoInt0(plain);
  if (int !== null && int >= -(2n ** 63n) && int <= 2n ** 64n - 1n) return int;
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return new YamlFloat(f);
  }
  return s;
}

/** strconv.ParseInt/ParseUint(s, 0, 64) syntax: sign, then 0x / 0o / 0b / leading-0 octal / decimal. */
function parseGoInt0(s: string): bigint | null {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (m === null) return null;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (m[1] === '-') {
    // ParseUint refuses a sign; ParseInt allows down to -2^63.
    return -v >= -(2n ** 63n) ? -v : null;
  }
  return v <= 2n ** 63n - 1n || m[1] === '' ? v : null;
}

/** The text a resolved key prints as: keys stay strings here (yaml.v2 gives map[interface{}]interface{}). */
function keyText(resolved: unknown): string {
  if (resolved === null) return '<nil>';
  if (resolved instanceof YamlFloat) return formatYamlKeyFloat(resolved.value);
  if (typeof resolved === 'bigint' || typeof resolved === 'boolean') return resolved.toString();
  return typeof resolved === 'string' ? resolved : '';
}

function formatYamlKeyFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return formatGoFloat(f, 'g', -1);
}

interface YamlDocument {
  errors: { message: string }[];
  toJS(options: object): unknown;
}

interface YamlLib {
  parseAllDocuments(text: string, options: object): YamlDocument[] | { errors: { message: string }[] };
  visit(node: unknown, visitor: { Scalar(key: unknown, node: { type?: string; tag?: string; value: unknown }): void }): void;
}

let yamlLib: YamlLib | undefined;

export function parseYamlValue(text: string): Dyn | null {
  // Loaded on first use: most agents never call parseYAML, and the idle memory budget is tight.
  yamlLib ??= createRequire(import.meta.url)('yaml') as YamlLib;
  try {
    // Every scalar is read as text (failsafe) and plain ones are resolved as yaml.v2 does; a
    // repeated key keeps its last value.
    // yaml.v2's Unmarshal reads the first document of a stream only.
    const docs = yamlLib.parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, merge: true });
    if (!Array.isArray(docs)) throw docs.errors[0] as Error;
    const doc = docs[0];
    if (doc === undefined) return fromYaml(null);
    if (doc.errors.length > 0) throw doc.errors[0] as Error;
    yamlLib.visit(doc, {
      Scalar(key, node) {
        if (node.type !== 'PLAIN' || node.tag !== undefined || typeof node.value !== 'string') return;
        const resolved = resolvePlain(node.value);
        if (key === 'key') {
          if (node.value !== '<<') node.value = keyText(resolved);
        } else node.value = resolved;
      },
    });
    return fromYaml(doc.toJS({ maxAliasCount: 1000 }));
  } catch (error) {
    throw new FuncError(`parseYAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}
