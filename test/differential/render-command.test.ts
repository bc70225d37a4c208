// `vault-injector template render` against Go's text/template: the same template and secrets through
// the built CLI and through gotemplate-oracle give the same bytes. Needs the oracle binary, so it runs
// under `npm run test:differential`; test/template/render-command.test.ts covers the command itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runOracle } from '../template/oracle-helpers.js';

const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js missing: run `npm run build` first');
});
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'render-diff-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const TEMPLATE = [
  '{{- with secret "secret/data/web" -}}',
  'user={{ .Data.data.user }} pass={{ .Data.data.password }} missing={{ .Data.data.nope }} v={{ .Data.metadata.version }}',
  '{{ end -}}',
  '{{ with secret "database/creds/app" }}db={{ .Data.username }} lease={{ .LeaseDuration }} renewable={{ .Renewable }}{{ end }}',
].join('\n');

it('renders secrets (KV v2 data part, full response) byte for byte as Go does', () => {
  const webData = { data: { user: 'alice', password: 'p@ss&<>' }, metadata: { version: 3 } };
  const db = { request_id: 'r1', lease_id: 'database/creds/app/x', lease_duration: 3600, renewable: true, data: { username: 'v-app', password: 'pw' } };
  const [oracle] = runOracle(JSON.stringify([{
    id: 'render',
    template: TEMPLATE,
    secrets: { 'secret/data/web': { data: webData }, 'database/creds/app': db },
    options: { missingkey: 'zero' },
  }]));
  const run = spawnSync(process.execPath, [CLI, 'template', 'render', write('head.tpl', TEMPLATE),
    '--secret', `secret/data/web=${write('web.json', JSON.stringify(webData))}`,
    '--secret', `database/creds/app=${write('db.json', JSON.stringify(db))}`], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  expect(run.stderr.toString()).toBe('');
  expect(oracle?.output).toBeDefined();
  expect(run.stdout.toString('utf8')).toBe(oracle?.output);
});
