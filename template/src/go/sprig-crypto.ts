// Sprig's crypto, random, UUID, semver and OS functions (crypto.go, semver.go, strings.go's rand*,
// functions.go's env/expandenv): https://github.com/Masterminds/sprig/blob/v3.3.0/crypto.go
// The certificate generators (genCA, genSelfSignedCert, genSignedCert, buildCustomCert and their
// *WithKey forms) and getHostByName are refused at parse time: see SPRIG_REFUSED in sprig.ts.
import { createCipheriv, createDecipheriv, createHmac, generateKeyPairSync, randomBytes, randomInt, randomUUID, scryptSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { FuncError, checkGeneratedSize } from './exec.js';
import { S, T, Typed, type SprigFn, fn, text } from './sprig-values.js';
import { type GoType, type Value, intOf, ptrTo, stringBytes, goStringFromBytes } from './values.js';

// bcryptjs is loaded on first use only (createRequire keeps the call synchronous, as the engine is).
let bcryptModule: { genSaltSync(rounds: number): string; hashSync(s: string, salt: string): string } | undefined;

function bcryptHash(input: Buffer): string {
  if (bcryptModule === undefined) bcryptModule = createRequire(import.meta.url)('bcryptjs') as typeof bcryptModule;
  const lib = bcryptModule as NonNullable<typeof bcryptModule>;
  // Go's golang.org/x/crypto/bcrypt writes the $2a$ prefix at the default cost 10.
  if (input.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  const salt = lib.genSaltSync(10).replace(/^\$2b\$/, '$2a$');
  return lib.hashSync(input.toString('latin1'), salt);
}

function randomFrom(alphabet: string, count: number): string {
  if (count <= 0) return '';
  checkGeneratedSize('rand', count);
  let out = '';
  for (let i = 0; i < count; i += 1) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 95 }, (_v, i) => String.fromCharCode(32 + i)).join('');

// --- derivePassword (the Master Password algorithm sprig implements) ------------------------------

const PASSWORD_TEMPLATES: Record<string, readonly string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv',
    'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function derivePassword(counter: bigint, type: string, password: Buffer, user: Buffer, site: Buffer): string {
  const templates = Object.prototype.hasOwnProperty.call(PASSWORD_TEMPLATES, type) ? PASSWORD_TEMPLATES[type] : undefined;
  if (templates === undefined) return `cannot find password template ${type}`;
  const seedName = Buffer.from('com.lyndir.masterpassword');
  const salt = Buffer.concat([seedName, uint32(user.length), user]);
  const key = scryptSync(password, salt, 64, { N: 32768, r: 8, p: 2, maxmem: 64 * 1024 * 1024 });
  const message = Buffer.concat([seedName, uint32(site.length), site, uint32(Number(BigInt.asUintN(32, counter)))]);
  const seed = createHmac('sha256', key).update(message).digest();
  const template = templates[(seed[0] as number) % templates.length] as string;
  let out = '';
  for (let i = 0; i < template.length; i += 1) {
    const chars = TEMPLATE_CHARACTERS[template[i] as string] as string;
    out += chars.charAt((seed[i + 1] as number) % chars.length);
  }
  return out;
}

function generatePrivateKey(type: string): string {
  switch (type) {
    case '':
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    case 'dsa':
      throw new FuncError('genPrivateKey "dsa" is not supported by vault-injector (use rsa, ecdsa or ed25519)');
    default:
      return `Unknown type ${type}`;
  }
}

function aesKey(password: Buffer): Buffer {
  const key = Buffer.alloc(32);
  password.copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: Buffer, plaintext: Buffer): string {
  if (plaintext.length === 0) return '';
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final()]).toString('base64');
}

function decryptAES(password: Buffer, crypt64: string): Value {
  if (crypt64 === '') return '';
  const clean = crypt64.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) throw new FuncError('illegal base64 data at input byte 0');
  const crypt = Buffer.from(clean, 'base64');
  if (crypt.length < 16) throw new FuncError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new FuncError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new FuncError('runtime error: index out of range [-1]');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  decipher.setAutoPadding(false);
  const decrypted = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = decrypted[decrypted.length - 1] as number;
  if (pad > decrypted.length) throw new FuncError(`runtime error: slice bounds out of range [:${decrypted.length - pad}]`);
  return goStringFromBytes(decrypted.subarray(0, decrypted.length - pad));
}

// --- semver (Masterminds/semver v3) ----------------------------------------------------------------

interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly metadata: string;
  readonly original: string;
}

