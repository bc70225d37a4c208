// Exhaustive small products compared with Go (gotemplate-oracle): every printf verb × flag set ×
// value kind, every builtin and oracle function × value kind (called and piped), every two-argument
// function × pair of value kinds, and if/with/range/template/field access × value kind. The values
// cover Vault's shapes (json.Number, []interface{}, map[string]interface{}, nil elements, typed
// []string / map[string]string / int / nil pointers from a secret) plus Go literals and invalid
// UTF-8. Outputs must be the same bytes, errors the same phase and text. `npm run test:differential`.
import { GoTemplateEngine, type CaseResult } from '../../template/src/index.js';
import { runOracle } from '../template/oracle-helpers.js';
import { classify, ourResult } from './vault-diff.js';

const VALUES = ['2.0', '-0.0', '1e21', '0.1', '255', '-255', '0', '""', '"str"', '"日é"', '" 12 "', '"a,b"', '"aGk="', '"{\\"a\\":1}"', 'true', 'false', 'nil', '.n', '.f', '.s', '.list', '.m', '.em', '.el', "'a'", '1i', '(secret "s").Auth.Policies', '(secret "s").Auth.Metadata', '(secret "n").Auth', '(secret "s").LeaseDuration', '(secret "n").Warnings', '18446744073709551615', '(parseInt "-7")', '(parseFloat "1.5")', '.nil', '.missing', '(split "," "a,b")', '(slice "é" 0 1)', '.bt', '(index .list 2)', '(index .list 0)', '$', '.big', '.neg'];
const VERBS = 'v d x X o O b e E f F g G s q c U t T'.split(' ');
const FLAGS = ['', '#', '+', ' ', '0', '-', '08.3', '+.2', ' 10', '#08', '-#10', '.0', '.20', '5.1', '#.1', '+#', '0-8'];
const UNARY = ['len', 'not', 'html', 'js', 'urlquery', 'print', 'println', 'toJSON', 'toJSONPretty', 'toLower', 'toUpper', 'toTitle', 'trimSpace', 'base64Encode', 'base64Decode', 'base64URLEncode', 'base64URLDecode', 'parseInt', 'parseFloat', 'parseBool', 'parseJSON', 'env', 'call', 'index', 'slice', 'and', 'or', 'eq', 'printf', 'secret', 'join ","', 'split ","', 'contains "a"', 'replaceAll "a" "b"', 'index 0', 'slice 1', 'eq 1', 'lt 1', 'ge "a"', 'ne nil', 'contains 1', 'index "a"'];
const BINARY = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'contains', 'index', 'slice', 'and', 'or', 'split', 'join', 'print', 'html'];
const DATA = '{"n":42,"f":1.50,"s":"x","list":[1,"a",null,2.5],"m":{"a":null,"b":[1]},"em":{},"el":[],"nil":null,"bt":true,"big":123456789012345678901,"neg":-7}';
const SECRETS = '{"s":{"data":{"a":1},"lease_duration":60,"auth":{"client_token":"t","policies":["p"],"metadata":{"k":"v"}}},"n":{"data":{"x":null}}}';

function compare(templates: readonly string[], missingkey = 'zero'): { template: string; go: CaseResult; ours: CaseResult }[] {
  const engine = new GoTemplateEngine();
  const jsons = templates.map((t, i) => `{"id":"${i}","template":${JSON.stringify(t)},"data":${DATA},"secrets":${SECRETS},"env":{"str":"E"},"options":{"missingkey":"${missingkey}"}}`);
  const want = runOracle(`[${jsons.join(',')}]`);
  return jsons.flatMap((json, i) => {
    const ours = ourResult(json, engine);
    const go = want[i] as CaseResult;
    return classify(ours, go) === undefined ? [] : [{ template: templates[i] as string, go, ours }];
  });
}

describe('value matrices against Go text/template', () => {
  it('printf: every verb with every flag set on every value kind', () => {
    const templates = VERBS.flatMap((verb) => FLAGS.flatMap((flags) => VALUES.map((value) => `{{ printf "%${flags}${verb}|" ${value} }}`)));
    expect(compare(templates).slice(0, 5)).toEqual([]);
  });

  it('functions: every builtin and oracle function on every value kind, called and piped', () => {
    const templates = UNARY.flatMap((f) => VALUES.flatMap((value) => [`{{ ${f} ${value} }}`, `{{ ${value} | ${f} }}`]));
    expect(compare(templates).slice(0, 5)).toEqual([]);
    expect(compare(templates, 'error').slice(0, 5)).toEqual([]);
  });

  it('two-argument functions on every pair of value kinds', () => {
    const templates = BINARY.flatMap((f) => VALUES.flatMap((a) => VALUES.map((b) => `{{ ${f} ${a} ${b} }}`)));
    expect(compare(templates).slice(0, 5)).toEqual([]);
  });

  it('if, with, range, template and field access on every value kind, in every missingkey mode', () => {
    const templates = VALUES.flatMap((x) => [
      `{{ if ${x} }}T{{ else }}F{{ end }}`,
      `{{ with ${x} }}<{{ . }}>{{ end }}`,
      `{{ range ${x} }}[{{ . }}]{{ else }}E{{ end }}`,
      `{{ range $k, $v := ${x} }}{{ $k }}={{ $v }};{{ end }}`,
      `{{ ${x} }}`,
      `{{ ${x}.a }}`,
      `{{ (${x}).x.y }}`,
      `{{ $v := ${x} }}{{ $v.Nope }}`,
      `{{ template "t" ${x} }}{{ define "t" }}{{ . }}{{ end }}`,
      `{{ range $i, $e := ${x} }}{{ break }}{{ end }}`,
    ]);
    for (const mode of ['zero', 'default', 'error']) expect({ mode, differences: compare(templates, mode).slice(0, 5) }).toEqual({ mode, differences: [] });
  });
});
