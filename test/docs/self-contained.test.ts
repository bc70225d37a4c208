// Issue 14: a clone of this repository alone, with only Node.js and npm, passes `npm ci && npm test`.
// Running a fresh clone here would need the network, so this checks the two ways the default
// suite could reach outside the repository again: a path into ../shared (the team's spec folder
// beside the checkout), or the Go reference renderer (built from ../shared by `npm run
// test:differential`, which `jest.config.cjs` leaves out).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/repo-paths.js';

const SOURCE_ROOTS = ['webhook', 'agent', 'common', 'cli', 'template', 'test', 'scripts'];
/** Only `npm run test:differential` and the oracle build may name ../shared. */
const MAY_NAME_SHARED = ['test/differential/', 'scripts/build-oracle.sh'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mjs|cjs|js|sh)$/.test(name) ? [path] : [];
  });
}

/** This file names what it looks for. */
const SELF = 'test/docs/self-contained.test.ts';
const sources = SOURCE_ROOTS.flatMap((root) => files(join(REPO_ROOT, root)))
  .map((path) => relative(REPO_ROOT, path))
  .filter((path) => path !== SELF);

/** Code lines only: comments may explain where ../shared is without reading it. */
function codeLines(path: string): string[] {
  return readFileSync(join(REPO_ROOT, path), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*|#)/.test(line));
}

test('the scan sees the default suite (test files of every package)', () => {
  expect(sources.filter((path) => path.endsWith('.test.ts')).length).toBeGreaterThan(100);
  expect(sources).toContain('test/helpers/repo-paths.ts');
  expect(sources).toContain('test/differential/oracle-agreement.test.ts');
});

test('no code outside test:differential reads a path in ../shared', () => {
  const offenders = sources
    .filter((path) => !MAY_NAME_SHARED.some((allowed) => path.startsWith(allowed)))
    .filter((path) => codeLines(path).some((line) => /(\.\.\/)+shared\b|['"`]shared['"`]/.test(line)));
  expect(offenders).toEqual([]);
});

test('only test/differential runs the Go reference renderer, and jest.config.cjs leaves it out', () => {
  const users = sources
    .filter((path) => path.endsWith('.test.ts'))
    .filter((path) => codeLines(path).some((line) => /\b(runOracle|runOracleRaw|oraclePath)\b/.test(line)));
  expect(users.length).toBeGreaterThan(0);
  expect(users.filter((path) => !path.startsWith('test/differential/'))).toEqual([]);
  expect(readFileSync(join(REPO_ROOT, 'jest.config.cjs'), 'utf8')).toContain("'<rootDir>/test/differential/'");
});
