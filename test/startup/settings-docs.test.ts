// docs/webhook-settings.md must list every flag with its variable and default, and every metric.
// (The README links there; the flag table lives only in docs/.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_ONLY, FLAG_DEFINITIONS, SHUTDOWN_TIMEOUT_ENV } from '../../webhook/src/settings/flag-definitions.js';
import { METRIC_NAMES } from '../../webhook/src/metrics.js';
import { REPO_ROOT } from '../helpers/webhook-process.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'webhook-settings.md'), 'utf8');

describe('docs/webhook-settings.md', () => {
  it.each(FLAG_DEFINITIONS.map((definition) => [definition.name, definition] as const))('documents -%s', (_name, definition) => {
    const defaultText = definition.kind === 'bool' ? definition.defaultValue : `\`${definition.defaultValue === '' ? '""' : definition.defaultValue}\``;
    expect(doc).toContain(`| \`-${definition.name}\` | \`${definition.env}\` | ${defaultText} |`);
  });

  it('the README carries no flag table of its own (one table, in docs/, checked here)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('docs/webhook-settings.md');
    expect(readme).not.toMatch(/^\| `-listen` \|/m);
  });

  it('documents the env-only variables and every metric', () => {
    for (const name of [...Object.values(ENV_ONLY), SHUTDOWN_TIMEOUT_ENV, ...Object.values(METRIC_NAMES)]) expect(doc).toContain(`\`${name}\``);
  });
});
