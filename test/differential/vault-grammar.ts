// A seeded grammar of Go templates over Vault-shaped data, for differential runs against Go's
// text/template (gotemplate-oracle). It builds well-formed templates from the dialect (trim
// markers, comments, parenthesised pipelines, `$x :=` / `$x =`, if / else if / with / range with
// break and continue, define / template / block, custom delimiters) calling the text/template
// builtins and the consul-template functions the oracle has, and then, for some cases, breaks them
// (a deleted character, a stray token, a cut) to reach the lexer's and parser's error paths.
// Data is what a Vault KV v2 read looks like (.Data.data, .Data.metadata) plus secrets for
// `secret`, with number literals written as text so json.Number keeps them as written.
// Used by generated-vault.test.ts (fixed seed) and generated-vault-run.ts (many seeds).
import fc from 'fast-check';
import { goQuote } from '../../common/src/go-quote.js';

/** A JSON number literal, emitted verbatim (json.Number keeps its text). */
class Num {
  constructor(readonly text: string) {}
}

type JsonLike = string | boolean | null | Num | JsonLike[] | { [key: string]: JsonLike };

/** JSON text with Num literals as written and object keys in insertion order. */
export function jsonText(value: JsonLike): string {
  if (value instanceof Num) return value.text;
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
}

// --- data ------------------------------------------------------------------------------------------

const CHARS = ['a', 'b', 'Z', ' ', ' ', '\n', '\t', 'é', '日', '😀', '<', '>', '&', '"', "'", '\\', '%', '-', '0', '9', '.', ',', ':', '=', '/', '{', '}', '+', 'ß', 'İ', '\u00a0', '\u200b', '`', '|', '$'];
const strText = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 7 });
const NUMBER_TEXTS = ['0', '-0', '1', '-1', '42', '7', '1.50', '0.1', '-2.5', '1e3', '1E-7', '3.0', '100000000', '1e21', '123456789012345678901', '9007199254740993', '255', '65'];
/** Keys templates name: identifiers (reachable as .key) and some that only `index` reaches. */
export const DATA_KEYS = ['password', 'user', 'n', 's', 'f', 'list', 'm', 'b', 'e', 'ttl', 'Data', 'x'] as const;
const ODD_KEYS = ['dash-key', 'a.b', '日本', '', ' sp', '1x'];

const scalar: fc.Arbitrary<JsonLike> = fc.oneof(
  { weight: 4, arbitrary: strText },
  fc.constantFrom('', 'true', 'false', '42', '-7', '3.5', ' 12 ', 'a,b,c', 'a, b ,c', '{"k":[1,2]}', '[1,"x"]', 'aGVsbG8=', 'aGVsbG8', '<b>&amp;', "o'neil", 'T'),
  { weight: 3, arbitrary: fc.constantFrom(...NUMBER_TEXTS).map((t) => new Num(t)) },
  fc.boolean(),
  fc.constant(null),
);

const jsonValue: fc.Arbitrary<JsonLike> = fc.letrec<{ value: JsonLike }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: scalar },
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...DATA_KEYS) }, fc.constantFrom(...ODD_KEYS)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const kvData = fc.dictionary(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...DATA_KEYS) }, fc.constantFrom(...ODD_KEYS)), jsonValue, { maxKeys: 7 });

const metadata = fc.record({
  created_time: fc.constantFrom('2024-05-06T07:08:09.123456Z', ''),
  custom_metadata: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('owner', 'team'), strText, { maxKeys: 2 })),
  deletion_time: fc.constant(''),
  destroyed: fc.boolean(),
  version: fc.constantFrom(...['1', '3', '12'].map((t) => new Num(t))),
});

