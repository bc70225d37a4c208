import { readFileSync } from 'node:fs';
import { ANNOTATIONS_DOC, README, renderAnnotationsDoc, renderReadme } from '../../scripts/annotations-doc.js';

// Regenerate with: node --import tsx scripts/annotations-doc.ts --write
it('docs/annotations.md is generated from the current annotation registry', () => {
  expect(readFileSync(ANNOTATIONS_DOC, 'utf8')).toBe(renderAnnotationsDoc());
});

it("the README's flag table is generated from the current flag definitions", () => {
  const readme = readFileSync(README, 'utf8');
  expect(readme).toBe(renderReadme(readme));
});
