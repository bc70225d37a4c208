// The offline preview: renders gotemplate-oracle protocol cases ({id, template, data, secrets, env,
// options} → {id, output[, outputBase64]} | {id, error, phase}) so our engine and Go's can be
// compared case by case. Input is decoded the way the oracle's encoding/json does (UseNumber,
// case-insensitive field names, unknown fields rejected).
import { isJsonNumber, parseGoJson } from '../../common/src/vault-json.js';
import { encodeString } from './go/json.js';
import { GoTemplateEngine, ORACLE_FUNCTIONS } from './go/engine.js';
import { secretLookupKey } from './go/functions.js';
import type { MissingKeyMode } from './go/exec.js';
import { type DependencyStore, type PkiCertificateData, type VaultSecretEnvelope, TemplateError } from './template-engine.js';

export interface CaseResult {
  readonly id: string;
  readonly output?: string;
  readonly outputBase64?: string;
  readonly error?: string;
  readonly phase?: 'parse' | 'exec' | 'input';
}

class InputError extends Error {}

const CASE_FIELDS = ['id', 'template', 'data', 'secrets', 'env', 'options'] as const;
const OPTION_FIELDS = ['missingkey', 'leftDelim', 'rightDelim', 'name', 'missingSecret'] as const;

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isJsonNumber(value)) return 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isJsonNumber(value);
}

/** Picks struct fields case-insensitively (exact match first), as encoding/json does. */
function fields<K extends string>(object: Record<string, unknown>, names: readonly K[], strict: boolean): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const key of Object.keys(object)) {
    const exact = names.find((n) => n === key);
    const match = exact ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (match === undefined) {
      if (strict) throw new InputError(`json: unknown field ${JSON.stringify(key)}`);
      continue;
    }
    if (exact !== undefined || out[match] === undefined) out[match] = object[key];
  }
  return out;
}

function expectString(value: unknown, field: string, struct: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InputError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type string`);
  return value;
}

function expectInt(value: unknown, field: string, struct: string): number {
  if (value === undefined || value === null) return 0;
  if (!isJsonNumber(value)) throw new InputError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type int`);
  const text = value.toString();
  if (!/^-?[0-9]+$/.test(text)) throw new InputError(`json: cannot unmarshal number ${text} into Go struct field ${struct}.${field} of type int`);
  return Number(text);
}

function expectBool(value: unknown, field: string, struct: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new InputError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type bool`);
  return value;
}

function expectStringList(value: unknown, field: string, struct: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new InputError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type []string`);
  return value.map((item) => {
    if (typeof item !== 'string') throw new InputError(`json: cannot unmarshal ${jsonKind(item)} into Go struct field ${struct}.${field} of type string`);
    return item;
  });
}

function expectStringMap(value: unknown, field: string, struct: string): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new InputError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type map[string]string`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new InputError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${struct}.${field} of type string`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function authFromJson(raw: unknown): NonNullable<VaultSecretEnvelope['auth']> | null {
  const s = 'vaultResponse';
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) throw new InputError(`json: cannot unmarshal ${jsonKind(raw)} into Go struct field ${s}.auth of type main.vaultAuth`);
  const a = fields(raw, ['client_token', 'accessor', 'policies', 'metadata', 'lease_duration', 'renewable'] as const, false);
  return {
    client_token: expectString(a.client_token, 'auth.client_token', s),
    accessor: expectString(a.accessor, 'auth.accessor', s),
    policies: expectStringList(a.policies, 'auth.policies', s),
    metadata: expectStringMap(a.metadata, 'auth.metadata', s),
    lease_duration: expectInt(a.lease_duration, 'auth.lease_duration', s),
    renewable: expectBool(a.renewable, 'auth.renewable', s),
  };
}

function wrapInfoFromJson(raw: unknown): NonNullable<VaultSecretEnvelope['wrap_info']> | null {
  const s = 'vaultResponse';
  if (raw === undefined || raw === null) return null;
  if (!isObject(raw)) throw new InputError(`json: cannot unmarshal ${jsonKind(raw)} into Go struct field ${s}.wrap_info of type main.vaultWrapInfo`);
  const w = fields(raw, ['token', 'ttl', 'creation_time', 'wrapped_accessor'] as const, false);
  return {
    token: expectString(w.token, 'wrap_info.token', s),
    ttl: expectInt(w.ttl, 'wrap_info.ttl', s),
    creation_time: expectString(w.creation_time, 'wrap_info.creation_time', s),
    wrapped_accessor: expectString(w.wrapped_accessor, 'wrap_info.wrapped_accessor', s),
  };
}