const VERSION_RE = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parseVersion(s: string): Version {
  const m = VERSION_RE.exec(s);
  if (m === null) throw new FuncError('Invalid Semantic Version');
  const pre = m[4] ?? '';
  for (const part of pre === '' ? [] : pre.split('.')) {
    if (/^[0-9]+$/.test(part) && part.length > 1 && part.startsWith('0')) throw new FuncError('Version segment starts with 0');
  }
  return { major: BigInt(m[1] as string), minor: BigInt(m[2] ?? '0'), patch: BigInt(m[3] ?? '0'), pre, metadata: m[5] ?? '', original: s };
}

function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre === '' ? '' : `-${v.pre}`}${v.metadata === '' ? '' : `+${v.metadata}`}`;
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^[0-9]+$/.test(p);
    const qn = /^[0-9]+$/.test(q);
    if (pn && qn) return BigInt(p) < BigInt(q) ? -1 : 1;
    if (pn) return -1;
    if (qn) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Constraint {
  readonly op: string;
  readonly v: Version;
  /** How many of major.minor.patch were given as numbers (wildcards and omissions count as missing). */
  readonly given: number;
}

const CONSTRAINT_RE = /^\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;

function parseConstraintPart(raw: string, whole: string): Constraint {
  const m = CONSTRAINT_RE.exec(raw);
  if (m === null) throw new FuncError(`improper constraint: ${whole}`);
  const parts = [m[2], m[3], m[4]];
  let given = 0;
  for (const p of parts) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    if (!/^[0-9]+$/.test(p)) throw new FuncError(`improper constraint: ${whole}`);
    given += 1;
  }
  const num = (i: number): bigint => (i < given ? BigInt(parts[i] as string) : 0n);
  return { op: m[1] ?? '', v: { major: num(0), minor: num(1), patch: num(2), pre: m[5] ?? '', metadata: m[6] ?? '', original: raw }, given };
}

function bump(v: Version, part: 'major' | 'minor' | 'patch'): Version {
  if (part === 'major') return { ...v, major: v.major + 1n, minor: 0n, patch: 0n, pre: '' };
  if (part === 'minor') return { ...v, minor: v.minor + 1n, patch: 0n, pre: '' };
  return { ...v, patch: v.patch + 1n, pre: '' };
}

function check(c: Constraint, v: Version): boolean {
  if (v.pre !== '' && c.v.pre === '') return false;
  const cmp = compareVersions(v, c.v);
  const prefixEqual = (): boolean => (c.given < 1 || v.major === c.v.major) && (c.given < 2 || v.minor === c.v.minor) && (c.given < 3 || v.patch === c.v.patch) && (c.given < 3 || v.pre === c.v.pre);
  switch (c.op) {
    case '':
    case '=':
      return c.given < 3 ? prefixEqual() : cmp === 0;
    case '!=':
      return c.given < 3 ? !prefixEqual() : cmp !== 0;
    case '>':
      if (c.given === 0) return false;
      if (c.given === 1) return v.major > c.v.major;
      if (c.given === 2) return v.major > c.v.major || (v.major === c.v.major && v.minor > c.v.minor);
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
    case '=>':
      return cmp >= 0;
    case '<=':
    case '=<':
      if (c.given === 0) return true;
      if (c.given === 1) return v.major <= c.v.major;
      if (c.given === 2) return v.major < c.v.major || (v.major === c.v.major && v.minor <= c.v.minor);
      return cmp <= 0;
    case '~':
    case '~>':
      if (cmp < 0) return false;
      if (c.given <= 1) return v.major === c.v.major || c.given === 0;
      return v.major === c.v.major && v.minor === c.v.minor;
    case '^': {
      if (cmp < 0) return false;
      if (c.v.major > 0n || c.given === 1) return compareVersions(v, bump(c.v, 'major')) < 0;
      if (c.v.minor > 0n || c.given === 2) return compareVersions(v, bump(c.v, 'minor')) < 0;
      return compareVersions(v, bump(c.v, 'patch')) < 0;
    }
    default:
      return false;
  }
}

function semverCompare(constraint: string, version: string): boolean {
  const groups = constraint.split('||').map((group) => {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(group);
    if (hyphen !== null) return [parseConstraintPart(`>=${hyphen[1] as string}`, constraint), parseConstraintPart(`<=${hyphen[2] as string}`, constraint)];
    const parts = group.split(/\s*,\s*|\s+(?=[<>=!~^0-9vxX*])/).filter((p) => p.trim() !== '');
    if (parts.length === 0) throw new FuncError(`improper constraint: ${constraint}`);
    return parts.map((p) => parseConstraintPart(p, constraint));
  });
  const v = parseVersion(version);
  return groups.some((group) => group.every((c) => check(c, v)));
}

const VERSION_STRUCT: GoType = {
  name: 'semver.Version',
  kind: 'struct',
  fields: [],
  stringer: (value) => versionString((value as Typed).raw as Version),
  methods: {
    Major: { result: T.uint64, call: (r) => new Typed(T.uint64, ((r as Typed).raw as Version).major) },
    Minor: { result: T.uint64, call: (r) => new Typed(T.uint64, ((r as Typed).raw as Version).minor) },
    Patch: { result: T.uint64, call: (r) => new Typed(T.uint64, ((r as Typed).raw as Version).patch) },
    Prerelease: { result: T.string, call: (r) => ((r as Typed).raw as Version).pre },
    Metadata: { result: T.string, call: (r) => ((r as Typed).raw as Version).metadata },
    Original: { result: T.string, call: (r) => ((r as Typed).raw as Version).original },
    String: { result: T.string, call: (r) => versionString((r as Typed).raw as Version) },
  },
};

const VERSION_PTR = ptrTo(VERSION_STRUCT);

/** os.ExpandEnv: $VAR and ${VAR}; unknown names expand to "". */
function expandEnv(s: string, env: (name: string) => string | undefined): string {
  return s.replace(/\$(\{([^}]*)\}|([A-Za-z0-9_]+)|([*#$@!?\-0-9]))/g, (_m, _all: string, braced: string | undefined, bare: string | undefined, special: string | undefined) => {
    const name = braced ?? bare ?? special ?? '';
    if (braced !== undefined && braced === '') return '';
    return env(name) ?? '';
  });
}

export function sprigCryptoFunctions(): Map<string, SprigFn> {
  const t = new Map<string, SprigFn>();
  const B = (v: Value): Buffer => stringBytes(v as string);
  t.set('bcrypt', fn([S], S, ([s]) => bcryptHash(B(s))));
  t.set('htpasswd', fn([S, S], S, ([user, pass]) => (text(user).includes(':') ? `invalid username: ${text(user)}` : `${text(user)}:${bcryptHash(B(pass))}`)));
  t.set('derivePassword', fn([T.uint32, S, S, S, S], S, ([counter, type, password, user, site]) => derivePassword(intOf(counter as Typed), text(type), B(password), B(user), B(site))));
  t.set('genPrivateKey', fn([S], S, ([type]) => generatePrivateKey(text(type))));
  t.set('encryptAES', fn([S, S], S, ([password, plain]) => encryptAES(B(password), B(plain))));
  t.set('decryptAES', fn([S, S], S, ([password, crypt]) => decryptAES(B(password), text(crypt))));
  t.set('randBytes', fn([T.int], S, ([n]) => {
    if ((n as bigint) < 0n) throw new FuncError('runtime error: makeslice: len out of range');
    checkGeneratedSize('randBytes', Number(n));
    return randomBytes(Number(n)).toString('base64');
  }));
  t.set('uuidv4', fn([], S, () => randomUUID()));
  t.set('randAlphaNum', fn([T.int], S, ([n]) => randomFrom(LETTERS + DIGITS, Number(n))));
  t.set('randAlpha', fn([T.int], S, ([n]) => randomFrom(LETTERS, Number(n))));
  t.set('randAscii', fn([T.int], S, ([n]) => randomFrom(ASCII, Number(n))));
  t.set('randNumeric', fn([T.int], S, ([n]) => randomFrom(DIGITS, Number(n))));
  t.set('shuffle', fn([S], S, ([s]) => {
    const runes = [...text(s)];
    for (let i = runes.length - 1; i > 0; i -= 1) {
      const j = randomInt(i + 1);
      [runes[i], runes[j]] = [runes[j] as string, runes[i] as string];
    }
    return runes.join('');
  }));
  t.set('semver', fn([S], VERSION_PTR, ([s]) => new Typed(VERSION_PTR, parseVersion(text(s)))));
  t.set('semverCompare', fn([S, S], T.bool, ([c, v]) => semverCompare(text(c), text(v))));
  t.set('env', fn([S], S, ([name], ctx) => ctx.env(text(name)) ?? ''));
  t.set('expandenv', fn([S], S, ([s], ctx) => expandEnv(text(s), ctx.env)));
  return t;
}
