// The template engines live in ../template (another module) and are loaded only when the config
// has templates, so a token-only agent never pays for them.
import type { TemplateEngine } from '../../../template/src/index.js';
import type { TemplateEngineName } from '../config/agent-config.js';

export async function loadEngine(name: TemplateEngineName): Promise<TemplateEngine> {
  const { loadTemplateEngine } = await import('../../../template/src/index.js');
  return loadTemplateEngine(name);
}
