// Renders one hostile case through the engine's public API and says how it ended: output, a
// TemplateError (parse or exec), a pass still missing data, or anything else thrown (a bug).
import { type GoTemplateEngine, TemplateError, caseStore } from '../../template/src/index.js';
import { HOSTILE_DOT, type HostileCase } from './hostile-grammar.js';

export type HostileOutcome = { kind: 'output' | 'missing' | 'template-error' | 'thrown'; detail: string };

export function renderHostile(engine: GoTemplateEngine, c: HostileCase): HostileOutcome {
  try {
    const compiled = engine.compile(c.template, { name: 'hostile', missingKey: c.missingKey });
    const result = compiled.renderDetailed({ store: caseStore(new Map()), env: (name) => (name === 'HOME' ? '/home/app' : undefined), destination: '/vault/secrets/x' }, { dot: HOSTILE_DOT });
    return result.output === undefined ? { kind: 'missing', detail: result.missing.map((m) => m.id).join(', ') } : { kind: 'output', detail: result.output.slice(0, 200) };
  } catch (error) {
    if (error instanceof TemplateError) return { kind: 'template-error', detail: error.message };
    return { kind: 'thrown', detail: error instanceof Error ? `${error.constructor.name}: ${error.message}\n${error.stack ?? ''}` : String(error) };
  }
}
