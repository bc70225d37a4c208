// The lexer's edge cases (astral code points in text, identifiers, quoted and raw strings and
// error texts; trim markers; comments; CRLF; Go's line counting), checked against Go 1.19's
// text/template: every expected output or error below is what tools-bin/gotemplate-oracle
// (../shared/tools/gotemplate-oracle, built by scripts/build-oracle.sh) printed for the template.
// The item-stream checks pin positions (UTF-16 offsets) and line numbers around surrogate pairs.
import { GoTemplateEngine, runCase } from '../index.js';
import { Item, lex } from './lexer.js';

const GO_RESULTS: ReadonlyArray<readonly [string, string, { readonly output?: string; readonly error?: string }]> = [
  ["astral-text", "😀 a{{ \"x\" }}😀\r\nb{{- \" \" -}}\r\n😀", { output: "😀 ax😀\r\nb 😀" }],
  ["astral-identifier", "{{ a😀 }}", { error: "template: :1: bad character U+1F600 '😀'" }],
  ["astral-field", "{{ .a😀 }}", { error: "template: :1: bad character U+1F600 '😀'" }],
  ["astral-variable", "{{ $x := 1 }}{{ $x😀 }}", { error: "template: :1: bad character U+1F600 '😀'" }],
  ["astral-in-action", "{{ 😀 }}", { error: "template: :1: unrecognized character in action: U+1F600 '😀'" }],
  ["control-in-action", "{{ \u0001 }}", { error: "template: :1: unrecognized character in action: U+0001" }],
  ["nonascii-letter-identifier", "{{ $é日 := \"v\" }}{{ $é日 }}", { output: "v" }],
  ["astral-quoted", "{{ \"a😀\\\"b\" }}|{{ \"\\😀\" }}", { error: "template: :1: invalid syntax" }],
  ["astral-escaped-quote-ok", "{{ \"😀\\t😀\" }}", { output: "😀\t😀" }],
  ["raw-string-lines", "{{ `a\nb😀\r\nc` }}\n{{ .nope.x.y | len }}", { error: "template: :4:15: executing \"\" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value" }],
  ["raw-string-unterminated", "a\n{{ `a\nb", { error: "template: :2: unterminated raw quoted string" }],
  ["quote-unterminated-newline", "a\n{{ \"a\nb\" }}", { error: "template: :2: unterminated quoted string" }],
  ["quote-escaped-newline", "{{ \"a\\\nb\" }}", { error: "template: :1: unterminated quoted string" }],
  ["char-constant", "{{ 'a' }} {{ '😀' }} {{ '\\n' }} {{ '\\'' }}", { output: "97 128512 10 39" }],
  ["char-unterminated", "{{ 'a", { error: "template: :1: unterminated character constant" }],
  ["trim-markers-crlf", "a \r\n\t{{- 1 -}} \r\n b\r\n{{- /* c\r\nd */ -}}\r\n e {{2}}", { output: "a1be 2" }],
  ["comment-bad-close", "{{/* c */ 1}}", { error: "template: :1: comment ends before closing delimiter" }],
  ["comment-unclosed", "x\n{{/* c", { error: "template: :2: unclosed comment" }],
  ["line-after-trim-space-newlines", "{{ 1 \n\n -}}\n{{ nope }}", { error: "template: :4: function \"nope\" not defined" }],
  ["line-after-spaces", "{{ 1\n\n\n| printf \"%d\" }}{{\nnope }}", { error: "template: :5: function \"nope\" not defined" }],
  ["unclosed-action-lines", "a\n{{ 1\n\n", { error: "template: :4: unclosed action started at :2" }],
  ["bad-number", "{{ 1x2 }}", { error: "template: :1: bad number syntax: \"1x\"" }],
  ["bad-number-astral", "{{ 12😀 }}", { error: "template: :1: unrecognized character in action: U+1F600 '😀'" }],
  ["number-astral-letter", "{{ 12𝐀 }}", { error: "template: :1: bad number syntax: \"12𝐀\"" }],
  ["numbers", "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 1.5e3 }} {{ 0x1p-2 }} {{ -.5 }} {{ +3 }} {{ 1+2i }}", { output: "31 15 5 1000 1500 0.25 -0.5 3 (1+2i)" }],
  ["declare-bad", "{{ $x :1 }}", { error: "template: :1: undefined variable \"$x\"" }],
  ["right-paren", "{{ ) }}", { error: "template: :1: unexpected \")\" in command" }],
  ["unclosed-paren", "{{ (1 }}", { error: "template: :1: unclosed left paren" }],
  ["keywords", "{{ if true }}{{ range $i, $v := .list }}{{ if $i }}{{ break }}{{ end }}{{ continue }}{{ end }}{{ else if false }}{{ nil }}{{ end }}", { output: "" }],
  ["bare-dollar", "{{ $ }} {{ $.a }} {{ . }}", { output: "<no value> <no value> <no value>" }],
];

