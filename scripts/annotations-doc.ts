// Renders docs/annotations.md from the annotation registry (webhook/src/inject/annotations/registry.ts),
// so it cannot drift: test/docs/annotations-doc.test.ts fails when stale. (The flag table lives in
// docs/webhook-settings.md, checked by test/startup/settings-docs.test.ts.)
// Regenerate with: node --import tsx scripts/annotations-doc.ts --write
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANNOTATION_FAMILY_TABLE, ANNOTATION_PREFIX, POD_ANNOTATION_TABLE, shownDefault } from '../webhook/src/inject/annotations/registry.js';
import type { AnnotationFamily, PodAnnotation } from '../webhook/src/inject/annotations/registry.js';

export const ANNOTATIONS_DOC = fileURLToPath(new URL('../docs/annotations.md', import.meta.url));

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderAnnotationsDoc(): string {
  const lines = [
    '# Annotations (generated)',
    '',
    'Generated from the annotation registry by `node --import tsx scripts/annotations-doc.ts --write`;',
    'do not edit by hand. The injector\'s own flags and environment are in [webhook-settings.md](webhook-settings.md).',
    '',
    `## Pod annotations (prefix \`${ANNOTATION_PREFIX}\`)`,
    '',
    'An annotation that is present, even with `""`, counts as set and suppresses the default.',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...Object.values<PodAnnotation>(POD_ANNOTATION_TABLE).map((entry) => `| \`${entry.name}\` | ${cell(shownDefault(entry))} | ${cell(entry.description)} |`),
    '',
    '## Per-secret and keyed annotation families',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...Object.values<AnnotationFamily>(ANNOTATION_FAMILY_TABLE).map((entry) => {
      const shown = shownDefault(entry);
      return `| \`${entry.prefix}${entry.placeholder}\` | ${cell(shown === '' ? '""' : shown)} | ${cell(entry.description)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

if (process.argv.includes('--write')) {
  writeFileSync(ANNOTATIONS_DOC, renderAnnotationsDoc());
}
