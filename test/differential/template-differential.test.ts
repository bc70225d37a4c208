// Differential property test: templates generated from a grammar of the dialect, with random data,
// rendered by our engine and by Go's text/template (gotemplate-oracle, one process per batch).
// Outputs must be the same bytes, errors must be errors of the same phase. A mismatch is replayed
// with fast-check's path and shrunk through `gotemplate-oracle -one`, and the minimal case printed.
import fc from 'fast-check';
import { GoTemplateEngine } from '../../template/src/index.js';
import { type CaseResult, parseCases, runCase } from '../../template/src/index.js';
import { goQuote } from '../../common/src/go-quote.js';
import { runOracle, sameResult } from '../template/oracle-helpers.js';

const CASES = Number(process.env.TEMPLATE_DIFF_CASES ?? 6000);
const BATCH = 2000;
const SEED = Number(process.env.TEMPLATE_DIFF_SEED ?? Date.now() % 2 ** 31);

// --- the grammar -----------------------------------------------------------------------------------

const KEYS = ['a', 'b', 's', 'n', 'list', 'm', 'x'] as const;
const CHARS = ['a', 'b', 'z', ' ', ' ', '\n', '\t', 'é', '日', '😀', '<', '&', '"', "'", '\\', '%', '-', '0', '1', '.', ',', ':', 'ß', 'İ', '=', '/', '{', '}'];

const str = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 6 });
const key = fc.constantFrom(...KEYS);

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    str,
    fc.integer({ min: -1000, max: 100000 }),
    fc.constantFrom(0, 1, -1, 1.5, 0.25, 1e21, 1e-7, 123456789, -0.5),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const data = fc.dictionary(key, jsonValue, { maxKeys: 7 });

const VERBS = ['%v', '%s', '%d', '%q', '%x', '%5.2f', '%-4v|', '%t', '%T', '%+v', '%05d', '%e', '%g', '%8.3s', '%%', '%c', '%U'];
const FUNCS1 = ['len', 'not', 'toUpper', 'toLower', 'toTitle', 'trimSpace', 'toJSON', 'html', 'js', 'urlquery', 'base64Encode', 'print', 'println', 'parseJSON'];

function operand(vars: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('.', '$'),
    { weight: 4, arbitrary: key.map((k) => `.${k}`) },
    fc.tuple(key, key).map(([a, b]) => `.${a}.${b}`),
    key.map((k) => `$.${k}`),
    ...(vars.length > 0 ? [fc.constantFrom(...vars), fc.tuple(fc.constantFrom(...vars), key).map(([v, k]) => `${v}.${k}`)] : []),
    str.map((s) => goQuote(s)),
    fc.constantFrom('0', '1', '-2', '3.5', '1e3', '0x1F', "'a'", 'true', 'false', '"0"', '""', '`raw`'),
  );
}

function expression(vars: readonly string[], depth: number): fc.Arbitrary<string> {
  const leaf = operand(vars);
  if (depth <= 0) return leaf;
  const sub = expression(vars, depth - 1);
  const paren = sub.map((e) => (/\s/.test(e) ? `(${e})` : e));
  return fc.oneof(
    { weight: 12, arbitrary: leaf },
    fc.tuple(fc.constantFrom(...FUNCS1), paren).map(([f, a]) => `${f} ${a}`),
    fc.tuple(fc.constantFrom('eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'), paren, paren).map(([f, a, b]) => `${f} ${a} ${b}`),
    fc.tuple(fc.constantFrom(...VERBS), fc.array(paren, { maxLength: 2 })).map(([v, args]) => `printf ${goQuote(v)}${args.map((a) => ` ${a}`).join('')}`),
    fc.tuple(paren, fc.oneof(key.map((k) => goQuote(k)), fc.constantFrom('0', '1', '2'))).map(([a, i]) => `index ${a} ${i}`),
    fc.tuple(paren, fc.constantFrom('0', '1', '0 1', '1 2')).map(([a, i]) => `slice ${a} ${i}`),
    fc.tuple(paren, fc.constantFrom('","', '" "', '"a"')).map(([a, sep]) => `split ${sep} ${a}`),
    paren.map((a) => `join "," (split "," ${a})`),
    fc.tuple(paren, paren).map(([a, b]) => `contains ${a} ${b}`),
    fc.tuple(paren, str).map(([a, s]) => `replaceAll ${goQuote(s)} "-" ${a}`),
    fc.tuple(sub, fc.constantFrom('printf "%v"', 'toJSON', 'len', 'print "x"', 'html', 'toUpper')).map(([a, f]) => `${a} | ${f}`),
  );
}

