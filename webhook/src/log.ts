// The webhook's logger: pino, with vault-k8s's (hclog's) shapes. `-log-format=json` writes
// hclog-style JSON keys (@timestamp, @level, @module, @message); "standard" writes hclog's text
// line: `2006-01-02T15:04:05.000Z [INFO]  handler: message: key=value`.
// Callers log identifiers and decisions only: never tokens, secrets or template bodies.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { formatHclogLine } from '../../common/src/hclog-line.js';
import type { LogLevel } from './settings/settings.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'json' | 'standard';
  /** Where lines go; defaults to stdout. */
  readonly destination?: { write(line: string): unknown };
  /** Timestamps; injectable for tests. */
  readonly now?: () => Date;
}

const MESSAGE_KEY = '@message';
const RESERVED_KEYS = new Set(['@timestamp', '@level', '@module', MESSAGE_KEY]);

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** One hclog "standard" line from one pino JSON record. */
export function formatStandardLine(record: Readonly<Record<string, unknown>>): string {
  return formatHclogLine({
    time: text(record['@timestamp'], ''),
    level: text(record['@level'], 'info'),
    name: typeof record['@module'] === 'string' ? record['@module'] : undefined,
    message: text(record[MESSAGE_KEY], ''),
    fields: Object.entries(record).filter(([key]) => !RESERVED_KEYS.has(key)),
  });
}

function standardStream(out: { write(line: string): unknown }): DestinationStream {
  return {
    write(line: string): void {
      try {
        out.write(formatStandardLine(JSON.parse(line) as Record<string, unknown>));
      } catch {
        out.write(line);
      }
    },
  };
}

/**
 * The webhook's stdout for log lines: asynchronous (pino's SonicBoom on fd 1, written from libuv's
 * thread pool), so a slow log reader never blocks the event loop, and lines that arrive while a
 * write is in flight go out together in the next one. On Linux process.stdout is synchronous for
 * pipes (https://nodejs.org/api/process.html#a-note-on-process-io): one blocking write(2) per
 * admission was ~7 % of a distinct pod's CPU (docs/performance.md). Pino flushes it
 * synchronously on process exit.
 */
export function asyncStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

/** ISO timestamps, the text made once per millisecond (toISOString was ~1.5 µs a line). */
function isoClock(now: () => Date): () => string {
  let lastMs = Number.NaN;
  let lastText = '';
  return () => {
    const date = now();
    const ms = date.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = date.toISOString();
    }
    return lastText;
  };
}

/** A JSON value that comes back from pino's JSON and JSON.parse as itself (so hclogValue reads it alike). */
function plainScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || value === null || (typeof value === 'number' && Number.isFinite(value));
}

function plainField(value: unknown): boolean {
  return plainScalar(value) || (Array.isArray(value) && value.every(plainScalar));
}

/**
 * The fields of one log call, in pino's order (for…in, own keys, undefined dropped), when every
 * value is plain JSON (strings, finite numbers, booleans, null, arrays of those) under a key pino
 * has no serializer for; undefined otherwise (the call then takes pino's path).
 */
function plainFields(object: object): [string, unknown][] | undefined {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const fields: [string, unknown][] = [];
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value: unknown = (object as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (RESERVED_KEYS.has(key) || key === 'err' || key === '__proto__' || !plainField(value)) return undefined;
    fields.push([key, value]);
  }
  return fields;
}

/** The one binding the webhook's sub-loggers carry (namedLogger); anything else takes pino's path. */
const moduleNames = new WeakMap<object, { name: string | undefined } | null>();
function moduleNameOf(logger: Logger): { name: string | undefined } | null {
  let known = moduleNames.get(logger);
  if (known === undefined) {
    const bindings = logger.bindings();
    const keys = Object.keys(bindings);
    const name: unknown = bindings['@module'];
    known = keys.length === 0 ? { name: undefined } : keys.length === 1 && typeof name === 'string' ? { name } : null;
    moduleNames.set(logger, known);
  }
  return known;
}

/**
 * The standard format's line straight from a log call's arguments, for the calls whose pino JSON
 * would read back unchanged (plain fields, a string message without interpolation); undefined for
 * every other call. The same line as pino's JSON through formatStandardLine (log.test.ts checks it
 * on generated calls) without writing and re-parsing that JSON: about 2/3 of a line's cost, one
 * line per admission (docs/performance.md).
 */
function directStandardLine(logger: Logger, args: readonly unknown[], level: number, time: string): string | undefined {
  const [first, second] = args;
  let fields: [string, unknown][] | undefined = [];
  let message: unknown = '';
  if (typeof first === 'string' && args.length === 1) message = first;
  else if (typeof first === 'object' && first !== null && args.length <= 2) {
    fields = plainFields(first);
    message = args.length === 2 ? second : '';
  } else return undefined;
  if (fields === undefined || typeof message !== 'string') return undefined;
  const module = moduleNameOf(logger);
  const label = logger.levels.labels[level];
  if (module === null || label === undefined || label === 'fatal') return undefined;
  return formatHclogLine({ time, level: label, name: module.name, message, fields });
}

export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const clock = isoClock(options.now ?? ((): Date => new Date()));
  const standard = options.format !== 'json';
  const destination: DestinationStream = standard ? standardStream(out) : { write: (line: string) => void out.write(line) };
  return pino(
    {
      level: options.level,
      messageKey: MESSAGE_KEY,
      base: null,
      timestamp: () => `,"@timestamp":"${clock()}"`,
      formatters: { level: (label) => ({ '@level': label }) },
      hooks: standard
        ? {
            logMethod(args, method, level) {
              const line = directStandardLine(this, args, level, clock());
              if (line === undefined) method.apply(this, args);
              else out.write(line);
            },
          }
        : {},
    },
    destination,
  );
}

/** A named sub-logger, like hclog's Named(): the name lands in @module. */
export function namedLogger(logger: Logger, module: string): Logger {
  return logger.child({ '@module': module });
}
