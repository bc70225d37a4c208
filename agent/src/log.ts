// The agent's logger, on stderr, in Vault's "standard" text format or JSON (VAULT_LOG_FORMAT /
// log_format). Code never hands secret values, tokens, JWTs or rendered contents to the logger;
// the redaction below is a second line of defence for field names that would carry them.
//
// Every record is the JSON line pino writes for the same call (configured as this agent used it:
// ISO time, level labels, no pid/hostname, pino's `err` serializer and redaction of REDACT_PATHS);
// log.test.ts checks that against pino itself. It is written here because loading pino (with
// sonic-boom, thread-stream, its serializers and redaction) was a good share of init-mode
// start-up (docs/agent.md, "Start-up").
import { createRequire } from 'node:module';

type Fields = Readonly<Record<string, unknown>>;

export interface LogMethod {
  (fields: Fields, message?: string): void;
  (message: string): void;
}

export interface AgentLogger {
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
  /** A logger whose records carry `bindings` (e.g. `{ component: 'auth' }`) after the time. */
  child(bindings: Fields): AgentLogger;
}

/** Top-level fields whose value is always replaced. */
const REDACTED_FIELDS = [
  'token', 'client_token', 'jwt', 'secret_id', 'role_id', 'password', 'data', 'contents', 'body', 'auth', 'wrap_info',
  'headers', 'X-Vault-Token', 'x-vault-token',
];
/** Fields replaced one level down, inside any object-valued field (`*.token`, …). */
const NESTED_REDACTED_FIELDS = ['token', 'jwt', 'data', 'password', 'client_token'];
// Top-level and one level down: the paths pino was configured with (see log.test.ts).
export const REDACT_PATHS = [...REDACTED_FIELDS, ...NESTED_REDACTED_FIELDS.map((field) => `*.${field}`)];
const REDACTED_FIELD_SET = new Set(REDACTED_FIELDS);
const CENSOR = '[redacted]';

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', err: 'error', off: 'silent',
};
const LEVEL_VALUES = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type LevelLabel = keyof typeof LEVEL_VALUES;

export interface LoggerOptions {
  readonly level?: string | undefined;
  readonly format?: string | undefined;
  /** Where lines go (default: stderr). */
  readonly write?: (line: string) => void;
  /** The clock (default: Date.now). */
  readonly now?: () => number;
}

export function normaliseLogLevel(level: string | undefined): string | undefined {
  return level === undefined ? undefined : LEVEL_NAMES[level.trim().toLowerCase()];
}

export function createAgentLogger(options: LoggerOptions = {}): AgentLogger {
  const level = normaliseLogLevel(options.level) ?? 'info';
  const threshold = level === 'silent' ? Infinity : LEVEL_VALUES[level as LevelLabel];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const json = options.format?.toLowerCase() === 'json';
  const sink = json ? write : (line: string) => { write(toStandardLine(line)); };
  return createLogger({ threshold, sink, now: options.now ?? Date.now }, '');
}

interface LoggerCore {
  readonly threshold: number;
  readonly sink: (line: string) => void;
  readonly now: () => number;
}

function createLogger(core: LoggerCore, bindings: string): AgentLogger {
  const method = (label: LevelLabel): LogMethod => {
    if (LEVEL_VALUES[label] < core.threshold) return () => undefined;
    return (fieldsOrMessage: Fields | string, message?: string) => {
      const [fields, text] = typeof fieldsOrMessage === 'string' ? [undefined, fieldsOrMessage] : [fieldsOrMessage, message];
      core.sink(formatRecord({ level: label, time: core.now(), bindings, fields, message: text }));
    };
  };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: (childBindings) => createLogger(core, bindings + formatFields(childBindings, 'bindings')),
  };
}

interface RecordParts {
  readonly level: LevelLabel;
  readonly time: number;
  /** The child bindings, already formatted. */
  readonly bindings: string;
  readonly fields: Fields | undefined;
  readonly message: unknown;
}

/** One JSON line: level, time, the bindings, the fields in their order, then msg. */
function formatRecord({ level, time, bindings, fields, message: text }: RecordParts): string {
  let message = text;
  let line = `{"level":${JSON.stringify(level)},"time":"${new Date(time).toISOString()}"${bindings}`;
  let record = fields;
  if (fields instanceof Error) {
    record = { err: fields };
    if (message === undefined) message = fields.message;
  } else if (fields !== undefined && message === undefined && fields.msg === undefined && Boolean(fields.err)) {
    // As pino does: with no message, the `err` field's message is the record's.
    message = (fields.err as { message?: unknown }).message;
  }
  if (record !== undefined) line += formatFields(record, 'record');
  if (message !== undefined && typeof message !== 'function') {
    line += `,"msg":${String(stringifyValue(redactNested(typeof message === 'number' && !Number.isFinite(message) ? null : message)))}`;
  }
  return `${line}}\n`;
}

// Keys pino drops from child bindings.
const RESERVED_BINDING_KEYS = new Set(['level', 'serializers', 'formatters', 'customLevels']);

/** `,"key":value` for each own field, as pino writes a record's fields or a child's bindings. */
function formatFields(fields: Fields, kind: 'record' | 'bindings'): string {
  let text = '';
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key) || (kind === 'bindings' && RESERVED_BINDING_KEYS.has(key))) continue;
    const encoded = encodeField(key, fields[key], kind);
    if (encoded !== undefined) text += `,${JSON.stringify(key)}:${encoded}`;
  }
  return text;
}

