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
});