/** The dot: a KV v2 read's shape (`.Data.data`, `.Data.metadata`), some envelope fields, extra keys. */
const dotData: fc.Arbitrary<JsonLike> = fc.oneof(
  { weight: 15, arbitrary: fc.tuple(kvData, metadata, kvData, fc.constantFrom(...['0', '3600', '2764800'].map((t) => new Num(t))), fc.boolean()).map(
    ([data, meta, extra, lease, renewable]) => ({ ...extra, Data: { data, metadata: meta }, LeaseDuration: lease, Renewable: renewable }),
  ) },
  jsonValue,
);

export const SECRET_PATHS = { kv2: 'secret/data/app', kv1: 'secret/app', creds: 'database/creds/ro', auth: 'auth/token/lookup-self' } as const;

const secretsData: fc.Arbitrary<Record<keyof typeof SECRET_PATHS, JsonLike>> = fc.record({
  kv2: fc.tuple(kvData, metadata).map(([data, meta]) => ({ request_id: 'r-1', lease_duration: new Num('0'), data: { data, metadata: meta } })),
  kv1: kvData.map((data) => ({ lease_duration: new Num('2764800'), renewable: false, data, warnings: ['w<1>'] })),
  creds: fc.record({ username: strText, password: strText }).map((data) => ({ lease_id: 'database/creds/ro/abc', lease_duration: new Num('3600'), renewable: true, data })),
  auth: fc.constant({ auth: { client_token: 's.tok', accessor: 'acc', policies: ['default', 'web'], metadata: { role: 'web', 'a-b': '<x>' }, lease_duration: new Num('60'), renewable: true } }),
});


// --- templates -------------------------------------------------------------------------------------

/** Stand-ins for the delimiters while a template is built; replaced by the case's own. */
const L = '\u0001';
const R = '\u0002';

const NUMBER_LITERALS = ['0', '1', '-2', '3', '3.5', '1e3', '0x1F', '0o17', '0b101', '1_000', "'a'", "'\\n'", '.5', '-.5', '+3', '1i', '2.0', '1e21', '0.000001', '9223372036854775807', '-9223372036854775808', '18446744073709551615', '255', '65'];
const STRING_LITERALS = ['""', '"0"', '"a"', '"x,y"', '" a "', '"\\x41\\u00e9\\t"', '"<a href=\'x\'>&</a>"', '`raw\\n`', '"true"', '"42"', '"1.5"', '"aGk="', '"%d"', '"日本"', '"a\\"b"'];
const VERBS = ['%v', '%+v', '%#v', '%q', '%x', '%X', '%d', '%5.2f', '%-8s|', '%t', '%T', '%%', '%s', '%05d', '%e', '%g', '%.3s', '%c', '%U', '%o', '%b', '%8.3f', '%+d', '% x', '%#x', '%6.2v', '%[2]v', '%!', '%', '%z', '%#q', '%+q', '%#U', '%.3x', '%#g', '%#X', '%-5t|', '%O', '%E', '%G', '%*d', '%.*f', '%[1]*d', '%[3]v', '%#o', '%08.3e', '% d', '%+.2e', '%10.4v', '%-#8x|', '%p', '%.0f', '%.1q'];

export interface Scope {
  readonly vars: readonly string[];
  readonly inRange: boolean;
  readonly depth: number;
}

function pick<T>(...items: T[]): fc.Arbitrary<T> {
  return fc.constantFrom(...items);
}

function fieldPath(): fc.Arbitrary<string> {
  const key = pick(...DATA_KEYS);
  return fc.oneof(
    { weight: 3, arbitrary: key.map((k) => `.Data.data.${k}`) },
    key.map((k) => `.${k}`),
    fc.tuple(key, key).map(([a, b]) => `.Data.data.${a}.${b}`),
    pick('.Data.metadata.version', '.Data.metadata.created_time', '.Data.metadata', '.Data.data', '.Data', '.LeaseDuration', '.Renewable', '.Data.metadata.custom_metadata.owner'),
    { weight: 2, arbitrary: key.map((k) => `$.Data.data.${k}`) },
  );
}

