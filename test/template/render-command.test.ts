// `vault-injector template render`, run as users run it: the built CLI, template and secret files
// on disk, raw output on stdout, errors with the template's name and position, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/repo-paths.js';

const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js missing: run `npm run build` first');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'render-cmd-'));
});
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function render(args: readonly string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [CLI, 'template', 'render', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: run.status, stdout: run.stdout.toString('utf8'), stderr: run.stderr.toString('utf8') };
}

const TEMPLATE = [
  '{{- with secret "secret/data/web" -}}',
  'user={{ .Data.data.user }} pass={{ .Data.data.password }} missing={{ .Data.data.nope }} v={{ .Data.metadata.version }}',
  '{{ end -}}',
  '{{ with secret "database/creds/app" }}db={{ .Data.username }} lease={{ .LeaseDuration }} renewable={{ .Renewable }}{{ end }}',
  '{{ with secret "pki/issue/web" "common_name=web.example.com" "ttl=24h" }}cert={{ .Data.certificate }}{{ end }}',
  'home={{ env "APP_HOME" }} {{ "x" | sprig_upper }} {{ range secrets "kv/apps/" }}{{ . }},{{ end }}',
  '',
].join('\n');

describe('vault-injector template render', () => {
  it('renders with secrets (data part, full response, write, list) and --env, raw on stdout', () => {
    const tpl = write('app.tpl', TEMPLATE);
    const web = write('web.json', '{"data":{"user":"alice","password":"p@ss&<>"},"metadata":{"version":3}}');
    const db = write('db.json', '{"request_id":"r1","lease_id":"database/creds/app/x","lease_duration":3600,"renewable":true,"data":{"username":"v-app","password":"pw"}}');
    const pki = write('pki.json', '{"certificate":"-----BEGIN CERTIFICATE-----","serial_number":"1a"}');
    const apps = write('apps.json', '["b","a"]');
    const run = render([tpl, '--secret', `secret/data/web=${web}`, `--secret=database/creds/app=${db}`, '--secret', `pki/issue/web?ttl=24h&common_name=web.example.com=${pki}`, '--secret', `kv/apps=${apps}`, '--env', 'APP_HOME=/srv/app'], { APP_HOME: 'overridden' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('user=alice pass=p@ss&<> missing=<no value> v=3\ndb=v-app lease=3600 renewable=true\ncert=-----BEGIN CERTIFICATE-----\nhome=/srv/app X a,b,\n');
  });

  it('reports errors with the template name and position, and exits 1 (execution) or 2 (usage)', () => {
    const missing = render([write('bad.tpl', 'line one\n  {{ with secret "kv/nope" }}{{ .Data.x }}{{ end }}')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('template: bad.tpl:2:10: executing "bad.tpl" at <secret "kv/nope">: error calling secret: secret(kv/nope): no secret exists at kv/nope');
    expect(missing.stderr).toContain('--secret PATH=FILE.json');
    const parse = render([write('parse.tpl', 'a\n{{ if }}')]);
    expect(parse.code).toBe(1);
    expect(parse.stderr).toContain('template: parse.tpl:2: missing value for if');
    const strict = render([write('strict.tpl', '{{ with secret "kv/a" }}{{ .Data.nope }}{{ end }}'), '--secret', `kv/a=${write('a.json', '{"x":1}')}`, '--error-on-missing-key']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('map has no entry for key "nope"');
    expect(render([]).code).toBe(2);
    expect(render(['x.tpl', '--bogus']).stderr).toContain('unknown option "--bogus"');
    expect(render([join(dir, 'absent.tpl')]).code).toBe(2);
    const badJson = render([write('t.tpl', 'x'), '--secret', `kv/a=${write('bad.json', '{nope')}`]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--secret kv/a: ');
    expect(render(['--help']).stdout).toContain('Usage: vault-injector template render FILE.tpl');
  });

  it('honours delimiters, reads files and writes writeToFile output inside --sandbox', () => {
    const sandbox = join(dir, 'box');
    const input = write('input.txt', 'from-a-file');
    const tpl = write('d.tpl', '<< "a" | sprig_upper >>|<< writeToFile "/etc/app/out.txt" "" "" "0640" "side" >>|<< file "' + join(sandbox, 'in.txt') + '" >>');
    const out = render([tpl, '--left-delim', '<<', '--right-delim', '>>', '--sandbox', sandbox]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('no such file');
    writeFileSync(join(dir, 'box', 'in.txt'), readFileSync(input));
    const ok = render([tpl, '--left-delim', '<<', '--right-delim', '>>', '--sandbox', sandbox]);
    expect(ok.stdout).toBe('A||from-a-file');
    expect(ok.code).toBe(0);
    expect(readFileSync(join(sandbox, 'etc', 'app', 'out.txt'), 'utf8')).toBe('side');
    expect(statSync(join(sandbox, 'etc', 'app', 'out.txt')).mode & 0o777).toBe(0o640);
    expect(ok.stderr).toContain(`writeToFile: wrote ${join(sandbox, 'etc', 'app', 'out.txt')}`);
    const escape = render([write('e.tpl', `{{ file "${input}" }}`), '--sandbox', sandbox]);
    expect(escape.code).toBe(1);
    expect(escape.stderr).toContain('is outside of sandbox');
  });
});
