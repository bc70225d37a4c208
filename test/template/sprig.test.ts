// Sprig under consul-template's `sprig_` prefix. Deterministic functions: a corpus rendered by Go's
// text/template with the real Sprig v3.3.0 (scripts/sprig-oracle → test/template/sprig/expected.json),
// matched byte for byte, errors included. The rest (random, clock, key generation) by shape.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GoTemplateEngine, TemplateError, parseCases, runCase, type CaseResult } from '../../template/src/index.js';
import { caseStore } from '../../template/src/index.js';
import { REPO_ROOT } from './oracle-helpers.js';

const SPRIG_DIR = join(REPO_ROOT, 'test', 'template', 'sprig');
const cases = parseCases(readFileSync(join(SPRIG_DIR, 'cases.json'), 'utf8')) as { id: string; template: string }[];
const expected = JSON.parse(readFileSync(join(SPRIG_DIR, 'expected.json'), 'utf8')) as CaseResult[];
/** Sprig v3.3.0's GenericFuncMap: name, whether consul-template ≥ 0.41 registers it (hermetic), Go signature. */
const funcMap = readFileSync(join(SPRIG_DIR, 'generic-func-map.tsv'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.split('\t') as [string, string, string]);

const engine = new GoTemplateEngine();
const store = caseStore(new Map());

function render(template: string, env: Record<string, string> = {}): string {
  const result = engine.compile(template, { errorOnMissingKey: false }).render({ store, env: (name) => env[name], destination: '/tmp/x' });
  return result.output as string;
}

function renderError(template: string): TemplateError {
  try {
    render(template);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`${template} rendered without error`);
}

describe('sprig_* functions against Go + Sprig v3.3.0', () => {
  const savedTz = process.env.TZ;
  // The corpus was rendered with TZ=UTC (Go's time.Local); the engine reads TZ the same way.
  beforeAll(() => {
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('has a corpus of every deterministic function', () => {
    expect(cases.length).toBe(expected.length);
    expect(cases.length).toBeGreaterThanOrEqual(240);
  });

  it('matches every corpus case byte for byte (errors by phase and text)', () => {
    const mismatches = cases.flatMap((raw, i) => {
      const want = expected[i] as CaseResult;
      const got = runCase(raw, { engine });
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ id: want.id, want, got }];
    });
    expect(mismatches).toEqual([]);
  });

  it('implements or refuses (by name, at parse time) every function of Sprig\'s GenericFuncMap', () => {
    expect(funcMap.length).toBe(211);
    const refused: string[] = [];
    const missing: string[] = [];
    for (const [name] of funcMap) {
      try {
        engine.compile(`{{ if false }}{{ sprig_${name} }}{{ end }}`, {});
      } catch (error) {
        const message = (error as Error).message;
        if (message.includes(`function "sprig_${name}" is not supported`)) refused.push(name);
        else missing.push(`${name}: ${message}`);
      }
    }
    expect(missing).toEqual([]);
    expect(refused.sort()).toEqual(['buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'getHostByName']);
  });

  it('covers every implemented deterministic function in the corpus; the others are tested by shape below', () => {
    const byShape = new Set(['now', 'date', 'dateInZone', 'date_in_zone', 'htmlDate', 'htmlDateInZone', 'ago', 'uuidv4', 'randAlpha', 'randAlphaNum', 'randAscii', 'randNumeric', 'randBytes', 'randInt', 'shuffle', 'bcrypt', 'htpasswd', 'genPrivateKey', 'encryptAES', 'env', 'expandenv']);
    const inCorpus = (name: string): boolean => cases.some((c) => new RegExp(`\\bsprig_${name}\\b`).test(c.template));
    const uncovered = funcMap.map(([name]) => name).filter((name) => !byShape.has(name) && !inCorpus(name) && !name.startsWith('gen') && name !== 'buildCustomCert' && name !== 'getHostByName');
    expect(uncovered).toEqual([]);
  });

  it('refuses certificate generation and DNS at parse time, naming the function', () => {
    for (const name of ['genCA', 'genSelfSignedCert', 'genSignedCert', 'buildCustomCert', 'getHostByName']) {
      const error = renderError(`{{ sprig_${name} "x" }}`);
      expect(error.phase).toBe('parse');
      expect(error.message).toContain(`function "sprig_${name}" is not supported`);
    }
  });
});

describe('sprig_* functions that are random or read the clock (by shape)', () => {
  it('now, date, dateInZone and ago follow the clock', () => {
    expect(render('{{ sprig_now | sprig_date "2006" }}')).toBe(String(new Date().getUTCFullYear()));
    expect(render('{{ sprig_now | sprig_unixEpoch }}')).toMatch(/^\d{10}$/);
    expect(render('{{ sprig_now }}')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+$/);
    expect(render('{{ sprig_date "2006-01-02" "not a time" }}')).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(render('{{ sprig_dateInZone "15:04 MST" 0 "UTC" }}')).toBe('00:00 UTC');
    expect(render('{{ sprig_htmlDateInZone 0 "America/New_York" }}')).toBe('1969-12-31');
    expect(render('{{ sprig_date_in_zone "-07:00" 0 "Asia/Kolkata" }}')).toBe('+05:30');
    expect(render('{{ sprig_htmlDate (sprig_now | sprig_unixEpoch | sprig_int64) }}')).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(render('{{ sprig_ago (sprig_toDate "2006" "2000") }}')).toMatch(/^\d{6,}h\d+m\d+s$/);
    expect(render('{{ sprig_ago sprig_now }}')).toBe('0s');
  });

  it('uuidv4 and the rand* family have the documented shapes', () => {
    expect(render('{{ sprig_uuidv4 }}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(render('{{ sprig_uuidv4 }}')).not.toBe(render('{{ sprig_uuidv4 }}'));
    expect(render('{{ sprig_randAlpha 12 }}')).toMatch(/^[A-Za-z]{12}$/);
    expect(render('{{ sprig_randAlphaNum 30 }}')).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(render('{{ sprig_randNumeric 8 }}')).toMatch(/^[0-9]{8}$/);
    expect(render('{{ sprig_randAscii 40 }}')).toMatch(/^[\x20-\x7e]{40}$/);
    expect(render('{{ sprig_randAlpha 0 }}|{{ sprig_randAlpha -1 }}')).toBe('|');
    expect(Buffer.from(render('{{ sprig_randBytes 24 }}'), 'base64')).toHaveLength(24);
    const ints = new Set(Array.from({ length: 50 }, () => Number(render('{{ sprig_randInt 3 6 }}'))));
    expect([...ints].every((n) => n >= 3 && n < 6)).toBe(true);
    expect(renderError('{{ sprig_randInt 5 5 }}').message).toContain('error calling sprig_randInt: invalid argument to Intn');
    expect([...render('{{ sprig_shuffle "abcdefgh" }}')].sort().join('')).toBe('abcdefgh');
  });

  it('bcrypt and htpasswd make $2a$10$ hashes that verify', () => {
    const bcryptjs = createRequire(import.meta.url)('bcryptjs') as { compareSync(s: string, h: string): boolean };
    const hash = render('{{ sprig_bcrypt "s3cret" }}');
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcryptjs.compareSync('s3cret', hash)).toBe(true);
    const line = render('{{ sprig_htpasswd "alice" "pw" }}');
    expect(line).toMatch(/^alice:\$2a\$10\$/);
    expect(bcryptjs.compareSync('pw', line.slice('alice:'.length))).toBe(true);
  });

  it('genPrivateKey writes the PEM block types Sprig writes, and encryptAES uses a fresh IV', () => {
    const ec = render('{{ sprig_genPrivateKey "ecdsa" }}');
    expect(ec).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(createPrivateKey(ec).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const ed = render('{{ sprig_genPrivateKey "ed25519" }}');
    expect(ed).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(ed).asymmetricKeyType).toBe('ed25519');
    expect(renderError('{{ sprig_genPrivateKey "dsa" }}').message).toContain('not supported by vault-injector');
    const a = render('{{ sprig_encryptAES "k" "hello" }}');
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).not.toBe(render('{{ sprig_encryptAES "k" "hello" }}'));
  });

  it('env and expandenv read the template environment (not the process)', () => {
    expect(render('{{ sprig_env "APP" }}|{{ sprig_expandenv "x=$APP ${APP}-${NOPE}" }}', { APP: 'web' })).toBe('web|x=web web-');
  });
});

describe('function_denylist (consul-template semantics)', () => {
  it('denies by name and by glob when executed, leaving unexecuted calls and builtins alone', () => {
    const compile = (source: string, denylist: string[]) => engine.compile(source, { functionDenylist: denylist });
    const run = (source: string, denylist: string[]) => compile(source, denylist).render({ store, env: () => 'v', destination: '/x' }).output;
    expect(() => run('{{ env "A" }}', ['env'])).toThrow('template: :1:3: executing "" at <env "A">: error calling env: function is disabled');
    expect(() => run('{{ sprig_upper "a" }}', ['sprig_*'])).toThrow('error calling sprig_upper: function is disabled');
    expect(run('{{ if false }}{{ sprig_upper "a" }}{{ end }}{{ env "A" }}{{ len "ab" }}', ['sprig_*', '*len*'])).toBe('v2');
    expect(() => run('{{ toUpper "a" }}', ['to*er'])).toThrow('function is disabled');
    expect(run('{{ toUpper "a" }}', ['to*x'])).toBe('A');
  });
});
