// The template execution budgets the agent compiles with: the engine's defaults
// (DEFAULT_TEMPLATE_LIMITS in template/src/template-engine.ts), overridable per process with
// VAULT_AGENT_TEMPLATE_MAX_STEPS and VAULT_AGENT_TEMPLATE_MAX_OUTPUT_BYTES (ours; docs/agent.md, "Limits").
import type { TemplateLimits } from '../../../template/src/index.js';
import type { Environment } from '../config/vault-environment.js';

export function templateLimitsFrom(env: Environment): TemplateLimits {
  const read = (name: string): number | undefined => {
    const text = env[name]?.trim();
    if (text === undefined || text === '') return undefined;
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) <= 0) {
      throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(text.slice(0, 40))}`);
    }
    return Number(text);
  };
  const maxSteps = read('VAULT_AGENT_TEMPLATE_MAX_STEPS');
  const maxOutputBytes = read('VAULT_AGENT_TEMPLATE_MAX_OUTPUT_BYTES');
  return { ...(maxSteps === undefined ? {} : { maxSteps }), ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }) };
}