/** A field's JSON value, or undefined when pino leaves the field out. */
function encodeField(key: string, raw: unknown, kind: 'record' | 'bindings'): string | undefined {
  if (raw === undefined) return undefined;
  let value = key === 'err' ? serializeError(raw, new Set()) : raw;
  // Records skip functions before redaction; bindings redact them (and then drop what JSON cannot write).
  if (kind === 'record' && (value === undefined || typeof value === 'function')) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) value = null;
  return REDACTED_FIELD_SET.has(key) ? JSON.stringify(CENSOR) : stringifyValue(redactNested(value));
}

/**
 * A shallow copy of an object (same prototype, own enumerable fields) whose own fields named in
 * NESTED_REDACTED_FIELDS are censored; arrays and dates are copied as such; anything else as is.
 */
function redactNested(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let index = 0; index < value.length; index += 1) copy[index] = value[index];
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key)) copy[key] = (value as Record<string, unknown>)[key];
  }
  for (const field of NESTED_REDACTED_FIELDS) {
    if (field in copy && Object.prototype.hasOwnProperty.call(copy, field)) copy[field] = CENSOR;
  }
  return copy;
}

let safeStringify: ((value: unknown) => string | undefined) | undefined;

/** JSON text; values JSON.stringify cannot take (cycles, BigInt) as pino's fallback writes them. */
function stringifyValue(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    try {
      safeStringify ??= (createRequire(import.meta.url)('safe-stable-stringify') as { configure: (options: object) => (value: unknown) => string | undefined })
        .configure({ maximumDepth: 5, maximumBreadth: 100 });
      return safeStringify(value);
    } catch {
      return '"[unable to serialize, circular reference is too complex to analyze]"';
    }
  }
}

interface ErrorLike {
  readonly message: string;
  readonly [key: string]: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function errorCause(error: ErrorLike): ErrorLike | undefined {
  const cause = typeof error.cause === 'function' ? (error.cause as () => unknown)() : error.cause;
  return isErrorLike(cause) ? cause : undefined;
}

function messageWithCauses(error: ErrorLike, seen: Set<ErrorLike>, skip: boolean): string {
  const message = skip ? '' : error.message;
  if (seen.has(error)) return `${message}: ...`;
  const cause = errorCause(error);
  if (cause === undefined) return message;
  seen.add(error);
  const verrorStyle = typeof error.cause === 'function';
  return `${message}${verrorStyle ? '' : ': '}${messageWithCauses(cause, seen, verrorStyle)}`;
}

function stackWithCauses(error: ErrorLike, seen: Set<ErrorLike>): string {
  const stack = typeof error.stack === 'string' && error.stack !== '' ? error.stack : '';
  if (seen.has(error)) return `${stack}\ncauses have become circular...`;
  const cause = errorCause(error);
  if (cause === undefined) return stack;
  seen.add(error);
  return `${stack}\ncaused by: ${stackWithCauses(cause, seen)}`;
}

/** pino's `err` serializer: type, message and stack (with causes), aggregated errors, then the error's enumerable fields. */
function serializeError(value: unknown, inProgress: Set<unknown>): unknown {
  if (!isErrorLike(value)) return value;
  inProgress.add(value);
  const constructor = value.constructor;
  const serialized: Record<string, unknown> = {
    type: Object.prototype.toString.call(constructor) === '[object Function]' ? (constructor as { name: unknown }).name : value.name,
    message: messageWithCauses(value, new Set(), false),
    stack: stackWithCauses(value, new Set()),
  };
  if (Array.isArray(value.errors)) serialized.aggregateErrors = value.errors.map((error: unknown) => serializeError(error, inProgress));
  for (const key in value) {
    // `raw` is where pino keeps the original error (never written).
    if (serialized[key] !== undefined || key === 'raw') continue;
    const field = value[key];
    if (!isErrorLike(field)) serialized[key] = field;
    else if (key !== 'cause' && !inProgress.has(field)) serialized[key] = serializeError(field, inProgress);
  }
  inProgress.delete(value);
  return serialized;
}

const STANDARD_LEVEL: Readonly<Record<string, string>> = {
  trace: '[TRACE]', debug: '[DEBUG]', info: '[INFO] ', warn: '[WARN] ', error: '[ERROR]', fatal: '[ERROR]',
};

/** `2024-01-01T00:00:00.000Z [INFO]  agent.auth: message: key=value` like hclog's standard output. */
export function toStandardLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { time, level, msg, component, err, ...rest } = record;
  const text = (value: unknown): string => (typeof value === 'string' ? value : stringifyOrEmpty(value));
  const name = component === undefined ? 'agent' : `agent.${text(component)}`;
  const parts = [`${text(time)} ${STANDARD_LEVEL[text(level)] ?? '[INFO] '} ${name}: ${msg === undefined ? '' : text(msg)}`];
  if (typeof err === 'object' && err !== null) rest.error = (err as { message?: unknown }).message;
  const pairs = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? quoteIfNeeded(value) : JSON.stringify(value)}`);
  if (pairs.length > 0) parts.push(pairs.join(' '));
  return `${parts.join(': ')}\n`;
}

/** JSON.stringify returns undefined for undefined and functions, whatever its type says. */
function stringifyOrEmpty(value: unknown): string {
  const json: unknown = JSON.stringify(value);
  return typeof json === 'string' ? json : '';
}

function quoteIfNeeded(value: string): string {
  return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
}