describe('the lexer agrees with Go on edge cases', () => {
  const engine = new GoTemplateEngine();
  it.each(GO_RESULTS)('%s', (id, template, want) => {
    const got = runCase({ id, template, options: { missingkey: 'zero' } }, { engine, oracleFunctions: true });
    expect({ output: got.output, error: got.error }).toEqual({ output: want.output, error: want.error });
  });
});

const items = (source: string): Array<[number, number, string, number]> => lex(source, '', '').map((i) => [i.typ, i.pos, i.val, i.line]);

describe('lex item stream', () => {
  it('keeps UTF-16 positions and Go line numbers across astral runes, CRLF and trim markers', () => {
    expect(items('😀\r\n{{- $é := `a\n😀` -}}\r\n{{ .x😀 }}')).toEqual([
      [Item.text, 0, '😀', 1],
      [Item.leftDelim, 4, '{{', 2],
      [Item.variable, 8, '$é', 2],
      [Item.space, 10, ' ', 2],
      [Item.declare, 11, ':=', 2],
      [Item.space, 13, ' ', 2],
      [Item.rawString, 14, '`a\n😀`', 2],
      [Item.rightDelim, 22, '}}', 3],
      [Item.leftDelim, 26, '{{', 4],
      [Item.space, 28, ' ', 4],
      [Item.error, 29, "bad character U+1F600 '😀'", 4],
    ]);
  });

  it('counts the newlines of a space run before a trim marker twice, as Go 1.19 does', () => {
    expect(items('a {{ 1 \n\n -}}\nb{{ "😀\\"" }}{{/* c */}}')).toEqual([
      [Item.text, 0, 'a ', 1],
      [Item.leftDelim, 2, '{{', 1],
      [Item.space, 4, ' ', 1],
      [Item.number, 5, '1', 1],
      [Item.space, 6, ' \n\n', 1],
      [Item.rightDelim, 11, '}}', 3],
      [Item.text, 14, 'b', 4],
      [Item.leftDelim, 15, '{{', 4],
      [Item.space, 17, ' ', 4],
      [Item.string, 18, '"😀\\""', 4],
      [Item.space, 24, ' ', 4],
      [Item.rightDelim, 25, '}}', 4],
      [Item.eof, 38, '', 4],
    ]);
  });

  it('uses custom delimiters and honours break/continue only where allowed', () => {
    expect(lex('[[ break ]]', '[[', ']]', false, true).map((i) => i.typ)).toEqual([Item.leftDelim, Item.space, Item.identifier, Item.space, Item.rightDelim, Item.eof]);
    expect(lex('[[ break ]]', '[[', ']]').map((i) => i.typ)).toEqual([Item.leftDelim, Item.space, Item.break, Item.space, Item.rightDelim, Item.eof]);
  });

  // A webhook annotation is JSON, whose "\udc80" escape gives a lone surrogate. The rune-string port
  // backed up two code units over it inside a number and lexed `{{ -.\udc80 }}` forever. Go's JSON
  // decoder makes the escape U+FFFD, so that is the rune the error names.
  it('ends on a lone low surrogate after a number or a variable', () => {
    expect(items('{{ -.\udc80 }}')).toEqual([
      [Item.leftDelim, 0, '{{', 1],
      [Item.space, 2, ' ', 1],
      [Item.number, 3, '-.', 1],
      [Item.error, 5, "unrecognized character in action: U+FFFD '\ufffd'", 1],
    ]);
    expect(items('{{ $x\udc80 }}').at(-1)).toEqual([Item.error, 3, "bad character U+FFFD '\ufffd'", 1]);
  });
});