function operand(vars: readonly string[]): fc.Arbitrary<string> {
  const key = pick(...DATA_KEYS);
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: pick('.', '$', 'nil', 'true', 'false') },
    { weight: 6, arbitrary: fieldPath() },
    { weight: 2, arbitrary: pick(...NUMBER_LITERALS) },
    { weight: 2, arbitrary: pick(...STRING_LITERALS) },
    { weight: 1, arbitrary: strText.map((s) => goQuote(s)) },
  ];
  if (vars.length > 0) {
    options.push({ weight: 3, arbitrary: pick(...vars) }, { weight: 1, arbitrary: fc.tuple(pick(...vars), key).map(([v, k]) => `${v}.${k}`) });
  }
  return fc.oneof(...options);
}

const paren = (e: string): string => (/[\s|]/.test(e) && !/^\(.*\)$/.test(e) ? `(${e})` : e);

/** Functions that want a string: given one most of the time (`print X`, a literal), anything sometimes. */
/**
 * With GOTEMPLATE_ORACLE_FUNCTIONS=consul-template the oracle is a scratch build that also has
 * consul-template's own functions (the one test/fixtures/gotemplate-regressions/upstream-*.json was
 * made with); the grammar then calls them too, and vault-diff.ts renders with all our functions.
 */
export const WITH_CONSUL_TEMPLATE_FUNCTIONS = process.env.GOTEMPLATE_ORACLE_FUNCTIONS === 'consul-template';
const EXTRA_STRING_FUNCS = WITH_CONSUL_TEMPLATE_FUNCTIONS ? ['toYAML', 'toTOML', 'parseYAML', 'parseUint', 'sha256Hex', 'md5sum', 'hmacSHA256Hex "k"', 'indent 2', 'trim " a"', 'trimPrefix "a"', 'trimSuffix "a"', 'regexMatch "^[a-z]+$"', 'regexReplaceAll "[aeiou]" "<$0>"', 'splitToMap "," "="', 'toUnescapedJSON', 'toUnescapedJSONPretty'] : [];
const EXTRA_BINARY = WITH_CONSUL_TEMPLATE_FUNCTIONS ? ['add', 'subtract', 'multiply', 'divide', 'modulo', 'minimum', 'maximum', 'in', 'containsAll', 'containsAny', 'containsNone', 'containsNotAll'] : [];
const EXTRA_PIPED = WITH_CONSUL_TEMPLATE_FUNCTIONS ? ['toYAML', 'toTOML', 'explodeMap', 'add 1', 'multiply 2.5', 'divide 2', 'modulo 3', 'maximum 0', 'in "a"', 'indent 4', 'parseYAML'] : [];

const STRING_FUNCS = [...EXTRA_STRING_FUNCS, 'len', 'html', 'js', 'urlquery', 'toLower', 'toUpper', 'toTitle', 'trimSpace', 'base64Encode', 'base64Decode', 'base64URLEncode', 'base64URLDecode', 'parseInt', 'parseFloat', 'parseBool', 'parseJSON', 'env', 'toJSON', 'split ","', 'split ""', 'contains "a"', 'replaceAll "a" "<"', 'replaceAll "" "-"'];
const UNARY = ['len', 'not', 'print', 'println', 'toJSON', 'toJSONPretty', 'call', 'secret', 'index', 'printf'];
const BINARY = [...EXTRA_BINARY, 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'index', 'split', 'join', 'contains', 'print', 'html', 'js', 'urlquery', 'printf'];
const PIPED = [...EXTRA_PIPED, 'printf "%v"', 'printf "%q"', 'printf "%5.2f"', 'printf "%d"', 'printf "[%-6s]"', 'printf "%x|%X"', 'printf "%T"', 'toJSON', 'len', 'print "x"', 'html', 'js', 'urlquery', 'toUpper', 'toLower', 'toTitle', 'trimSpace', 'split ","', 'join ","', 'replaceAll "a" "<"', 'contains "a"', 'base64Encode', 'base64Decode', 'parseInt', 'parseFloat', 'parseBool', 'parseJSON', 'toJSONPretty', 'index 0', 'eq "a"', 'not', 'println', 'and 1', 'or ""', 'len | printf "%03d"'];

