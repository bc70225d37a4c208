// The template engines live in ../template (another module); they are loaded only when the config
// has templates, so a token-only agent never pays for them. The engine module's entry point
// (`loadTemplateEngine` in ../template/index.js) is preferred; until it exists the Go engine is
// loaded directly.
import type { TemplateEngine } from '../template/template-engine.js';
import type { TemplateEngineName } from '../config/agent-config.js';

type EngineModule = { loadTemplateEngine?: (name: TemplateEngineName) => Promise<TemplateEngine> };

export async function loadEngine(name: TemplateEngineName): Promise<TemplateEngine> {
  const specifier = '../template/index.js';
  let module: EngineModule | undefined;
  try {
    module = (await import(specifier)) as EngineModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !(error as Error).message.includes('Cannot find module')) throw error;
  }
  if (typeof module?.loadTemplateEngine === 'function') return module.loadTemplateEngine(name);
  if (name === 'go') {
    const { GoTemplateEngine } = await import('../template/go/engine.js');
    return new GoTemplateEngine();
  }
  throw new Error(`template engine "${name}" is not available in this build`);
}
