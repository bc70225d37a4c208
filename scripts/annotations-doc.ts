// Renders docs/annotations.md from the annotation registry, so it cannot drift:
// test/docs/annotations-doc.test.ts fails when stale. (The flag table lives in
// docs/webhook-settings.md, checked by test/startup/settings-docs.test.ts.)
// Regenerate with: node --import tsx scripts/annotations-doc.ts --write
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAMILY_DOCS, POD_ANNOTATION_DOCS } from '../webhook/src/inject/annotations/annotation-reference.js';
import { ANNOTATION_PREFIX } from '../webhook/src/inject/annotations/keys.js';

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

if (process.argv.includes('--write')) {
  writeFileSync(ANNOTATIONS_DOC, renderAnnotationsDoc());
}