/** Decodes one case secret the way the oracle's vaultResponse does. */
export function envelopeFromJson(raw: unknown): VaultSecretEnvelope {
  if (raw === null) throw new InputError('secret must be a JSON object, not null');
  if (!isObject(raw)) throw new InputError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type main.vaultResponse`);
  const s = 'vaultResponse';
  const f = fields(raw, ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'auth', 'wrap_info'] as const, false);
  if (f.data !== undefined && f.data !== null && !isObject(f.data)) {
    throw new InputError(`json: cannot unmarshal ${jsonKind(f.data)} into Go struct field ${s}.data of type map[string]interface {}`);
  }
  const auth = authFromJson(f.auth);
  const wrap = wrapInfoFromJson(f.wrap_info);
  return {
    request_id: expectString(f.request_id, 'request_id', s),
    lease_id: expectString(f.lease_id, 'lease_id', s),
    lease_duration: expectInt(f.lease_duration, 'lease_duration', s),
    renewable: expectBool(f.renewable, 'renewable', s),
    data: f.data ?? null,
    warnings: expectStringList(f.warnings, 'warnings', s),
    auth,
    wrap_info: wrap,
  };
}

function pemFromEnvelope(envelope: VaultSecretEnvelope): PkiCertificateData {
  const data = isObject(envelope.data) ? envelope.data : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const chain = Array.isArray(data.ca_chain) ? data.ca_chain.filter((x): x is string => typeof x === 'string') : [];
  return { Cert: str(data.certificate), Key: str(data.private_key), CA: str(data.issuing_ca), CAChain: chain };
}

/** A dependency store over a case's `secrets`, keyed the oracle's way (path, or path?k=v&…). */
export function caseStore(secrets: ReadonlyMap<string, VaultSecretEnvelope>): DependencyStore {
  return {
    read: (dependency) => secrets.get(secretLookupKey(dependency.path, dependency.kind === 'write' ? dependency.body : undefined)),
    list: (dependency) => {
      const envelope = secrets.get(dependency.path);
      if (envelope === undefined) return undefined;
      const keys = isObject(envelope.data) ? envelope.data.keys : undefined;
      return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
    },
    pki: (dependency) => {
      const envelope = secrets.get(secretLookupKey(dependency.path, dependency.body)) ?? secrets.get(dependency.path);
      return envelope === undefined ? undefined : pemFromEnvelope(envelope);
    },
  };
}

function bestEffortId(raw: unknown): string {
  return isObject(raw) && typeof raw.id === 'string' ? raw.id : '';
}

export interface PreviewOptions {
  readonly engine?: GoTemplateEngine;
  /** Only the functions gotemplate-oracle implements (it omits timestamp and most helpers). */
  readonly oracleFunctions?: boolean;
  readonly now?: () => Date;
}

type CaseFields = Partial<Record<(typeof CASE_FIELDS)[number], unknown>>;
type CaseOptions = Partial<Record<(typeof OPTION_FIELDS)[number], unknown>>;

/** The case's fields and options, checked as the oracle's decoder checks them (errors say "invalid case: …"). */
function decodeCase(raw: unknown): { readonly id: string; readonly c: CaseFields; readonly opts: CaseOptions } {
  if (raw === null) throw new InputError('invalid case: case must be a JSON object, not null');
  if (!isObject(raw)) throw new InputError(`invalid case: json: cannot unmarshal ${jsonKind(raw)} into Go value of type main.caseInput`);
  try {
    const c = fields(raw, CASE_FIELDS, true);
    const id = expectString(c.id, 'id', 'caseInput');
    expectString(c.template, 'template', 'caseInput');
    const opts = decodeCaseOptions(c.options);
    if (c.env !== undefined && c.env !== null) expectStringMap(c.env, 'env', 'caseInput');
    if (c.secrets !== undefined && c.secrets !== null && !isObject(c.secrets)) {
      throw new InputError(`json: cannot unmarshal ${jsonKind(c.secrets)} into Go struct field caseInput.secrets of type map[string]json.RawMessage`);
    }
    return { id, c, opts };
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`invalid case: ${error.message}`);
    throw error;
  }
}

function decodeCaseOptions(options: unknown): CaseOptions {
  if (options === undefined || options === null) return {};
  if (!isObject(options)) throw new InputError(`json: cannot unmarshal ${jsonKind(options)} into Go struct field caseInput.options of type main.caseOptions`);
  const opts = fields(options, OPTION_FIELDS, true);
  for (const key of OPTION_FIELDS) expectString(opts[key], `options.${key}`, 'caseInput');
  return opts;
}

/** text/template's missingkey option: "invalid" and "" mean "default". */
function missingKeyMode(opts: CaseOptions): MissingKeyMode {
  const option = (opts.missingkey as string | undefined) ?? '';
  if (option === '' || option === 'default' || option === 'invalid') return 'default';
  if (option === 'zero' || option === 'error') return option;
  throw new InputError(`invalid options.missingkey ${JSON.stringify(option)} (want default, zero or error)`);
}

function missingSecretMode(opts: CaseOptions): 'nil' | 'error' {
  const option = (opts.missingSecret as string | undefined) ?? '';
  if (!['', 'error', 'nil'].includes(option)) throw new InputError(`invalid options.missingSecret ${JSON.stringify(option)} (want error or nil)`);
  return option === 'nil' ? 'nil' : 'error';
}

function caseSecrets(raw: unknown): Map<string, VaultSecretEnvelope> {
  const secrets = new Map<string, VaultSecretEnvelope>();
  for (const [path, rawSecret] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    try {
      secrets.set(path, envelopeFromJson(rawSecret));
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`invalid secret ${JSON.stringify(path)}: ${error.message}`);
      throw error;
    }
  }
  return secrets;
}

type CompiledCase = ReturnType<GoTemplateEngine['compile']>;

function compileCase(c: CaseFields, opts: CaseOptions, missingKey: MissingKeyMode, options: PreviewOptions): CompiledCase {
  const engine = options.engine ?? new GoTemplateEngine();
  return engine.compile((c.template as string | undefined) ?? '', {
    name: (opts.name as string | undefined) ?? '',
    leftDelimiter: (opts.leftDelim as string | undefined) ?? '',
    rightDelimiter: (opts.rightDelim as string | undefined) ?? '',
    missingKey,
    ...(options.oracleFunctions === true ? { onlyFunctions: ORACLE_FUNCTIONS } : {}),
  });
}

/** A decoded case, ready to render. */
interface PreparedCase {
  readonly id: string;
  readonly data: unknown;
  readonly secrets: ReadonlyMap<string, VaultSecretEnvelope>;
  readonly env: Record<string, string>;
  readonly missingSecret: 'nil' | 'error';
}

function renderCase(compiled: CompiledCase, prepared: PreparedCase, options: PreviewOptions): CaseResult {
  const { id, env } = prepared;
  try {
    const result = compiled.renderDetailed(
      {
        store: caseStore(prepared.secrets),
        env: (name) => (Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined),
        destination: '',
      },
      {
        dot: prepared.data === undefined || prepared.data === null ? undefined : prepared.data,
        missingSecret: prepared.missingSecret,
        exactPaths: true,
        ...(options.now === undefined ? {} : { now: options.now }),
      },
    );
    const output = result.output ?? '';
    if (result.outputBytes !== undefined) return { id, output, outputBase64: result.outputBytes.toString('base64') };
    return { id, output };
  } catch (error) {
    if (error instanceof TemplateError) return { id, error: error.message, phase: error.phase };
    throw error;
  }
}

/** Runs one protocol case. */
export function runCase(raw: unknown, options: PreviewOptions = {}): CaseResult {
  let id = bestEffortId(raw);
  try {
    const decoded = decodeCase(raw);
    id = decoded.id;
    const { c, opts } = decoded;
    // Checked in the oracle's order: missingkey, missingSecret, secrets, then the template.
    const missingKey = missingKeyMode(opts);
    const missingSecret = missingSecretMode(opts);
    const secrets = caseSecrets(c.secrets);
    const env = (c.env ?? {}) as Record<string, string>;
    let compiled: CompiledCase;
    try {
      compiled = compileCase(c, opts, missingKey, options);
    } catch (error) {
      if (error instanceof TemplateError) return { id, error: error.message, phase: 'parse' };
      throw error;
    }
    return renderCase(compiled, { id, data: c.data, secrets, env, missingSecret }, options);
  } catch (error) {
    if (error instanceof InputError) return { id, error: error.message, phase: 'input' };
    return { id, error: `panic: ${error instanceof Error ? error.message : String(error)}`, phase: 'exec' };
  }
}

/** Parses a protocol document (JSON with numbers kept as written). */
export function parseCases(text: string): unknown {
  return parseGoJson(text);
}

/** One result as the oracle writes it (Go's encoder, HTML escaping off). */
export function encodeResult(result: CaseResult): string {
  const parts = [`"id":${encodeString(result.id, false)}`];
  if (result.output !== undefined) {
    const encoded = result.outputBase64 === undefined ? encodeString(result.output, false) : encodeInvalidUtf8(Buffer.from(result.outputBase64, 'base64'));
    parts.push(`"output":${encoded}`);
  }
  if (result.outputBase64 !== undefined) parts.push(`"outputBase64":${encodeString(result.outputBase64, false)}`);
  if (result.error !== undefined && result.error !== '') parts.push(`"error":${encodeString(result.error, false)}`);
  if (result.phase !== undefined) parts.push(`"phase":${encodeString(result.phase, false)}`);
  return `{${parts.join(',')}}`;
}

/** Go's JSON encoding of a string holding invalid UTF-8: each bad byte becomes \ufffd. */
function encodeInvalidUtf8(bytes: Buffer): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const size = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    const chunk = size === 0 ? null : bytes.subarray(i, i + size);
    const decoded = chunk === null ? '' : chunk.toString('utf8');
    if (chunk !== null && chunk.length === size && [...decoded].length === 1 && Buffer.from(decoded, 'utf8').equals(chunk)) {
      text += encodeString(decoded, false).slice(1, -1);
      i += size;
    } else {
      text += '\\ufffd';
      i += 1;
    }
  }
  return `"${text}"`;
}

export function encodeResults(results: readonly CaseResult[]): string {
  return `[${results.map((r, i) => `${i > 0 ? ',' : ''}\n${encodeResult(r)}`).join('')}\n]\n`;
}
