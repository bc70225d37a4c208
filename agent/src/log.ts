// The agent's logger: pino, on stderr, in Vault's "standard" text format or hclog's JSON format
// (VAULT_LOG_FORMAT / log_format): `@level`, `@message`, `@module`, `@timestamp` (microseconds),
// then the fields, keys sorted as Go's encoding/json sorts a map, errors as their message
// (https://github.com/hashicorp/go-hclog/blob/main/intlogger.go, logJSON / jsonMapEntry), so log
// pipelines built for Vault Agent keep working. Every finished line passes through the redaction layer
// (log/redaction.ts), which replaces every token, accessor, JWT, secret ID and secret value the
// agent has learnt; code also never hands such values to the logger on purpose, and the redact
// list below blanks fields whose names would carry them.
import { pino } from 'pino';
import type { Logger } from 'pino';
import { secretRegistry } from './log/redaction.js';
import type { SecretRegistry } from './log/redaction.js';
import { formatHclogLine } from '../../common/src/hclog-line.js';

export type AgentLogger = Logger;

const REDACTED_FIELDS = [
  'token', 'client_token', 'jwt', 'secret_id', 'role_id', 'password', 'data', 'contents', 'body', 'auth', 'wrap_info',
  'headers', 'X-Vault-Token', 'x-vault-token',
];
// Top-level and one level down: wider wildcards make pino's redaction slow to set up and to run.
const REDACT_PATHS = [...REDACTED_FIELDS, ...['token', 'jwt', 'data', 'password', 'client_token'].map((field) => `*.${field}`)];

// Vault's logging.ParseLogLevel (trimmed, any case; "" and notice are info), plus hclog's "off".
// Maps, not object literals: `-log-level=constructor` must be an unknown level, not Object's constructor.
const LEVEL_NAMES: ReadonlyMap<string, string> = new Map([
  ['trace', 'trace'], ['debug', 'debug'], ['notice', 'info'], ['info', 'info'], ['', 'info'], ['warn', 'warn'], ['warning', 'warn'], ['error', 'error'], ['err', 'error'],
  ['off', 'silent'],
]);
const FORMAT_NAMES: ReadonlyMap<string, 'standard' | 'json'> = new Map([['', 'standard'], ['standard', 'standard'], ['json', 'json']]);

export interface LoggerOptions {
  readonly level?: string | undefined;
  readonly format?: string | undefined;
  /** Where lines go (default: stderr). */
  readonly write?: (line: string) => void;
  /** The values to redact from every line (default: the process-wide registry). */
  readonly redaction?: SecretRegistry;
}

export function normaliseLogLevel(level: string | undefined): string | undefined {
  return level === undefined ? undefined : LEVEL_NAMES.get(level.trim().toLowerCase());
}

/** Vault's logging.ParseLogFormat: "", standard or json, trimmed, any case. */
export function normaliseLogFormat(format: string | undefined): 'standard' | 'json' | undefined {
  return format === undefined ? undefined : FORMAT_NAMES.get(format.trim().toLowerCase());
}

/** One source of a log setting, named as the user wrote it (flag, variable or config key). */
export interface LogSettingSource {
  readonly input: string;
  readonly value: string | undefined;
}

/**
 * The level and format to use: the first source that is set wins (flag, then VAULT_LOG_*, then the
 * config), and an unknown value is a problem naming that input, as Vault Agent refuses it too
 * ("unknown log level: …", https://github.com/hashicorp/vault/blob/main/helper/logging/logger.go).
 */
export function resolveLogSettings(levels: readonly LogSettingSource[], formats: readonly LogSettingSource[]):
  { readonly level: string; readonly format: 'standard' | 'json'; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const level = levels.find((source) => source.value !== undefined);
  const format = formats.find((source) => source.value !== undefined);
  const levelName = normaliseLogLevel(level?.value);
  const formatName = normaliseLogFormat(format?.value);
  if (level?.value !== undefined && levelName === undefined) {
    problems.push(`${level.input}: ${JSON.stringify(level.value)} is not a log level; use trace, debug, info, warn or error (unknown log level: ${level.value})`);
  }
  if (format?.value !== undefined && formatName === undefined) {
    problems.push(`${format.input}: ${JSON.stringify(format.value)} is not a log format; use standard or json (unknown log format: ${format.value})`);
  }
  return { level: levelName ?? 'info', format: formatName ?? 'standard', problems };
}