export function expression(vars: readonly string[], depth: number): fc.Arbitrary<string> {
  const leaf = operand(vars);
  if (depth <= 0) return leaf;
  const sub = expression(vars, depth - 1).map(paren);
  const subs = (min: number, max: number): fc.Arbitrary<string> => fc.array(sub, { minLength: min, maxLength: max }).map((a) => a.join(' '));
  const stringArg = fc.oneof(
    { weight: 3, arbitrary: sub.map((e) => `(print ${e})`) },
    { weight: 1, arbitrary: sub.map((e) => `(printf "%v" ${e})`) },
    { weight: 2, arbitrary: pick(...STRING_LITERALS) },
    { weight: 1, arbitrary: strText.map((t) => goQuote(t)) },
    { weight: 2, arbitrary: sub },
  );
  // Lists straight from the data (never a slice of one: that keeps the capacity past its length).
  const listArg = fc.oneof(pick('.Data.data.list', '$y', '.Data.data', '(secret "auth/token/lookup-self").Auth.Policies', '(secret "secret/app").Warnings', '.Data.metadata'), stringArg.map((a) => `(split "," ${a})`), fieldPath(), ...(vars.length > 0 ? [pick(...vars)] : []));
  return fc.oneof(
    { weight: 10, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(pick(...STRING_FUNCS), stringArg).map(([f, a]) => `${f} ${a}`) },
    { weight: 1, arbitrary: fc.tuple(pick(...UNARY), sub).map(([f, a]) => `${f} ${a}`) },
    { weight: 3, arbitrary: fc.tuple(pick(...BINARY), sub, sub).map(([f, a, b]) => `${f} ${a} ${b}`) },
    { weight: 1, arbitrary: fc.tuple(pick('split', 'join', 'contains'), stringArg, fc.oneof(stringArg, listArg)).map(([f, a, b]) => `${f} ${a} ${b}`) },
    fc.tuple(pick('eq', 'and', 'or', 'index', 'print', 'replaceAll', 'ne', 'lt'), subs(0, 4)).map(([f, a]) => (a === '' ? f : `${f} ${a}`)),
    { weight: 2, arbitrary: fc.tuple(pick(...VERBS), fc.array(pick(...VERBS), { maxLength: 2 }), subs(0, 3)).map(([v, more, a]) => `printf ${goQuote([v, ...more].join(' '))}${a === '' ? '' : ` ${a}`}`) },
    { weight: 2, arbitrary: fc.tuple(listArg, pick('0', '1', '2', '-1', '"password"', '"user"', '"dash-key"', '"a.b"', '"日本"', '""', '"missing"', 'nil', '1.0', '.n', '$.Data.metadata.version'), fc.option(pick('0', '1', '"x"'), { nil: undefined })).map(([a, i, j]) => `index ${a} ${i}${j === undefined ? '' : ` ${j}`}`) },
    // A slice decoded from JSON may have room past its length (encoding/json grows it as append
    // does), and Go's slice checks indexes against that capacity: lists are sliced within their
    // length or far past any capacity (see docs/templates.md), strings anywhere.
    fc.tuple(listArg, pick('0', '1', '0 1', '1 1', '0 0 0', '0 1 1', '9', '-1', '0 9', '0 0', '0 0 9', 'nil')).map(([a, i]) => `slice ${a} ${i}`),
    fc.tuple(stringArg, pick('0', '1', '0 1', '1 2', '2 1', '0 0 0', '1 1 1', '5', '-1', '0 9', '1 1', '1 3', '(len $x)', '"1"', '1.0')).map(([a, i]) => `slice ${a} ${i}`),
    { weight: 2, arbitrary: fc.tuple(sub, pick(...PIPED), fc.option(pick(...PIPED), { nil: undefined })).map(([a, f, g]) => `${a} | ${f}${g === undefined ? '' : ` | ${g}`}`) },
    fc.tuple(sub, pick('password', 'data', 'Data', 'n', 'x', 'version')).map(([a, f]) => `(${a}).${f}`),
    // The auth secret's *SecretAuth is a live pointer, printed as its address (different every run,
    // and a function may cut into it): that secret is only reached through its fields.
    fc
      .tuple(pick(...Object.values(SECRET_PATHS), 'missing/path'), pick('', '.Data', '.Data.data', '.Data.data.password', '.Data.username', '.LeaseDuration', '.Auth.Policies', '.Auth.Metadata', '.Auth.Metadata.role', '.Warnings', '.WrapInfo', '.Data.metadata.version', '.Renewable', '.LeaseID', '.Auth.Nope'))
      .map(([p, f]) => (p === SECRET_PATHS.auth && (f === '' || f === '.Auth') ? [p, '.Auth.Policies'] : [p, f]))
      .map(([p, f]) => (f === '' ? `secret ${goQuote(p as string)}` : `(secret ${goQuote(p as string)})${f as string}`)),
    fc.tuple(stringArg, stringArg, stringArg).map(([a, b, c]) => `replaceAll ${a} ${b} ${c}`),
  );
}

