// Go's regexp package for the template functions (regexMatch, regexReplaceAll, sprig's regex*).
// Go compiles RE2 syntax and matches in linear time; JS RegExp has another syntax (no [[:alpha:]],
// \Q…\E, \z, \x{…}; Unicode \s; lookaheads and backreferences accepted) and backtracks, so a hostile
// pattern like (a+)+$ could stall the agent. re2js, a JavaScript port of RE2J, parses Go's syntax
// with Go's error texts and matches in linear time: https://github.com/le0pard/re2js
// The match-walking rules (empty matches next to a previous match, $name expansion) follow
// https://pkg.go.dev/regexp#Regexp.ReplaceAllString and https://pkg.go.dev/regexp#Regexp.Expand.
// re2js is loaded on first use (createRequire keeps the call synchronous, as the engine is).
import { createRequire } from 'node:module';
import { FuncError } from './exec.js';

interface Re2Matcher {
  find(start?: number | null): boolean;
  start(group?: number): number;
  end(group?: number): number;
}
interface Re2Pattern {
  matcher(input: string): Re2Matcher;
  groupCount(): number;
  namedGroups(): Record<string, number>;
}
interface Re2Module {
  RE2JS: { compile(regex: string): Re2Pattern };
}

let re2: Re2Module | undefined;
function re2Module(): Re2Module {
  re2 ??= createRequire(import.meta.url)('re2js') as Re2Module;
  return re2;
}

/** One match: [start, end] of the whole match, then of each group (-1 when a group did not take part). */
export type MatchIndex = number[];

export class GoRegexp {
  private readonly names: Record<string, number>;
  private readonly groups: number;

  constructor(
    readonly source: string,
    private readonly pattern: Re2Pattern,
  ) {
    this.names = pattern.namedGroups();
    this.groups = pattern.groupCount();
  }

  matchString(s: string): boolean {
    return this.pattern.matcher(s).find();
  }

  /** The leftmost match, or null. */
  findIndex(s: string): MatchIndex | null {
    const m = this.pattern.matcher(s);
    return m.find() ? this.indexOf(m) : null;
  }

  /**
   * Successive non-overlapping matches, as Go's allMatches: an empty match right after the
   * previous match is skipped, and the search advances at least one character. n < 0: all.
   */
  findAllIndex(s: string, n: number): MatchIndex[] {
    const out: MatchIndex[] = [];
    const m = this.pattern.matcher(s);
    let pos = 0;
    let prevEnd = -1;
    while (pos <= s.length && (n < 0 || out.length < n)) {
      if (!m.find(pos)) break;
      const index = this.indexOf(m);
      const [start, end] = index as [number, number];
      let accept = true;
      if (end === pos) {
        // An empty match at the search position: not right after the previous match; step one rune.
        if (start === prevEnd) accept = false;
        pos += charWidth(s, pos);
      } else pos = end;
      prevEnd = end;
      if (accept) out.push(index);
    }
    return out;
  }

  /** Regexp.ReplaceAllString (expand = true) or ReplaceAllLiteralString (expand = false). */
  replaceAll(src: string, repl: string, expand: boolean): string {
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    const m = this.pattern.matcher(src);
    while (searchPos <= src.length) {
      if (!m.find(searchPos)) break;
      const index = this.indexOf(m);
      const [start, end] = index as [number, number];
      out += src.slice(lastMatchEnd, start);
      // No replacement for an empty match right after the previous match.
      if (end > lastMatchEnd || start === 0) out += expand ? this.expand(repl, src, index) : repl;
      lastMatchEnd = end;
      const width = charWidth(src, searchPos);
      if (searchPos + width > end) searchPos += width;
      else if (searchPos + 1 > end) searchPos += 1;
      else searchPos = end;
    }
    return out + src.slice(lastMatchEnd);
  }

  /** Regexp.Expand: $1, ${1}, $name, ${name}, $$; a malformed $ is kept; unknown groups are empty. */
  expand(template: string, src: string, index: MatchIndex): string {
    let out = '';
    let rest = template;
    for (;;) {
      const dollar = rest.indexOf('$');
      if (dollar < 0) break;
      out += rest.slice(0, dollar);
      rest = rest.slice(dollar + 1);
      if (rest.startsWith('$')) {
        out += '$';
        rest = rest.slice(1);
        continue;
      }
      const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
      if (ref === null) {
        out += '$';
        continue;
      }
      rest = rest.slice(ref[0].length);
      const name = (ref[1] ?? ref[2]) as string;
      let group = -1;
      if (/^[0-9]+$/.test(name) && !(name.length > 1 && name.startsWith('0')) && name.length <= 9) group = Number(name);
      else if (Object.prototype.hasOwnProperty.call(this.names, name)) group = this.names[name] as number;
      const from = index[2 * group];
      if (group >= 0 && group <= this.groups && from !== undefined && from >= 0) out += src.slice(from, index[2 * group + 1]);
    }
    return out + rest;
  }

  private indexOf(m: Re2Matcher): MatchIndex {
    const index: MatchIndex = [];
    for (let g = 0; g <= this.groups; g += 1) index.push(m.start(g), m.end(g));
    return index;
  }
}

function charWidth(s: string, at: number): number {
  if (at >= s.length) return 1;
  const code = s.charCodeAt(at);
  return code >= 0xd800 && code <= 0xdbff && at + 1 < s.length ? 2 : 1;
}

// Templates re-render on every secret change with the same few patterns: keep them compiled.
const CACHE_LIMIT = 256;
const cache = new Map<string, GoRegexp>();

/** regexp.Compile: throws FuncError("error parsing regexp: …") with Go's text. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: GoRegexp;
  try {
    compiled = new GoRegexp(pattern, re2Module().RE2JS.compile(pattern));
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (!message.startsWith('error parsing regexp: ')) message = `error parsing regexp: ${message}`;
    // Go's syntax.Error always ends with the offending text, empty for a trailing backslash.
    if (message.endsWith('trailing backslash at end of expression')) message += ': ``';
    throw new FuncError(message);
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}
