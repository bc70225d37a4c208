// Golden files: compare produced text with the checked-in file; UPDATE_GOLDEN=1 rewrites them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1';

/** Returns a failure description, or undefined when the golden file matches (or was updated). */
export function compareGolden(file: string, actual: string): string | undefined {
  if (UPDATE_GOLDEN) {
    writeFileSync(file, actual);
    return undefined;
  }
  if (!existsSync(file)) return `${file} is missing (run with UPDATE_GOLDEN=1 to create it)`;
  const expected = readFileSync(file, 'utf8');
  if (expected === actual) return undefined;
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const line = expectedLines.findIndex((text, i) => text !== actualLines[i]);
  return `${file} differs at line ${line + 1}:\n  golden: ${expectedLines[line] ?? '<end>'}\n  actual: ${actualLines[line] ?? '<end>'}\n(UPDATE_GOLDEN=1 rewrites goldens)`;
}