function action(inner: string): fc.Arbitrary<string> {
  return fc.tuple(pick(`${L} `, `${L} `, `${L}- `, L, `${L}-\t`), pick(` ${R}`, ` ${R}`, ` -${R}`, R, `\n-${R}`)).map(([l, r]) => `${l}${inner}${r}`);
}

const TEXTS = fc.string({ unit: fc.constantFrom(...CHARS.filter((c) => c !== '{' && c !== '<' && c !== '['), '\n', ' ', '\n'), maxLength: 6 });

function block(scope: Scope): fc.Arbitrary<string> {
  return fc.array(statement(scope), { maxLength: scope.depth > 0 ? 2 : 4 }).map((parts) => parts.join(''));
}

function assignTarget(scope: Scope): fc.Arbitrary<string> {
  // Mostly declarations; assignment to a declared variable; sometimes to an undeclared one.
  return fc.oneof(
    { weight: 12, arbitrary: pick('$x', '$y', '$z').map((v) => `${v} :=`) },
    { weight: 8, arbitrary: pick(...scope.vars).map((v) => `${v} =`) },
    pick('$undeclared =', '$ =', '$x, $y :=', '$x =  $y ='),
  );
}

/**
 * Corners of the syntax, each a template fragment; E is replaced by a generated expression.
 * Literals and escapes, identifiers in other scripts, declarations in odd places, pipes into
 * non-functions, fields given arguments, trim markers around CRLF and comments, Go 1.22+/1.23
 * syntax that Go 1.19 refuses, redefinitions.
 */
