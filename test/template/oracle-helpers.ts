// Shared by the template tests: where the gotemplate-oracle binary and its corpus live, and how to
// run a batch through it (one process per batch).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from '../../template/src/index.js';

import { REPO_ROOT } from '../helpers/repo-paths.js';
export { REPO_ROOT };
export const CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'tools', 'gotemplate-oracle', 'examples');

/** The oracle binary; fails with instructions when it has not been built. */
export function oraclePath(): string {
  const path = process.env.GOTEMPLATE_ORACLE ?? join(REPO_ROOT, 'tools-bin', 'gotemplate-oracle');
  if (!existsSync(path)) {
    throw new Error(`gotemplate-oracle not found at ${path}: run \`bash scripts/build-oracle.sh\` (or set GOTEMPLATE_ORACLE)`);
  }
  return path;
}

export function corpusText(): { cases: string; expected: string } {
  const casesPath = join(CORPUS_DIR, 'cases.json');
  if (!existsSync(casesPath)) throw new Error(`oracle corpus not found at ${casesPath} (../shared must sit beside the repository)`);
  return { cases: readFileSync(casesPath, 'utf8'), expected: readFileSync(join(CORPUS_DIR, 'expected.json'), 'utf8') };
}

/** Runs a JSON array (given as text, to keep number literals as written) through the oracle. */
export function runOracle(casesJson: string, args: readonly string[] = []): CaseResult[] {
  const result = spawnSync(oraclePath(), [...args], { input: casesJson, maxBuffer: 1 << 30, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`gotemplate-oracle failed (${String(result.status)}): ${result.stderr.toString()}`);
  const parsed = JSON.parse(result.stdout.toString('utf8')) as CaseResult | CaseResult[];
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
