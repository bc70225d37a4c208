// Shared by the template tests: where the gotemplate-oracle corpus (a copy in test/fixtures/ of the
// oracle's examples: templates and Go's committed outputs) and the oracle binary live, and how to run
// a batch through it (one process per batch). Only the differential suite (`npm run
// test:differential`, jest.differential.config.cjs) spawns the binary; the default suite checks the
// committed outputs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from '../../template/src/index.js';

import { FIXTURES_DIR, REPO_ROOT } from '../helpers/repo-paths.js';
export { REPO_ROOT };
export const CORPUS_DIR = join(FIXTURES_DIR, 'gotemplate-corpus');
/** Cases where the engine once differed from Go, with the oracle's outputs (test/template/regressions.test.ts). */
export const REGRESSIONS_DIR = join(FIXTURES_DIR, 'gotemplate-regressions');

/** One case for `--one` mode, and the line Go's oracle prints for it (json.Number under %f). */
export const ONE_CASE_INPUT = JSON.stringify({ id: 'one', template: '{{ .a | printf "%05.1f" }}|{{ env "X" }}', data: { a: 3.14159 }, env: { X: 'y' } });
export const ONE_CASE_GO_OUTPUT = '{"id":"one","output":"%!f(json.Number=00003)|y"}\n';

/** The oracle binary; fails with instructions when it has not been built. */
export function oraclePath(): string {
  const path = process.env.GOTEMPLATE_ORACLE ?? join(REPO_ROOT, 'tools-bin', 'gotemplate-oracle');
  if (!existsSync(path)) {
    throw new Error(`gotemplate-oracle not found at ${path}: run \`npm run test:differential\` (it builds the oracle with \`bash scripts/build-oracle.sh\`, which needs Go: \`apt-get install golang-go\`), or set GOTEMPLATE_ORACLE`);
  }
  return path;
}

export function corpusText(): { cases: string; expected: string } {
  const casesPath = join(CORPUS_DIR, 'cases.json');
  if (!existsSync(casesPath)) throw new Error(`oracle corpus not found at ${casesPath}`);
  return { cases: readFileSync(casesPath, 'utf8'), expected: readFileSync(join(CORPUS_DIR, 'expected.json'), 'utf8') };
}

/** The oracle's stdout, as text, for JSON input given as text (number literals stay as written). */
export function runOracleRaw(casesJson: string, args: readonly string[] = []): string {
  const result = spawnSync(oraclePath(), [...args], { input: casesJson, maxBuffer: 1 << 30, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`gotemplate-oracle failed (${String(result.status)}): ${result.stderr.toString()}`);
  return result.stdout.toString('utf8');
}

export function regressionText(): { cases: string; expected: string; upstreamCases: string; upstreamExpected: string } {
  const read = (name: string): string => readFileSync(join(REGRESSIONS_DIR, name), 'utf8');
  return { cases: read('cases.json'), expected: read('expected.json'), upstreamCases: read('upstream-cases.json'), upstreamExpected: read('upstream-expected.json') };
}

/** Runs a JSON array (given as text, to keep number literals as written) through the oracle. */
export function runOracle(casesJson: string, args: readonly string[] = []): CaseResult[] {
  const parsed = JSON.parse(runOracleRaw(casesJson, args)) as CaseResult | CaseResult[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Whether our result matches the oracle's: same bytes, or an error in the same phase. */
export function sameResult(got: CaseResult, want: CaseResult): boolean {
  if (want.output !== undefined) {
    if (got.output === undefined) return false;
    const wantBytes = want.outputBase64 !== undefined ? Buffer.from(want.outputBase64, 'base64') : Buffer.from(want.output, 'utf8');
    const gotBytes = got.outputBase64 !== undefined ? Buffer.from(got.outputBase64, 'base64') : Buffer.from(got.output, 'utf8');
    return wantBytes.equals(gotBytes);
  }
  return got.output === undefined && got.phase === want.phase;
}