export function createAgentLogger(options: LoggerOptions = {}): AgentLogger {
  const level = normaliseLogLevel(options.level) ?? 'info';
  const sink = options.write ?? ((line: string) => process.stderr.write(line));
  const redaction = options.redaction ?? secretRegistry;
  const write = (line: string): void => { sink(redaction.redact(line)); };
  const json = normaliseLogFormat(options.format) === 'json';
  return pino(
    {
      level,
      base: null,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // JSON: redacted before the reshaping too, while values are still in JSON.stringify's escaping
    // (the registry's form), since Go's escaping of <, > and & would hide them from it afterwards.
    { write: json ? (line: string) => { write(toHclogJsonLine(redaction.redact(line))); } : (line: string) => { write(toStandardLine(line)); } },
  );
}

const HCLOG_LEVELS: ReadonlyMap<string, string> = new Map([['trace', 'trace'], ['debug', 'debug'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['fatal', 'error']]);

/** hclog's TimeFormatJSON, "2006-01-02T15:04:05.000000Z07:00": microseconds (ours end in 000). */
function hclogTimestamp(time: unknown): string {
  const text = typeof time === 'string' ? time : new Date().toISOString();
  return text.replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Go's encoding/json escapes <, >, & and U+2028/2029 in strings (SetEscapeHTML, hclog's default). */
function goJsonEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A pino JSON record split into what both output formats treat specially; undefined for a line that is not JSON. */
function parseRecord(jsonLine: string): { time: unknown; level: unknown; msg: unknown; module: string; rest: Record<string, unknown> } | undefined {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { time, level, msg, component, err, ...rest } = record;
  // Errors appear as their message only (hclog writes err.Error(), never a stack).
  if (typeof err === 'object' && err !== null) rest['error'] = (err as { message?: unknown }).message;
  const module = component === undefined ? 'agent' : `agent.${typeof component === 'string' ? component : stringifyOrEmpty(component)}`;
  return { time, level, msg, module, rest };
}

/** One pino JSON record as the line hclog's JSON format writes (keys sorted, errors as their message, no stack). */
export function toHclogJsonLine(jsonLine: string): string {
  const record = parseRecord(jsonLine);
  if (record === undefined) return jsonLine;
  const { time, level, msg, module, rest } = record;
  const fields: Record<string, unknown> = {
    ...rest,
    '@level': HCLOG_LEVELS.get(typeof level === 'string' ? level : '') ?? 'info',
    '@message': typeof msg === 'string' ? msg : msg === undefined ? '' : stringifyOrEmpty(msg),
    '@module': module,
    '@timestamp': hclogTimestamp(time),
  };
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((key) => [key, fields[key]]));
  return `${goJsonEscape(JSON.stringify(sorted))}\n`;
}

/** `2024-01-01T00:00:00.000Z [INFO]  agent.auth: message: key=value` like hclog's standard output. */
export function toStandardLine(jsonLine: string): string {
  const record = parseRecord(jsonLine);
  if (record === undefined) return jsonLine;
  const { time, level, msg, module, rest } = record;
  const text = (value: unknown): string => (typeof value === 'string' ? value : stringifyOrEmpty(value));
  return formatHclogLine({
    time: text(time),
    level: text(level),
    name: module,
    message: msg === undefined ? '' : text(msg),
    fields: Object.entries(rest),
  });
}

/** JSON.stringify returns undefined for undefined and functions, whatever its type says. */
function stringifyOrEmpty(value: unknown): string {
  const json: unknown = JSON.stringify(value);
  return typeof json === 'string' ? json : '';
}
