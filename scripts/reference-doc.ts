// Renders docs/reference.md from the code's own tables (flags, env, annotations), so the
// reference cannot drift: test/docs/reference.test.ts fails when the file is stale.
// Regenerate with: node --import tsx scripts/reference-doc.ts --write
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV_ONLY, FLAG_DEFINITIONS } from '../webhook/src/settings/flag-definitions.js';
import { FAMILY_DOCS, POD_ANNOTATION_DOCS } from '../webhook/src/inject/annotations/annotation-reference.js';
import { ANNOTATION_PREFIX } from '../webhook/src/inject/annotations/keys.js';

export const REFERENCE_FILE = fileURLToPath(new URL('../docs/reference.md', import.meta.url));

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderReference(): string {
  const lines = [
    '# Reference (generated)',
    '',
    'Generated from the code by `node --import tsx scripts/reference-doc.ts --write`; do not edit by hand.',
    '',
    '## `vault-injector agent-inject` flags and environment',
    '',
    'Flags take `-name=value` or `--name=value` (also `-name value`; bools may be bare). A non-empty',
    'environment variable overrides the flag, as in vault-k8s.',
    '',
    '| flag | environment | default | meaning |',
    '| --- | --- | --- | --- |',
    ...FLAG_DEFINITIONS.map(
      (flag) => `| \`-${flag.name}\` | \`${flag.env}\` | ${flag.defaultValue === '' ? '""' : `\`${flag.defaultValue}\``} | ${cell(flag.usage)} |`,
    ),
    `| (none) | \`${ENV_ONLY.maxConnectionsPerHost}\` | \`0\` | Value for template_config.max_connections_per_host (int). |`,
    `| (none) | \`${ENV_ONLY.leaseRenewalThreshold}\` | \`0\` | Parsed and validated; like vault-k8s, not applied to pods. |`,
    `| (none) | \`${ENV_ONLY.namespace}\` | \`default\` | The injector's own namespace (certificate Secret, Lease). |`,
    `| (none) | \`${ENV_ONLY.podName}\` | "" | The injector's pod name (leader election identity). |`,
    '',
    `## Pod annotations (prefix \`${ANNOTATION_PREFIX}\`)`,
    '',
    'An annotation that is present, even with `""`, counts as set and suppresses the default.',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...POD_ANNOTATION_DOCS.map((doc) => `| \`${doc.name}\` | ${cell(doc.defaultValue)} | ${cell(doc.description)} |`),
    '',
    '## Per-secret and keyed annotation families',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...FAMILY_DOCS.map((doc) => `| \`${doc.name}\` | ${cell(doc.defaultValue === '' ? '""' : doc.defaultValue)} | ${cell(doc.description)} |`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv.includes('--write')) writeFileSync(REFERENCE_FILE, renderReference());
