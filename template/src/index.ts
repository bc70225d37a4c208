// The template package's one public entry. Its users: the agent (engines loaded on demand through
// loadTemplateEngine, so an agent whose templates are all Go templates never loads Handlebars), the
// webhook's admission-time syntax check (GoTemplateEngine) and the CLI (runTemplateCommand, lazy).
import type { TemplateEngine } from './template-engine.js';

export type TemplateEngineName = 'go' | 'handlebars';

export const TEMPLATE_ENGINE_NAMES: readonly TemplateEngineName[] = ['go', 'handlebars'];

const loaded = new Map<TemplateEngineName, Promise<TemplateEngine>>();

async function load(name: TemplateEngineName): Promise<TemplateEngine> {
  if (name === 'go') {
    const { GoTemplateEngine } = await import('./go/engine.js');
    return new GoTemplateEngine();
  }
  const [{ HandlebarsTemplateEngine }, handlebars] = await Promise.all([import('./handlebars-engine.js'), import('handlebars')]);
  return new HandlebarsTemplateEngine(handlebars.default);
}

/** The engine for a template stanza's `engine` key ("go", the default, or "handlebars"); one instance per process. */
export function loadTemplateEngine(name: TemplateEngineName): Promise<TemplateEngine> {
  if (!TEMPLATE_ENGINE_NAMES.includes(name)) {
    return Promise.reject(new Error(`unknown template engine ${JSON.stringify(name)} (want ${TEMPLATE_ENGINE_NAMES.join(' or ')})`));
  }
  let engine = loaded.get(name);
  if (engine === undefined) {
    engine = load(name);
    loaded.set(name, engine);
  }
  return engine;
}

export { TemplateError } from './template-engine.js';
export { GoTemplateEngine, ORACLE_FUNCTIONS } from './go/engine.js';
export { caseStore, envelopeFromJson, parseCases, runCase, type CaseResult } from './preview.js';

/** `vault-injector template …`; the command's module is loaded only when it runs. */
export async function runTemplateCommand(args: readonly string[]): Promise<number> {
  const command = await import('./template-command.js');
  return command.runTemplateCommand(args);
}
export type {
  CompiledTemplate,
  CompileOptions,
  DependencyStore,
  FileContent,
  PkiCertificateData,
  RenderInput,
  RenderResult,
  TemplateDependency,
  TemplateEngine,
  TemplateLimits,
  TemplateSideEffects,
  VaultSecretEnvelope,
} from './template-engine.js';
export { DEFAULT_TEMPLATE_LIMITS } from './template-engine.js';
