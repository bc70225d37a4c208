// Command-line parsing with the rules of Go's `flag` package, which vault-k8s uses: `-name=value`,
// `--name=value`, `-name value` (not for bools), bare `-name` for bools, `--` ends the flags and
// the first non-flag argument stops parsing (the deploy manifests pass a literal `2>&1` there).
// Unlike Go we keep going after an error, so every problem is reported at once.
import { parseGoBool } from '../../../common/src/go-strconv.js';
import { goQuote } from '../../../common/src/go-quote.js';
import type { FlagKind } from './flag-definitions.js';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
}

/** One command-line error: what went wrong with which flag, and Go's flag package text for it. */
export interface FlagProblem {
  readonly kind: 'unknown' | 'bool' | 'argument' | 'syntax';
  /** The flag name as given (for 'syntax', the whole argument). */
  readonly name: string;
  /** The value given, for 'bool'. */
  readonly value?: string;
  readonly goText: string;
}

export interface ParsedFlags {
  /** Values given on the command line, by flag name (last one wins, as in Go). */
  readonly values: ReadonlyMap<string, string>;
  /** Arguments left after the flags (ignored by vault-k8s). */
  readonly rest: readonly string[];
  readonly problems: readonly FlagProblem[];
  readonly helpRequested: boolean;
}

interface FlagToken {
  readonly name: string;
  readonly value: string | undefined;
}

/** Splits one argument that starts a flag; undefined when it is not a flag (parsing stops). */
function tokenize(arg: string): FlagToken | 'end' | 'bad' | undefined {
  if (arg.length < 2 || !arg.startsWith('-')) return undefined;
  const dashes = arg.startsWith('--') ? 2 : 1;
  if (arg === '--') return 'end';
  const body = arg.slice(dashes);
  if (body === '' || body.startsWith('-') || body.startsWith('=')) return 'bad';
  const equals = body.indexOf('=', 1);
  if (equals < 0) return { name: body, value: undefined };
  return { name: body.slice(0, equals), value: body.slice(equals + 1) };
}

interface FlagState {
  readonly values: Map<string, string>;
  readonly problems: FlagProblem[];
  helpRequested: boolean;
}

/** Applies one flag token; returns how many following arguments it consumed as its value. */
function applyToken(token: FlagToken, kind: FlagKind | undefined, next: string | undefined, state: FlagState): number {
  if (kind === undefined) {
    if (token.name === 'help' || token.name === 'h') state.helpRequested = true;
    else state.problems.push({ kind: 'unknown', name: token.name, goText: `flag provided but not defined: -${token.name}` });
    return 0;
  }
  if (kind === 'bool') {
    const text = token.value ?? 'true';
    const parsed = parseGoBool(text);
    if (parsed.ok) state.values.set(token.name, parsed.value ? 'true' : 'false');
    else state.problems.push({ kind: 'bool', name: token.name, value: text, goText: `invalid boolean value ${goQuote(text)} for -${token.name}: parse error` });
    return 0;
  }
  if (token.value !== undefined) {
    state.values.set(token.name, token.value);
    return 0;
  }
  if (next !== undefined) {
    state.values.set(token.name, next);
    return 1;
  }
  state.problems.push({ kind: 'argument', name: token.name, goText: `flag needs an argument: -${token.name}` });
  return 0;
}

export function parseGoFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const kinds = new Map(specs.map((spec) => [spec.name, spec.kind] as const));
  const state: FlagState = { values: new Map(), problems: [], helpRequested: false };
  let index = 0;
  while (index < args.length) {
    const arg = args[index] ?? '';
    const token = tokenize(arg);
    if (token === undefined) break;
    index += 1;
    if (token === 'end') break;
    if (token === 'bad') state.problems.push({ kind: 'syntax', name: arg, goText: `bad flag syntax: ${arg}` });
    else index += applyToken(token, kinds.get(token.name), args[index], state);
  }
  return { values: state.values, rest: args.slice(index), problems: state.problems, helpRequested: state.helpRequested };
}
