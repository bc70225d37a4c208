// re2js (Go's regexp syntax for regexMatch / regexReplaceAll) stays outside the agent bundle and is
// loaded on first use; the agent image carries it as dist/agent-bundle/vendor/re2js.js on NODE_PATH
// (scripts/build-agent-bundle.mjs). That file must work alone, from a directory with no node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './oracle-helpers.js';

const VENDOR = join(REPO_ROOT, 'dist', 'agent-bundle', 'vendor');

test('the vendored re2js loads from NODE_PATH alone and matches with Go syntax', () => {
  if (!existsSync(join(VENDOR, 're2js.js'))) throw new Error('dist/agent-bundle/vendor/re2js.js is missing: run `npm run build` first (npm test does)');
  const cwd = mkdtempSync(join(tmpdir(), 're2js-vendor-'));
  try {
    const script = "const { RE2JS } = require('re2js'); const m = RE2JS.compile('^[[:alpha:]]+\\\\z').matcher('abc'); process.stdout.write(require.resolve('re2js') + ' ' + m.find());";
    const result = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_PATH: VENDOR }, timeout: 30_000 });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ status: 0, stderr: '', stdout: `${join(VENDOR, 're2js.js')} true` });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
