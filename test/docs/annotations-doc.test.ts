import { readFileSync } from 'node:fs';
import { ANNOTATIONS_DOC, renderAnnotationsDoc } from '../../scripts/annotations-doc.js';

// Regenerate with: node --import tsx scripts/annotations-doc.ts --write
it('docs/annotations.md is generated from the current annotation registry', () => {
  expect(readFileSync(ANNOTATIONS_DOC, 'utf8')).toBe(renderAnnotationsDoc());
});
