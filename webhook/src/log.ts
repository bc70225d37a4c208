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

/** Pino's timestamp field; the ISO text is made once per millisecond (toISOString was ~1.5 µs a line). */
function isoTimestamps(now: () => Date): () => string {
  let lastMs = Number.NaN;
  let lastField = '';
  return () => {
    const date = now();
    const ms = date.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastField = `,"@timestamp":"${date.toISOString()}"`;
    }
    return lastField;
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const now = options.now ?? ((): Date => new Date());
  const destination: DestinationStream = options.format === 'json' ? { write: (line: string) => void out.write(line) } : standardStream(out);
  return pino(
    {
      level: options.level,
      messageKey: MESSAGE_KEY,
      base: null,
      timestamp: isoTimestamps(now),
      formatters: { level: (label) => ({ '@level': label }) },
    },
    destination,
  );
}

/** A named sub-logger, like hclog's Named(): the name lands in @module. */
export function namedLogger(logger: Logger, module: string): Logger {
  return logger.child({ '@module': module });
}
