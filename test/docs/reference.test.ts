import { readFileSync } from 'node:fs';
import { REFERENCE_FILE, renderReference } from '../../scripts/reference-doc.js';

it('docs/reference.md is generated from the current flag and annotation tables', () => {
  // Regenerate with: node --import tsx scripts/reference-doc.ts --write
  expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(renderReference());
});
