// What the oracle cannot pin down byte for byte: Go prints heap addresses, which change per run.
// The shapes are Go's (go1.19 fmt/print.go, fmtPointer); the generated differential run compares
// them against Go with the address itself masked (test/differential/vault-diff.ts).
import { GoTemplateEngine } from '../index.js';

const engine = new GoTemplateEngine();
const render = (source: string, dot: unknown): string | undefined =>
  engine.compile(source, { missingKey: 'zero' }).renderDetailed({ store: { read: () => undefined, list: () => undefined, pki: () => undefined }, env: () => undefined, destination: '' }, { dot: dot as never }).output;

describe('%p', () => {
  it('prints a JSON map or list as an address, as it does a typed slice', () => {
    expect(render('{{ printf "%p|%#p|%p" .m .list (split "," "a") }}', { m: { a: 1 }, list: [1] })).toMatch(/^0xc[0-9a-f]{9}\|c[0-9a-f]{9}\|0xc[0-9a-f]{9}$/);
  });

  it('says %!p(TYPE=VALUE) for values that are not pointers', () => {
    expect(render('{{ printf "%p|%p" "s" 1 }}', {})).toBe('%!p(string=s)|%!p(int=1)');
  });
});