const CORNERS = [
  'L 1e3 R|L 0x10 R|L 1_0 R|L \'a\' R|L 1i R|L -0x1p-2 R|L 0b11 R|L 0o17 R|L .5 R|L +3 R', 'L 09 R', 'L 1e400 R', 'L 0x R', 'L 1__0 R', 'L 0x1.8p1 R', 'L 2.5i R', 'L 1+2i R',
  'L \'\\u00e9\' R|L \'\\x41\' R|L \'\\\'\' R|L \'\\101\' R', 'L \'ab\' R', 'L \'\' R', 'L "\\a\\b\\f\\v\\101\\U0001F600" | printf "%q" R', 'L "\\q" R', 'L "\\400" R', 'L `a\nb` R',
  'L .日本 R', 'L $变量 := 1 R', 'L ._x R', 'L .1x R', 'L .Data.data.日本 R', 'L $.日本 R',
  'L ($z := 3) R', 'L if $v := E R[L $v R]L else R(L $v R)L end R', 'L with $v := E R[L $v R]L else R(L $v R)L end R', 'L range $k, $v := E R L end R(L $k R)',
  'L 1 | 2 R', 'L . | .x R', 'L E | $ R', 'L "s" | print | "t" R', 'L .Data.data.password "x" R', 'L $x.a 1 R', 'L (E).Data 1 R', 'L nil R', 'L nil.x R', 'L (nil).x R', 'L print nil R', 'L index nil 0 R',
  'a \r\n L- E -R \r\n b', 'x L- /* c */ -R y', 'x\n\tL-/* c */R y', 'x L- E R\r\n', 'L- R', 'L -R', 'L - R', 'L-3 R', 'L- -3 -R', 'L E- R', 'L E -R',
  'L range 5 R.L end R', 'L range $i, $e := 3 R.L end R', 'L with E R1L else with E R2L end R', 'L if E R1L else with E R2L end R', 'L else R', 'L end R', 'L define "d" RdL end RL template "d" R',
  'L block "q" E RqL end RL define "q" RQL end R', 'L define "q" RQL end RL block "q" E RqL end R', 'L define "q" RL end RL define "q" RQL end RL template "q" R', 'L define "a" RL define "b" RL end RL end R',
  'L template "t" E E R', 'L template $x R', 'L template "t" | print R', 'L break R', 'L range E RL if true RL break RL end RL end R', 'L range E RL with . RL continue RL end RxL end R',
  'L printf "%[2]*[1]d|%-*d|%.*s|%[5]d" 1 5 -3 7 2 "abc" R', 'L printf "%!d %z %" 1 R', 'L printf "%v %v" (print) (println) R', 'L printf "%c|%U|%#U|%q" 128512 128512 65 9 R', 'L printf "%6.2f|%-8.3e|%+g" 3.14159 -0.00001234 1e100 R',
  'L eq 1 1.0 R', 'L eq 1 "1" R', 'L lt 1 2.5 R', 'L eq .Data.metadata.version "3" R', 'L lt -1 18446744073709551615 R', 'L eq nil nil R', 'L eq (index .Data.data "x") nil R', 'L ne E E R', 'L eq E E E E R', 'L le "a" "b" "c" R',
  'L and R', 'L or 0 "" nil R', 'L not E E R', 'L len R', 'L index R', 'L slice R', 'L print R', 'L html R', 'L call R', 'L call nil R', 'L call .Data R',
  'L $ R', 'L $ := 1 R', 'L $x := 1 R L $x = 2 R L $x R', 'L $x, $y := 1 R', 'L range $a, $b, $c := E R L end R', 'L range $a = E R L end R', 'L $x := $x R',
];

function corner(expr: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(pick(...CORNERS), expr, expr).map(([c, e1, e2]) => {
    let n = 0;
    return c.replace(/\bE\b/g, () => (n++ % 2 === 0 ? e1 : e2)).replace(/\bL\b/g, L).replace(/\bR\b/g, R);
  });
}