interface Scope {
  readonly vars: readonly string[];
  readonly inRange: boolean;
  readonly depth: number;
}

function action(inner: string): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom('{{', '{{', '{{- '), fc.constantFrom('}}', '}}', ' -}}')).map(([l, r]) => `${l}${l === '{{' ? ' ' : ''}${inner}${r === '}}' ? ' ' : ''}${r}`);
}

function block(scope: Scope): fc.Arbitrary<string> {
  return fc.array(statement(scope), { maxLength: scope.depth > 0 ? 2 : 4 }).map((parts) => parts.join(''));
}

function statement(scope: Scope): fc.Arbitrary<string> {
  const text = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 5 }).filter((t) => !t.includes('{{'));
  const expr = expression(scope.vars, 2);
  const options: fc.Arbitrary<string>[] = [text, expr.chain((e) => action(e)), fc.constant('{{/* c */}}'), fc.constant('{{- /* c */ -}}')];
  options.push(fc.tuple(fc.constantFrom('$x', '$y'), expr).chain(([v, e]) => action(`${scope.vars.includes(v) ? v.slice(0) + ' =' : v + ' :='} ${e}`)));
  if (scope.inRange) options.push(fc.constantFrom('{{ break }}', '{{ continue }}', '{{ if $i }}{{ continue }}{{ end }}'));
  if (scope.depth < 2) {
    const nested = (extra: Partial<Scope>): Scope => ({ ...scope, depth: scope.depth + 1, ...extra });
    options.push(
      fc.tuple(expr, block(nested({})), fc.option(expr, { nil: undefined }), fc.option(block(nested({})), { nil: undefined })).map(
        ([c, body, elif, other]) => `{{ if ${c} }}${body}${elif !== undefined ? `{{ else if ${elif} }}${body}` : ''}${other !== undefined ? `{{ else }}${other}` : ''}{{ end }}`,
      ),
      fc.tuple(expr, block(nested({})), fc.option(block(nested({})), { nil: undefined })).map(
        ([c, body, other]) => `{{ with ${c} }}${body}${other !== undefined ? `{{ else }}${other}` : ''}{{ end }}`,
      ),
      fc.tuple(expr, block(nested({ inRange: true, vars: [...scope.vars, '$i', '$e'] })), fc.option(block(nested({})), { nil: undefined })).map(
        ([c, body, other]) => `{{ range $i, $e := ${c} }}${body}${other !== undefined ? `{{ else }}${other}` : ''}{{ end }}`,
      ),
      fc.tuple(expr, block(nested({ inRange: true }))).map(([c, body]) => `{{- range ${c} -}}${body}{{ end }}`),
      expr.map((e) => `{{ template "t" ${e} }}`),
    );
  }
  return fc.oneof(...options);
}

const templateArb = fc
  .tuple(block({ vars: ['$x', '$y'], inRange: false, depth: 0 }), fc.boolean())
  .map(([body, define]) => `{{ $x := .a }}{{ $y := .list }}${body}${define ? '{{ define "t" }}[{{ . }}]{{ end }}' : '{{ define "t" }}{{ . | printf "%v" }}{{ end }}'}`);

interface GeneratedCase {
  readonly template: string;
  readonly data: Record<string, unknown>;
  readonly missingkey: 'default' | 'zero' | 'error';
}

const caseArb: fc.Arbitrary<GeneratedCase> = fc.record({
  template: templateArb,
  data,
  missingkey: fc.constantFrom('zero', 'zero', 'zero', 'default', 'default', 'error'),
});

function toProtocol(c: GeneratedCase, id: string): Record<string, unknown> {
  return { id, template: c.template, data: c.data, options: { missingkey: c.missingkey } };
}

