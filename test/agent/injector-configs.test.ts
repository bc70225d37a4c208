// Compatibility: every VAULT_CONFIG the sample injector cases produce loads, unchanged, as our AgentConfig.
import { readFileSync } from 'node:fs';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { SAMPLE_CASES_FILE } from '../helpers/repo-paths.js';

interface SampleCase {
  readonly id: string;
  readonly expect_init_config?: Record<string, unknown>;
  readonly expect_sidecar_config?: Record<string, unknown>;
}

const cases = JSON.parse(readFileSync(SAMPLE_CASES_FILE, 'utf8')) as SampleCase[];
const configs = cases.flatMap((sample) =>
  (['expect_init_config', 'expect_sidecar_config'] as const)
    .filter((key) => sample[key] !== undefined)
    .map((key) => [`${sample.id} ${key}`, sample[key]!] as const),
);

describe('injector configs from the sample cases', () => {
  it('has configs to check', () => {
    expect(configs.length).toBeGreaterThan(50);
  });

  it.each(configs)('%s loads', (_name, raw) => {
    const config = validateAgentConfig(raw);
    expect(config.exitAfterAuth).toBe(raw.exit_after_auth);
    expect(config.templates).toHaveLength(Array.isArray(raw.template) ? raw.template.length : 0);
    expect(config.autoAuth?.sinks.length).toBeGreaterThanOrEqual(1);
  });
});