function statement(scope: Scope): fc.Arbitrary<string> {
  const expr = expression(scope.vars, 2);
  const options: fc.Arbitrary<string>[] = [
    TEXTS,
    expr.chain((e) => action(e)),
    expr.chain((e) => action(e)),
    corner(expression(scope.vars, 1)),
    fc.oneof({ weight: 19, arbitrary: pick(`${L}/* c */${R}`, `${L}- /* c\n */ -${R}`, `${L}-\t/* c */\n-${R}`) }, pick(`${L}/* c */ ${R}`, `${L} /* c */ ${R}`, `${L}/* unclosed ${R}`)),
    fc.tuple(assignTarget(scope), expr).chain(([t, e]) => action(`${t} ${e}`)),
  ];
  if (scope.inRange) {
    options.push(pick(`${L} break ${R}`, `${L}continue${R}`, `${L}- if . ${R}${L} continue ${R}${L} end ${R}`, `${L} if eq (print .) "1" -${R}${L} break ${R}${L} end ${R}`));
  }
  if (scope.depth < 3) {
    const nested = (extra: Partial<Scope>): Scope => ({ ...scope, depth: scope.depth + 1, ...extra });
    const inner = block(nested({}));
    const rangeVars = [...scope.vars, '$i', '$e'];
    options.push(
      fc.tuple(expr, inner, fc.option(fc.tuple(expr, inner), { nil: undefined }), fc.option(inner, { nil: undefined })).map(
        ([c, body, elif, other]) => `${L} if ${c} ${R}${body}${elif !== undefined ? `${L} else if ${elif[0]} ${R}${elif[1]}` : ''}${other !== undefined ? `${L}- else -${R}${other}` : ''}${L} end ${R}`,
      ),
      fc.tuple(expr, block(nested({})), fc.option(inner, { nil: undefined })).map(
        ([c, body, other]) => `${L} with ${c} ${R}${body}${other !== undefined ? `${L} else ${R}${other}` : ''}${L} end ${R}`,
      ),
      pick('$w', '$x').chain((v) => fc.tuple(expr, block(nested({ vars: [...scope.vars, v] }))).map(([c, body]) => `${L} with ${v} := ${c} ${R}${body}${L} end ${R}`)),
      fc.tuple(fc.oneof(expr, fieldPath()), block(nested({ inRange: true, vars: rangeVars })), fc.option(inner, { nil: undefined })).map(
        ([c, body, other]) => `${L} range $i, $e := ${c} ${R}${body}${other !== undefined ? `${L} else ${R}${other}` : ''}${L} end ${R}`,
      ),
      fc.tuple(fc.oneof(expr, fieldPath()), block(nested({ inRange: true, vars: [...scope.vars, '$e'] }))).map(([c, body]) => `${L}- range $e := ${c} -${R}${body}${L}- end -${R}`),
      fc.tuple(fc.oneof(expr, fieldPath()), block(nested({ inRange: true, vars: [...scope.vars, '$i'] }))).map(([c, body]) => `${L} range ${c} ${R}${L} $i := . ${R}${body}${L} end ${R}`),
      fc.tuple(pick('"t"', '"u"', '`t`', '"b1"', '"missing"'), fc.option(expr, { nil: undefined })).map(([n, e]) => `${L} template ${n}${e === undefined ? '' : ` ${e}`} ${R}`),
      fc.tuple(fc.integer({ min: 1, max: 40 }).map((n) => `"b${n}"`), expr, block(nested({ vars: ['$'] }))).map(([n, e, body]) => `${L} block ${n} ${e} ${R}${body}${L} end ${R}`),
    );
  }
  return fc.oneof(...options);
}

/**
 * Definitions appended to a template: `t` and `u` print or recurse boundedly (`u` on values shorter
 * than 200: the engine's JavaScript stack holds about 800 nested template calls, Go's 100000).
 */
const definitions = fc.tuple(
  fc.option(pick(`${L} define "t" ${R}#${L} . ${R}#${L} end ${R}`, `${L}- define "t" -${R}${L} printf "%v" . ${R}${L}- end -${R}`, `${L} define "t" ${R}${L} end ${R}`, `${L} define "t" ${R}${L} $ ${R}${L} end ${R}`, `${L} define "t" ${R}${L} .Data.data.password ${R}${L} end ${R}`), { nil: '' }),
  fc.option(pick(`${L} define "u" ${R}${L} if . ${R}${L} if lt (len .) 200 ${R}${L} template "u" slice . 1 ${R}${L} end ${R}${L} end ${R}${L} end ${R}`, `${L} define "u" ${R}${L} len . ${R}${L} end ${R}`, `${L} define "u" ${R} ${L}/* empty */${R} ${L} end ${R}`), { nil: '' }),
  fc.oneof({ weight: 19, arbitrary: fc.constant('') }, pick(`${L} define "t" ${R}again${L} end ${R}`)),
).map((parts) => parts);