// strconv.Quote's notion of printable is unicode.IsPrint: a no-break space, zero-width and format
// characters, C1 controls, private use and unassigned code points are escaped; combining marks and
// other printable non-ASCII runes are not; invalid UTF-8 bytes come out as \xNN. %+q is
// QuoteToASCII, %#q a raw string when strconv.CanBackquote allows, %q of an integer QuoteRune.
const QUOTE_CASES: readonly string[] = [
  String.raw`{{ printf "%q" "a\u00a0b" }}`,
  String.raw`{{ printf "%q" "a\u200bb\ufeffc\u0085d" }}`,
  String.raw`{{ printf "%q" "e\u0301 \u0301 \u00ad \u2028 \u202e \ue000 \U0001F600 \U000E0001 \ufffd \u0378" }}`,
  String.raw`{{ printf "%+q" "é\u00a0日😀\x01" }}`,
  String.raw`{{ printf "%#q" "tab\there é" }}`,
  String.raw`{{ printf "%#q" "back` + '`' + String.raw`quote" }}`,
  String.raw`{{ printf "%#q" "bom\ufeff" }}`,
  String.raw`{{ printf "%#q" "nl\n" }}`,
  String.raw`{{ printf "%q" "\xff\xfe a\xc3 \xef\xbf\xbd \xed\xa0\x80 \xf4\x90\x80\x80" }}`,
  String.raw`{{ printf "%+q" "\xffé" }}`,
  String.raw`{{ printf "%#q" "\xff" }}`,
  String.raw`{{ printf "%x %q" "\xff" (slice "é" 0 1) }}`,
  String.raw`{{ printf "%q %+q %q %q %q" 160 233 65279 39 34 }}`,
  String.raw`{{ printf "%q %q %q" 55296 1114112 -1 }}`,
  String.raw`{{ printf "%#U %#U %#U" 160 769 8203 }}`,
  String.raw`{{ printf "%.2q|%8q|%-8q|" "\u00a0\u00a0\u00a0" "\u200b" "é" }}`,
  String.raw`{{ printf "%q" .s }}`,
  String.raw`{{ js "a\u00a0b\u2028c\u200b" }}`,
];

function ours(json: string, engine: GoTemplateEngine): CaseResult[] {
  return (parseCases(json) as unknown[]).map((raw) => runCase(raw, { engine, oracleFunctions: true }));
}

describe('differential test against Go text/template', () => {
  it(`renders ${CASES} generated templates exactly as Go does (seed ${SEED})`, () => {
    const engine = new GoTemplateEngine();
    const samples = fc.sample(caseArb, { seed: SEED, numRuns: CASES });
    let firstFailure = -1;
    let compared = 0;
    let errors = 0;
    for (let start = 0; start < samples.length && firstFailure < 0; start += BATCH) {
      const batch = samples.slice(start, start + BATCH).map((c, i) => toProtocol(c, String(start + i)));
      const json = JSON.stringify(batch);
      const want = runOracle(json);
      const got = ours(json, engine);
      for (let i = 0; i < batch.length; i += 1) {
        compared += 1;
        if ((want[i] as CaseResult).phase !== undefined) errors += 1;
        if (!sameResult(got[i] as CaseResult, want[i] as CaseResult)) {
          firstFailure = start + i;
          break;
        }
      }
    }
    if (firstFailure >= 0) {
      // Replay that run and let fast-check shrink it, one oracle process per candidate.
      const details = fc.check(
        fc.property(caseArb, (c) => {
          const json = JSON.stringify(toProtocol(c, 'shrunk'));
          const want = runOracle(json, ['-one'])[0] as CaseResult;
          const got = runCase(parseCases(json), { engine, oracleFunctions: true });
          return sameResult(got, want);
        }),
        { seed: SEED, path: String(firstFailure), numRuns: 1 },
      );
      const minimal = details.counterexample?.[0] ?? samples[firstFailure];
      const json = JSON.stringify(toProtocol(minimal as GeneratedCase, 'shrunk'));
      const report = { case: JSON.parse(json) as unknown, go: runOracle(json, ['-one'])[0], ours: runCase(parseCases(json), { engine, oracleFunctions: true }) };
      throw new Error(`engine differs from Go (seed ${SEED}, run ${firstFailure}); minimal case:\n${JSON.stringify(report, null, 2)}`);
    }
    expect(compared).toBe(CASES);
    // The grammar must mostly produce templates that run: a run full of errors proves little.
    expect(errors / compared).toBeLessThan(0.6);
  });
  it('quotes non-printing and printable non-ASCII runes and invalid UTF-8 as Go does (%q, %+q, %#q, QuoteRune)', () => {
    const engine = new GoTemplateEngine();
    const data = { s: 'x\u00a0\u0085\u200b\u0301\ufeff\u{1F600}' };
    const json = JSON.stringify(QUOTE_CASES.map((template, i) => ({ id: String(i), template, data, options: { missingkey: 'zero' } })));
    const want = runOracle(json);
    const got = ours(json, engine);
    expect(want.every((result) => result.output !== undefined)).toBe(true);
    const mismatches = want.flatMap((result, i) =>
      sameResult(got[i] as CaseResult, result) ? [] : [{ template: QUOTE_CASES[i], go: result.output, ours: got[i]?.output ?? got[i]?.error }],
    );
    expect(mismatches).toEqual([]);
  });
});
