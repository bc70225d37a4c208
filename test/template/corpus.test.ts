// The gotemplate-oracle corpus (Go's real text/template + consul-template-shaped functions), copied
// into test/fixtures/gotemplate-corpus/ with Go's committed outputs (expected.json): every case must
// come out byte for byte the same, through the engine API and through the CLI. That expected.json
// is still what Go renders today is checked by `npm run test:differential`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCases, runCase, type CaseResult } from '../../template/src/index.js';
import { GoTemplateEngine } from '../../template/src/index.js';
import { CORPUS_DIR, ONE_CASE_GO_OUTPUT, ONE_CASE_INPUT, REPO_ROOT, corpusText, sameResult } from './oracle-helpers.js';

const { cases, expected } = corpusText();
const caseList = parseCases(cases) as unknown[];
const expectedList = JSON.parse(expected) as CaseResult[];

describe('gotemplate-oracle corpus', () => {
  it('has the expected shape', () => {
    expect(caseList.length).toBe(expectedList.length);
    expect(caseList.length).toBeGreaterThanOrEqual(300);
  });

  it('matches every case through the engine API (outputs byte for byte, errors by phase and text)', () => {
    const engine = new GoTemplateEngine();
    const mismatches = caseList.flatMap((raw, i) => {
      const want = expectedList[i] as CaseResult;
      const got = runCase(raw, { engine, oracleFunctions: true });
      const same = sameResult(got, want) && got.error === want.error && got.id === want.id;
      return same ? [] : [{ id: want.id, want, got }];
    });
    expect(mismatches).toEqual([]);
  });

  it('defines timestamp, which the oracle leaves out on purpose (its only deliberate gap)', () => {
    const index = expectedList.findIndex((r) => r.id === 'fn/timestamp-not-defined');
    expect(expectedList[index]?.phase).toBe('parse');
    const got = runCase(caseList[index], { now: () => new Date('2024-05-06T07:08:09Z') });
    expect(got).toEqual({ id: 'fn/timestamp-not-defined', output: '2024-05-06T07:08:09Z' });
  });

  it('the built CLI writes exactly the oracle\'s expected.json for the whole corpus', () => {
    const cli = join(REPO_ROOT, 'dist', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error('dist/cli/main.js missing: run `npm run build` first');
    const run = spawnSync(process.execPath, [cli, 'template', '--in', join(CORPUS_DIR, 'cases.json'), '--oracle-functions'], {
      maxBuffer: 1 << 28,
    });
    expect(run.stderr.toString()).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.toString('utf8')).toBe(expected);
  });

  it('the CLI reads stdin with --in - and single cases with --one', () => {
    const cli = join(REPO_ROOT, 'dist', 'cli', 'main.js');
    const input = ONE_CASE_INPUT;
    const run = spawnSync(process.execPath, [cli, 'template', '--in', '-', '--one'], { input });
    expect(run.status).toBe(0);
    // Go's answer for this case (the differential suite checks the oracle still gives it).
    expect(run.stdout.toString()).toBe(ONE_CASE_GO_OUTPUT);
    const bad = spawnSync(process.execPath, [cli, 'template', '--in', '-'], { input: '{"not":"an array"}' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.toString()).toContain('not a JSON array');
  });
});
