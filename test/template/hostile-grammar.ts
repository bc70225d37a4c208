// Seeded hostile templates for the Go engine: every function it defines (text/template builtins,
// consul-template's, Sprig's) called with 0–3 arguments drawn from values chosen to hurt (huge and
// negative counts, int64/uint64 edges, NaN-ish and malformed strings, regexes, nested lists and
// maps, nil), inside range/with/if/template recursion, doubling assignments and broken syntax. Used
// by hostile-templates.test.ts (fixed seed, `npm test`) and hostile-run.ts (many seeds, timings).
import fc from 'fast-check';
import { goQuote } from '../../common/src/go-quote.js';
import { builtinFunctions } from '../../template/src/go/builtins.js';
import { consulTemplateFunctions } from '../../template/src/go/functions.js';

/** Every function name the engine knows, builtins first. */
export const FUNCTION_NAMES: readonly string[] = [...builtinFunctions().keys(), ...consulTemplateFunctions().keys()];

const NUMBERS = ['0', '1', '-1', '3', '7', '64', '1000000', '1000000000', '2147483648', '9223372036854775807', '-9223372036854775808', '18446744073709551615', '1e308', '-1e308', '1e-300', '0.5', '-2.5', '0x7fffffff', "'\\n'", '1i'];
const STRINGS = ['', 'x', 'a,b,c', '(a*)*b', '[', '\\', '%', '%!', '%*d', '%.1000000f', '%v%v%v', 'é😀\u00a0\u200b', '{{', 'a\nb\n', '2006-01-02T15:04:05Z', '1h30m', '-5m', 'rsa', 'ecdsa', 'ed25519', 'sha256', '/etc/passwd', '../../x', 'k=v', '$HOME ${HOME}', '-1', 'NaN', 'Inf', '1e400', '{"a":[1,{"b":null}]}', '[[[[[[[[[[', 'a: [1, {b: c}]', '*', '1.2.3-beta+x', '>= 1.0', 'AES256Key-32Characters1234567890', 'aGVsbG8=', '  pad  ', 'true', '0o17'];
const VALUES = ['.', '$', '.s', '.l', '.m', '.n', '.deep', 'nil', 'true', 'false', '(sprig_list 1 "a" nil)', '(sprig_dict "a" 1 "b" (sprig_list 2))', '(loop 3)', '(sprig_until 5)', '(split "," "a,b")', '(parseJSON "{\\"k\\":[1,2]}")', '(sprig_now)', '(sprig_semver "1.2.3")'];

const pick = <T>(...items: T[]): fc.Arbitrary<T> => fc.constantFrom(...items);

/** How often (against ~20) a statement runs a loop up to the step budget: 0 in the jest test, which runs many cases. */
const HEAVY_WEIGHT = Number(process.env.HOSTILE_HEAVY ?? 0);

const leaf: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: pick(...NUMBERS) },
  { weight: 3, arbitrary: pick(...STRINGS).map((s) => goQuote(s)) },
  { weight: 3, arbitrary: pick(...VALUES) },
);

function call(depth: number): fc.Arbitrary<string> {
  const arg = depth <= 0 ? leaf : fc.oneof({ weight: 4, arbitrary: leaf }, call(depth - 1).map((c) => `(${c})`));
  return fc.tuple(pick(...FUNCTION_NAMES), fc.array(arg, { maxLength: 3 })).map(([f, args]) => [f, ...args].join(' '));
}

const expr = fc.oneof({ weight: 4, arbitrary: call(2) }, leaf, fc.tuple(call(1), pick(...FUNCTION_NAMES)).map(([c, f]) => `${c} | ${f}`));

function statement(depth: number): fc.Arbitrary<string> {
  const body = depth <= 0 ? expr.map((e) => `{{ ${e} }}`) : fc.array(statement(depth - 1), { maxLength: 3 }).map((s) => s.join(''));
  return fc.oneof(
    { weight: 12, arbitrary: expr.map((e) => `{{ ${e} }}`) },
    { weight: 2, arbitrary: leaf.map((e) => `{{ ${e} }}`) },
    fc.tuple(expr, body).map(([e, b]) => `{{ range $i, $v := ${e} }}${b}{{ end }}`),
    fc.tuple(expr, body).map(([e, b]) => `{{ with ${e} }}${b}{{ else }}-{{ end }}`),
    fc.tuple(expr, body).map(([e, b]) => `{{ if ${e} }}${b}{{ end }}`),
    expr.map((e) => `{{ $x := ${e} }}{{ range loop 30 }}{{ $x = print $x $x }}{{ end }}`),
    expr.map((e) => `{{ template "r" ${e} }}`),
    expr.map((e) => `{{ executeTemplate "r" ${e} }}`),
    pick('{{ (', '{{ end }}', '{{ define "r" }}{{ template "r" . }}{{ end }}', '{{ else }}', '{{ $undefined }}', '{{ break }}'),
    // Work up to the step budget (each of these takes a good part of a second).
    { weight: HEAVY_WEIGHT, arbitrary: pick('{{ range loop 100000 }}{{ range loop 100000 }}{{ end }}{{ end }}', '{{ range $i := sprig_until 1000000 }}{{ $i }}{{ end }}') },
  );
}

/** Recursion helpers appended to every template: "r" recurses without end (the depth limit stops it). */
const DEFINITIONS = '{{ define "r" }}{{ if . }}{{ template "r" . }}{{ end }}{{ end }}';

export interface HostileCase {
  readonly template: string;
  readonly missingKey: 'default' | 'zero' | 'error';
}

export const hostileCaseArb: fc.Arbitrary<HostileCase> = fc.record({
  template: fc.tuple(fc.array(statement(2), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([parts, defs]) => parts.join('') + (defs ? DEFINITIONS : '')),
  missingKey: pick('zero', 'default', 'error'),
});

/** The dot the cases render against. */
export const HOSTILE_DOT = { s: 'x', n: 42, l: [1, 'a', null, [2]], m: { a: 1, b: { c: [1, 2] } }, deep: { a: { b: { c: { d: { e: 'f' } } } } } };
