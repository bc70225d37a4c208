// hclog's "standard" text line, shared by the webhook (vault-k8s logs through hclog) and the
// agent (Vault logs through hclog): `2006-01-02T15:04:05.000Z [INFO]  name: message: key=value`.
// The level is bracketed and padded to 7 columns, the logger name ends in ": ", key=value pairs
// follow the message after ": ", and a string value is quoted when it is empty or holds space,
// '"' or '='. https://github.com/hashicorp/go-hclog/blob/main/intlogger.go
// Pure string work: no logging library is imported here (the agent bundle stays lean).

export interface HclogLine {
  readonly time: string;
  /** A pino level label (trace, debug, info, warn, error, fatal). */
  readonly level: string;
  /** hclog's logger name (Named()); omitted with its ": " when undefined. */
  readonly name?: string | undefined;
  readonly message: string;
  readonly fields: readonly (readonly [string, unknown])[];
}

// hclog has no fatal level: pino's fatal is written as an error. Unknown labels read as info.
const LEVELS: Readonly<Record<string, string>> = {
  trace: '[TRACE]', debug: '[DEBUG]', info: '[INFO] ', warn: '[WARN] ', error: '[ERROR]', fatal: '[ERROR]',
};

/** JSON.stringify returns undefined for undefined and functions, whatever its type says. */
function jsonText(value: unknown): string {
  const json: unknown = JSON.stringify(value);
  return typeof json === 'string' ? json : String(json);
}

export function hclogValue(value: unknown): string {
  if (typeof value !== 'string') return jsonText(value);
  return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value;
}

/** One line, newline included. */
export function formatHclogLine(line: HclogLine): string {
  const level = Object.hasOwn(LEVELS, line.level) ? LEVELS[line.level] : LEVELS['info'];
  const name = line.name === undefined ? '' : `${line.name}: `;
  const pairs = line.fields.map(([key, value]) => `${key}=${hclogValue(value)}`);
  const tail = pairs.length > 0 ? `${line.message}: ${pairs.join(' ')}` : line.message;
  return `${line.time} ${level ?? ''} ${name}${tail}\n`;
}
