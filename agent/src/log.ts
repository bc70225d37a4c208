// The agent's logger: pino, on stderr, in Vault's "standard" text format or JSON
// (VAULT_LOG_FORMAT / log_format). Every finished line passes through the redaction layer
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

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', err: 'error', off: 'silent',
};

export interface LoggerOptions {
  readonly level?: string | undefined;
  readonly format?: string | undefined;
  /** Where lines go (default: stderr). */
  readonly write?: (line: string) => void;
  /** The values to redact from every line (default: the process-wide registry). */
  readonly redaction?: SecretRegistry;
}

export function normaliseLogLevel(level: string | undefined): string | undefined {
  return level === undefined ? undefined : LEVEL_NAMES[level.trim().toLowerCase()];
}

export function createAgentLogger(options: LoggerOptions = {}): AgentLogger {
  const level = normaliseLogLevel(options.level) ?? 'info';
  const sink = options.write ?? ((line: string) => process.stderr.write(line));
  const redaction = options.redaction ?? secretRegistry;
  const write = (line: string): void => { sink(redaction.redact(line)); };
  const json = options.format?.toLowerCase() === 'json';
  return pino(
    {
      level,
      base: null,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: json ? write : (line: string) => { write(toStandardLine(line)); } },
  );
}

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
  if (typeof err === 'object' && err !== null) rest.error = (err as { message?: unknown }).message;
  return formatHclogLine({
    time: text(time),
    level: text(level),
    name: component === undefined ? 'agent' : `agent.${text(component)}`,
    message: msg === undefined ? '' : text(msg),
    fields: Object.entries(rest),
  });
}

/** JSON.stringify returns undefined for undefined and functions, whatever its type says. */
function stringifyOrEmpty(value: unknown): string {
  const json: unknown = JSON.stringify(value);
  return typeof json === 'string' ? json : '';
}