const DELIMS: readonly (readonly [string, string])[] = [...Array<readonly [string, string]>(10).fill(['{{', '}}']), ['[[', ']]'], ['<%', '%>'], ['{{{', '}}}'], ['((', '))'], ['{%', '%}'], ['<<', '>>']];

/** Breaks a template: delete a character, insert a stray token, or cut it short. */
function mutate(template: string, at: number, kind: number, token: string): string {
  const i = template.length === 0 ? 0 : at % (template.length + 1);
  switch (kind) {
    case 0:
      return template.slice(0, i) + template.slice(i + 1);
    case 1:
      return template.slice(0, i) + token + template.slice(i);
    default:
      return template.slice(0, i);
  }
}

const STRAY = [L, R, `${L}-`, `-${R}`, 'end', `${L} end ${R}`, `${L} else ${R}`, '(', ')', '$', '|', '"', '`', "'", '/*', ':=', '=', ',', '.', '..', '-', '\\', ' x ', '0x', '1e', '\n', '\u00a0', '\u0000', '日'];

export interface GeneratedCase {
  readonly template: string;
  readonly dataJson: string | undefined;
  readonly secretsJson: string;
  readonly env: Record<string, string>;
  readonly options: { missingkey: string; leftDelim?: string; rightDelim?: string; name?: string };
}

export const caseArb: fc.Arbitrary<GeneratedCase> = fc
  .record({
    body: block({ vars: ['$x', '$y'], inRange: false, depth: 0 }),
    defs: definitions,
    data: fc.option(dotData, { nil: undefined, freq: 12 }),
    secrets: secretsData,
    env: fc.dictionary(pick('HOME', 'X', 'EMPTY'), strText, { maxKeys: 2 }),
    missingkey: pick('zero', 'zero', 'zero', 'default', 'error'),
    delims: fc.constantFrom(...DELIMS),
    name: pick('', '', '', 'tpl', 'a b'),
    mutation: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, fc.tuple(fc.nat(), fc.nat({ max: 2 }), pick(...STRAY))),
  })
  .map(({ body, defs, data, secrets, env, missingkey, delims, name, mutation }) => {
    // $x and $y start as the secret's password and list when the data has them (index never fails on a missing key).
    const preamble = `${L} $x := "" ${R}${L} $y := "" ${R}${L} with .Data ${R}${L} with .data ${R}${L} $x = index . "password" ${R}${L} $y = index . "list" ${R}${L} end ${R}${L} end ${R}`;
    let template = `${preamble}${body}${defs.join('')}`;
    if (mutation !== undefined) template = mutate(template, ...mutation);
    const [left, right] = delims;
    template = template.replaceAll(L, left).replaceAll(R, right);
    const secretsJson = jsonText(Object.fromEntries(Object.entries(SECRET_PATHS).map(([k, path]): [string, JsonLike] => [path, secrets[k as keyof typeof SECRET_PATHS]])));
    const options: GeneratedCase['options'] = { missingkey, ...(left === '{{' ? {} : { leftDelim: left, rightDelim: right }), ...(name === '' ? {} : { name }) };
    return { template, dataJson: data === undefined ? undefined : jsonText(data), secretsJson, env, options };
  });

/** A case as gotemplate-oracle protocol JSON text (numbers in the data stay as written). */
export function protocolJson(c: GeneratedCase, id: string): string {
  const parts = [`"id":${JSON.stringify(id)}`, `"template":${JSON.stringify(c.template)}`];
  if (c.dataJson !== undefined) parts.push(`"data":${c.dataJson}`);
  parts.push(`"secrets":${c.secretsJson}`, `"env":${JSON.stringify(c.env)}`, `"options":${JSON.stringify(c.options)}`);
  return `{${parts.join(',')}}`;
}
