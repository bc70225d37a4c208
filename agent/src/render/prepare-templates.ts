// Start-up: every configured template (file and env_template) read and compiled with its engine
// (each engine loaded once), its file owner resolved. All errors are reported together, each
// naming its destination.
import { readTextBounded } from '../fs/read-bounded.js';
import { MAX_TEMPLATE_FILE_BYTES } from './local-file.js';
import type { AgentConfig, TemplateEngineName } from '../config/agent-config.js';
import type { TemplateEngine, TemplateLimits } from '../../../template/src/index.js';
import { coerceError } from '../vault/vault-error.js';
import type { PreparedTemplate } from './template-runner.js';
import { resolveFileOwner } from './file-owner.js';

export async function prepareTemplates(
  config: AgentConfig,
  loadEngine: (name: TemplateEngineName) => Promise<TemplateEngine>,
  /** Execution budgets (render/template-limits.ts); the engine's defaults when omitted. */
  limits: TemplateLimits = {},
): Promise<PreparedTemplate[]> {
  const engines = new Map<TemplateEngineName, Promise<TemplateEngine>>();
  const problems: string[] = [];
  const prepared = await Promise.all(
    [...config.templates, ...config.envTemplates].map(async (template) => {
      let engine = engines.get(template.engine);
      if (engine === undefined) {
        engine = loadEngine(template.engine);
        engines.set(template.engine, engine);
      }
      const source = template.contents ?? (await readTextBounded(template.source ?? '', MAX_TEMPLATE_FILE_BYTES, { followSymlinks: true }));
      try {
        const compiled = (await engine).compile(source, {
          name: '',
          leftDelimiter: template.leftDelimiter,
          rightDelimiter: template.rightDelimiter,
          errorOnMissingKey: template.errorOnMissingKey,
          functionDenylist: template.functionDenylist,
          limits,
        });
        const owner = await resolveFileOwner(template.user, template.group);
        return { config: template, compiled, ...(owner === undefined ? {} : { owner }) };
      } catch (error) {
        problems.push(`template ${template.destination}: ${coerceError(error).message}`);
        return undefined;
      }
    }),
  );
  if (problems.length > 0) throw new Error(problems.join('; '));
  return prepared.filter((template): template is PreparedTemplate => template !== undefined);
}
