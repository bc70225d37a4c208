// The template engines live in ../template (another module); they are loaded only when the config
// has templates, so a token-only agent never pays for them.
import type { TemplateEngine } from '../template/template-engine.js';
import type { TemplateEngineName } from '../config/agent-config.js';

type EngineModule = { loadTemplateEngine?: (name: TemplateEngineName) => Promise<TemplateEngine> };

export async function loadEngine(name: TemplateEngineName): Promise<TemplateEngine> {
  // Non-literal until the engine module exists on this branch.
  const specifier = '../template/index.js';
  const module = (await import(specifier)) as EngineModule;
  if (typeof module.loadTemplateEngine !== 'function') throw new Error('the template engine module is not available');
  return module.loadTemplateEngine(name);
}
