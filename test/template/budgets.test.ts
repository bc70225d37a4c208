// Execution budgets of the Go engine (issue 10): a template from an annotation cannot run forever
// or build unbounded output; the error names the template and the limit. Real templates (the
// golden set) fit the defaults with a wide margin.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE_LIMITS, GoTemplateEngine, TemplateError, caseStore, envelopeFromJson, parseCases } from '../../template/src/index.js';
import type { CompileOptions, RenderInput, VaultSecretEnvelope } from '../../template/src/index.js';
import { REPO_ROOT } from './oracle-helpers.js';

const input: RenderInput = { store: caseStore(new Map()), env: (name) => (name === 'HOME' ? '/home/app' : undefined), destination: '/vault/secrets/x' };

function renderError(source: string, options: CompileOptions = {}): { error: unknown; ms: number } {
  const started = Date.now();
  try {
    new GoTemplateEngine().compile(source, { name: 'budget-test', ...options }).render(input);
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  return { error: undefined, ms: Date.now() - started };
}

describe('Go template budgets', () => {
  it('{{ range loop 2000000000 }} fails before building anything, naming the template and the step limit', () => {
    const before = process.memoryUsage().rss;
    const { error } = renderError('{{ range loop 2000000000 }}x{{ end }}');
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('template: budget-test:1:');
    expect((error as Error).message).toContain(`step budget exceeded (more than ${DEFAULT_TEMPLATE_LIMITS.maxSteps} steps`);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('nested ranges that each fit still hit the step budget of the whole render', () => {
    const { error } = renderError('{{ range loop 1000 }}{{ range loop 1000 }}{{ end }}{{ end }}', { limits: { maxSteps: 100_000 } });
    expect((error as Error).message).toContain('step budget exceeded (more than 100000 steps');
    expect((error as Error).message).toContain('template: budget-test:');
  });

  it('recursive template calls share the budget', () => {
    const { error } = renderError('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', { limits: { maxSteps: 500 } });
    expect((error as Error).message).toContain('step budget exceeded (more than 500 steps');
  });

  it('output is bounded: the render stops at the limit with an error naming it', () => {
    const { error } = renderError('{{ range loop 100000 }}0123456789abcdef{{ end }}', { limits: { maxOutputBytes: 64 * 1024 } });
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('output limit exceeded (more than 65536 bytes');
    expect((error as Error).message).toContain('template: budget-test:');
    // The default also holds for a 15 MB output.
    expect((renderError(`{{ range loop 15000 }}${'x'.repeat(1024)}{{ end }}`).error as Error).message).toContain(`more than ${DEFAULT_TEMPLATE_LIMITS.maxOutputBytes} bytes`);
  });

  it('limits must be positive integers', () => {
    expect(() => new GoTemplateEngine().compile('x', { limits: { maxSteps: 0 } })).toThrow('template limit maxSteps must be a positive integer, got 0');
  });

  it('every golden template renders within a hundredth of the default step budget', () => {
    const dir = join(REPO_ROOT, 'test', 'template', 'golden');
    const raw = parseCases(readFileSync(join(dir, 'secrets.json'), 'utf8')) as Record<string, unknown>;
    const secrets = new Map<string, VaultSecretEnvelope>(Object.entries(raw).map(([key, value]) => [key, envelopeFromJson(value)]));
    const names = readdirSync(dir).filter((name) => name.endsWith('.ctmpl'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const compiled = new GoTemplateEngine().compile(readFileSync(join(dir, name), 'utf8'), { name: '', limits: { maxSteps: DEFAULT_TEMPLATE_LIMITS.maxSteps / 100 } });
      const result = compiled.renderDetailed({ ...input, store: caseStore(secrets), sideEffects: { writeToFile: () => undefined } }, { missingSecret: 'error', now: () => new Date(0) });
      expect({ name, ok: result.output !== undefined }).toEqual({ name, ok: true });
    }
  });

  // Hostile inputs: each fails with an error naming the problem (or is bounded); none may hang,
  // exhaust memory or escape as a RangeError.
  it('a string doubled in a loop stops at the output limit instead of exhausting memory', () => {
    const before = process.memoryUsage().rss;
    const { error } = renderError('{{ $x := "aaaaaaaaaa" }}{{ range loop 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}{{ len $x }}');
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('error calling printf: result larger than the output limit (more than 4194304 bytes; TemplateLimits.maxOutputBytes)');
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it.each([
    ['{{ sprig_randAlpha 1000000000 }}', 'error calling sprig_randAlpha: rand: a result of 1000000000 bytes is more than a template function may build'],
    ['{{ sprig_randBytes 1000000000 }}', 'error calling sprig_randBytes: randBytes: a result of 1000000000 bytes'],
    ['{{ sprig_repeat 1000000000 "x" }}', 'error calling sprig_repeat: repeat: a result of 1000000000 bytes'],
    ['{{ indent 1000000000 "a" }}', 'error calling indent: indent: a result of 1000000001 bytes'],
    ['{{ sprig_nindent 1000000000 "a" }}', 'error calling sprig_nindent: indent: a result of 1000000001 bytes'],
    ['{{ printf "%9999999d" 1 | len }}', 'error calling printf: result larger than the output limit'],
  ])('%s fails before building the value', (source, message) => {
    const before = process.memoryUsage().rss;
    const { error } = renderError(source);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain(message);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('templates nested deeper than the JavaScript stack allows fail to parse with a clear error', () => {
    for (const source of ['{{ if 1 }}'.repeat(50000) + 'x' + '{{ end }}'.repeat(50000), `{{ ${'('.repeat(50000)}1${')'.repeat(50000)} }}`]) {
      const { error } = renderError(source);
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).phase).toBe('parse');
      expect((error as Error).message).toBe('template: budget-test: nested too deeply to parse (the JavaScript call stack ran out)');
      // The webhook's admission-time check reports the same instead of throwing.
      expect(new GoTemplateEngine().checkSyntax(source, {})?.message).toBe('template: : nested too deeply to parse (the JavaScript call stack ran out)');
    }
  });

  it('values nested deeper than the stack allows fail to print with a clear error, not a RangeError', () => {
    const deep = JSON.stringify('{"a":'.repeat(10000) + '1' + '}'.repeat(10000));
    for (const pipe of ['toJSON', 'print', 'printf "%v"']) {
      const { error } = renderError(`{{ ${deep} | parseJSON | ${pipe} }}`);
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as Error).message).toContain('nested too deeply to execute (the JavaScript call stack ran out)');
    }
  });

  it('self and mutual template recursion end with Go\'s depth error, naming the calling template', () => {
    expect((renderError('{{ define "a" }}{{ template "b" . }}{{ end }}{{ define "b" }}{{ template "a" . }}{{ end }}{{ template "a" }}').error as Error).message).toMatch(
      /^template: budget-test:1:(28|73): executing "(a|b)" at <\{\{template "(a|b)" \.\}\}>: exceeded maximum template depth \(100000\)$/,
    );
  });
});
