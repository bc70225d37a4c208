// consul-template's scratchpad. Expected texts were produced by Go's text/template running
// consul-template's template/scratch.go (a throw-away harness: `scratch` bound to one *Scratch per
// Execute, as template.go's funcMap does).
import { GoTemplateEngine, TemplateError, type DependencyStore, type VaultSecretEnvelope } from '../index.js';
import { readFileSync } from 'node:fs';
import { parseVaultJson } from '../../../common/src/vault-json.js';

const engine = new GoTemplateEngine();
const SECRET = parseVaultJson('{"lease_duration":0,"data":{"data":{"user":"u","pass":"p"},"metadata":{"version":1}}}') as VaultSecretEnvelope;
const store: DependencyStore = { read: (dependency) => (dependency.path === 'kv/data/app' ? SECRET : undefined), list: () => undefined, pki: () => undefined };
const render = (source: string) => engine.compile(source, { name: 'scr.tpl' }).render({ store, env: () => undefined, destination: '/d' }).output;

describe('scratch', () => {
  it('Set, SetX, Get and Key, shared with the templates the render calls', () => {
    expect(render('{{ scratch.Set "a" "x" }}{{ scratch.Get "a" }} {{ scratch.Key "a" }} {{ scratch.Key "b" }}')).toBe('x true false');
    expect(render('{{ scratch.Set "a" "x" }}{{ scratch.SetX "a" "y" }}{{ scratch.Get "a" }}{{ scratch.SetX "b" 3 }} {{ scratch.Get "b" }}')).toBe('x 3');
    expect(render('{{ scratch.Set "a" nil }}{{ scratch.Key "a" }} {{ scratch.Get "a" }}')).toBe('true <no value>');
    expect(render('{{ define "t" }}{{ scratch.Set "inner" "set-in-t" }}{{ end }}{{ template "t" }}{{ scratch.Get "inner" }} {{ scratch.Get "missing" }}')).toBe('set-in-t <no value>');
    expect(render('{{ with scratch }}{{ .Set "q" 1 }}{{ .Get "q" }}{{ end }} {{ (scratch).Key "x" }}')).toBe('1 false');
  });

  it('MapSet, MapSetX and MapValues (sorted by key; the map Get returned sees later sets)', () => {
    expect(render('{{ scratch.MapSet "m" "z" 1 }}{{ scratch.MapSet "m" "a" 2 }}{{ scratch.MapSetX "m" "a" 9 }}{{ scratch.MapValues "m" }} {{ scratch.Get "m" }}')).toBe('[2 1] map[a:2 z:1]');
    expect(render('{{ scratch.MapSet "m" "a" 1 }}{{ $m := scratch.Get "m" }}{{ scratch.MapSet "m" "b" 5 }}{{ $m }} {{ scratch.MapValues "nope" }} {{ printf "%#v" (scratch.MapValues "nope") }}')).toBe('map[a:1 b:5] [] []interface {}(nil)');
    expect(render('{{ scratch.MapSet "m" "k" nil }}{{ scratch.MapValues "m" }}{{ scratch.Get "m" }}')).toBe('[<nil>]map[k:<nil>]');
    expect(render('{{ scratch.MapSet "m" "b" 1 }}{{ scratch.MapSet "m" "a" 2 }}{{ range $i, $v := (scratch.MapValues "m") }}{{ $i }}={{ $v }};{{ end }}')).toBe('0=2;1=1;');
  });

  it('runs the example of docs/templates.md', () => {
    const example = '{{ with secret "kv/data/app" }}{{ range $k, $v := .Data.data }}{{ scratch.MapSet "env" $k $v }}{{ end }}{{ end }}\n{{ scratch.MapValues "env" | len }} values; first: {{ index (scratch.MapValues "env") 0 }}\n';
    expect(readFileSync(new URL('../../../docs/templates.md', import.meta.url), 'utf8')).toContain(`\`\`\`gotemplate\n${example}\`\`\``);
    expect(render(example)).toBe('\n2 values; first: p\n');
  });

  it('is new for every render', () => {
    const compiled = engine.compile('{{ scratch.Key "a" }}{{ scratch.Set "a" 1 }}', {});
    const input = { store, env: () => undefined, destination: '/d' };
    expect([compiled.render(input).output, compiled.render(input).output]).toEqual(['false', 'false']);
  });

  it('a map set from a secret takes MapSet without changing the secret\'s data', () => {
    expect(render('{{ with secret "kv/data/app" }}{{ scratch.Set "d" .Data.data }}{{ scratch.MapSet "d" "host" "h" }}{{ scratch.MapValues "d" }} {{ .Data.data }}{{ end }}')).toBe('[h p u] map[pass:p user:u]');
  });

  it('fails as Go does', () => {
    expect(() => render('{{ scratch.Set "a" "x" }}{{ scratch.MapSet "a" "k" 1 }}')).toThrow(new TemplateError('template: scr.tpl:1:35: executing "scr.tpl" at <scratch.MapSet>: error calling MapSet: "a" is not a map', 'exec'));
    expect(() => render('{{ scratch.Set "a" }}')).toThrow('template: scr.tpl:1:3: executing "scr.tpl" at <scratch>: wrong number of args for Set: want 2 got 1');
    expect(() => render('{{ scratch.Nope }}')).toThrow('template: scr.tpl:1:3: executing "scr.tpl" at <scratch>: can\'t evaluate field Nope in type *template.Scratch');
    expect(() => render('{{ scratch.Get 3 }}')).toThrow('template: scr.tpl:1:15: executing "scr.tpl" at <3>: expected string; found 3');
  });

  it('can be denied like any function', () => {
    expect(() => engine.compile('{{ scratch.Set "a" 1 }}', { name: 'scr.tpl', functionDenylist: ['scratch'] }).render({ store, env: () => undefined, destination: '/d' })).toThrow('error calling scratch: function is disabled');
  });
});
