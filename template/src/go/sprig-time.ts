// Sprig's date functions (date.go) over a small model of Go's time.Time (Unix nanoseconds plus a
// zone name and offset) and time.Duration: https://github.com/Masterminds/sprig/blob/v3.3.0/date.go
// "Local" is the process's zone (TZ), as Go's time.Local; zone abbreviations come from Intl and
// may differ from Go's tzdata for some zones (e.g. "GMT+1" where Go prints "CET").
import { FuncError } from './exec.js';
import { formatGoTime } from './time-format.js';
import { ANY, S, T, Typed, type SprigFn, anyOf, fn, text } from './sprig-values.js';
import { type Dyn, type GoType, type Value, intOf, ptrTo, typeOf } from './values.js';

export interface Zone {
  readonly name: string;
  /** Seconds east of UTC at the instant in question. */
  readonly offset: number;
}

export interface GoTime {
  /** Nanoseconds since the Unix epoch. */
  readonly ns: bigint;
  readonly zone: Zone;
}

const UTC: Zone = { name: 'UTC', offset: 0 };

export const TIME: GoType = {
  name: 'time.Time',
  kind: 'struct',
  fields: [],
  stringer: (value) => timeString((value as Typed).raw as GoTime),
};

const TIME_PTR = ptrTo(TIME);

export function makeTime(ns: bigint, zoneName: string): Typed {
  return new Typed(TIME, { ns, zone: zoneAt(zoneName, ns) });
}

/** The zone (abbreviation, offset) of an IANA name at an instant; null for an unknown name. */
function zoneFor(name: string, ns: bigint): Zone | null {
  if (name === '' || name === 'UTC') return UTC;
  const ianaName = name === 'Local' ? (process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone) : name;
  if (ianaName === '' || ianaName === 'UTC' || ianaName === 'Etc/UTC') return UTC;
  try {
    const date = new Date(Number(ns / 1_000_000n));
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: ianaName, timeZoneName: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(date);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const offset = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 1000);
    const abbreviation = parts.find((p) => p.type === 'timeZoneName')?.value ?? ianaName;
    return { name: abbreviation === 'GMT' && offset === 0 ? 'GMT' : abbreviation, offset };
  } catch {
    return null;
  }
}

function zoneAt(name: string, ns: bigint): Zone {
  return zoneFor(name, ns) ?? UTC;
}

function instant(t: GoTime): Date {
  return new Date(Number(t.ns / 1_000_000n) + t.zone.offset * 1000);
}

export function formatTime(t: GoTime, layout: string): string {
  const nanos = Number(((t.ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
  return formatGoTime(instant(t), layout, { name: t.zone.name, offset: t.zone.offset, nanos });
}

/** time.Time.String: "2006-01-02 15:04:05.999999999 -0700 MST". */
function timeString(t: GoTime): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
}

// --- durations -----------------------------------------------------------------------------------

const UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, µs: 1_000n, μs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** time.ParseDuration; null when invalid. */
export function parseDuration(input: string): bigint | null {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return null;
  let total = 0;
  const re = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = re.exec(s);
    if (m === null || m[1] === '' || m[1] === '.') return null;
    total += Number(m[1]) * Number(UNITS[m[2] as string]);
    s = s.slice(m[0].length);
  }
  if (total > 9.223372036854775807e18) return null;
  const ns = BigInt(Math.round(total));
  return negative ? -ns : ns;
}

/** time.Duration.String. */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const negative = d < 0n;
  const u = negative ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1_000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n];
    out = fraction(u, scale) + (unit);
  } else {
    const h = u / 3_600_000_000_000n;
    const m = (u / 60_000_000_000n) % 60n;
    const secs = u % 60_000_000_000n;
    out = `${fraction(secs, 1_000_000_000n)}s`;
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return negative ? `-${out}` : out;
}

function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const rest = v % scale;
  if (rest === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

// --- parsing (time.ParseInLocation for the common layout elements) --------------------------------

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LAYOUT_TOKENS = [
  'January', 'Monday', '2006', 'Z07:00:00', '-07:00:00', 'Z070000', '-070000', 'Z07:00', '-07:00', 'Z0700', '-0700', 'Z07', '-07',
  '.000000000', '.999999999', '.000000', '.999999', '.000', '.999', 'Jan', 'Mon', 'MST', '002', '__2', '01', '02', '03', '04', '05', '06',
  '15', 'PM', 'pm', '_2', '1', '2', '3', '4', '5',
];

function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function parseTime(layout: string, value: string, location: string): Typed {
  const fail = (rest: string, element: string): never => {
    throw new FuncError(`parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(element)}`);
  };
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm: boolean | null = null;
  let offset: number | null = null;
  let zoneName: string | null = null;
  let s = value;
  let i = 0;
  const num = (element: string, min: number, max: number, fixed: boolean): number => {
    const m = (fixed ? new RegExp(`^[0-9]{${max}}`) : new RegExp(`^[0-9]{${min},${max}}`)).exec(s);
    if (m === null) fail(s, element);
    s = s.slice((m as RegExpExecArray)[0].length);
    return Number((m as RegExpExecArray)[0]);
  };
  outer: while (i < layout.length) {
    for (const token of LAYOUT_TOKENS) {
      if (!layout.startsWith(token, i)) continue;
      i += token.length;
      switch (token) {
        case '2006': year = num(token, 4, 4, true); break;
        case '06': year = num(token, 2, 2, true); year += year >= 69 ? 1900 : 2000; break;
        case '01': month = num(token, 2, 2, true); break;
        case '1': month = num(token, 1, 2, false); break;
        case '02': day = num(token, 2, 2, true); break;
        case '_2': if (s.startsWith(' ')) s = s.slice(1); day = num(token, 1, 2, false); break;
        case '2': day = num(token, 1, 2, false); break;
        case '15': hour = num(token, 1, 2, false); break;
        case '03': hour = num(token, 2, 2, true); break;
        case '3': hour = num(token, 1, 2, false); break;
        case '04': minute = num(token, 2, 2, true); break;
        case '4': minute = num(token, 1, 2, false); break;
        case '05': second = num(token, 2, 2, true); break;
        case '5': second = num(token, 1, 2, false); break;
        case 'PM': case 'pm': {
          const m = /^(AM|PM|am|pm)/.exec(s);
          if (m === null) fail(s, token);
          pm = (m as RegExpExecArray)[0].toUpperCase() === 'PM';
          s = s.slice(2);
          break;
        }
        case 'January': case 'Jan': {
          const index = MONTHS.findIndex((name) => s.toLowerCase().startsWith((token === 'Jan' ? name.slice(0, 3) : name).toLowerCase()));
          if (index < 0) fail(s, token);
          month = index + 1;
          s = s.slice(token === 'Jan' ? 3 : (MONTHS[index] as string).length);
          break;
        }
        case 'Monday': case 'Mon': {
          const index = DAYS.findIndex((name) => s.toLowerCase().startsWith((token === 'Mon' ? name.slice(0, 3) : name).toLowerCase()));
          if (index < 0) fail(s, token);
          s = s.slice(token === 'Mon' ? 3 : (DAYS[index] as string).length);
          break;
        }
        case 'MST': {
          const m = /^[A-Z]{3,5}|^[+-][0-9]{2,4}/.exec(s);
          if (m === null) fail(s, token);
          zoneName = (m as RegExpExecArray)[0];
          s = s.slice(zoneName.length);
          break;
        }
        default: {
          if (token.startsWith('.')) {
            const m = /^\.[0-9]+/.exec(s);
            if (m === null) {
              if (token[1] === '9') break;
              fail(s, token);
            }
            const digits = (m as RegExpExecArray)[0].slice(1);
            nanos = Number(digits.padEnd(9, '0').slice(0, 9));
            s = s.slice(digits.length + 1);
            break;
          }
          if (token.startsWith('Z') && s.startsWith('Z')) {
            offset = 0;
            s = s.slice(1);
            break;
          }
          const shape = token.replace(/^Z/, '-').replace(/[0-9]/g, '0');
          const pattern = new RegExp(`^[+-]${shape.slice(1).replace(/0/g, '[0-9]')}`);
          const m = pattern.exec(s);
          if (m === null) fail(s, token);
          const digits = (m as RegExpExecArray)[0].replace(/[^0-9]/g, '');
          const sign = s.startsWith('-') ? -1 : 1;
          offset = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60 + Number(digits.slice(4, 6) || '0'));
          s = s.slice((m as RegExpExecArray)[0].length);
        }
      }
      continue outer;
    }
    if (s[0] !== layout[i]) fail(s, layout.slice(i));
    s = s.slice(1);
    i += 1;
  }
  if (s !== '') throw new FuncError(`parsing time ${goQuote(value)}: extra text: ${goQuote(s)}`);
  if (pm !== null) {
    if (hour > 12) throw new FuncError(`parsing time ${goQuote(value)}: hour out of range`);
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  const monthDays = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12) throw new FuncError(`parsing time ${goQuote(value)}: month out of range`);
  if (day < 1 || day > (monthDays[month - 1] as number)) throw new FuncError(`parsing time ${goQuote(value)}: day out of range`);
  if (hour > 23 || minute > 59 || second > 59) throw new FuncError(`parsing time ${goQuote(value)}: ${hour > 23 ? 'hour' : minute > 59 ? 'minute' : 'second'} out of range`);
  const base = new Date(0);
  base.setUTCFullYear(year, month - 1, day);
  base.setUTCHours(hour, minute, second, 0);
  const wallNs = BigInt(base.getTime()) * 1_000_000n + BigInt(nanos);
  if (offset !== null) {
    const ns = wallNs - BigInt(offset) * 1_000_000_000n;
    const local = zoneFor(location, ns);
    const zone = local !== null && local.offset === offset ? local : { name: offset === 0 && zoneName === null ? 'UTC' : '', offset };
    return new Typed(TIME, { ns, zone });
  }
  if (zoneName !== null && zoneName !== 'UTC') {
    // An abbreviation Go does not know for the location: offset 0, the name kept.
    return new Typed(TIME, { ns: wallNs, zone: { name: zoneName, offset: 0 } });
  }
  const guess = zoneFor(location, wallNs) ?? UTC;
  const ns = wallNs - BigInt(guess.offset) * 1_000_000_000n;
  return new Typed(TIME, { ns, zone: zoneAt(location, ns) });
}

export const ZERO_TIME = new Typed(TIME, { ns: -62135596800000000000n, zone: UTC });

// --- the functions -------------------------------------------------------------------------------

/** The time a date argument stands for: time.Time, *time.Time, int/int64 seconds; else now. */
function dateArg(v: Dyn | null, now: () => Date): GoTime {
  if (v !== null) {
    const type = typeOf(v);
    if (type === TIME) return (v as Typed).raw as GoTime;
    if (type === TIME_PTR && (v as Typed).raw !== null) return (v as Typed).raw as GoTime;
    if (type.kind === 'int' || type.kind === 'int64') return { ns: intOf(v) * 1_000_000_000n, zone: UTC };
  }
  return { ns: BigInt(now().getTime()) * 1_000_000n, zone: UTC };
}

function inZone(t: GoTime, zone: string): GoTime {
  const z = zoneFor(zone, t.ns) ?? UTC;
  return { ns: t.ns, zone: z };
}

function dateInZone(format: string, date: Dyn | null, zone: string, now: () => Date): string {
  return formatTime(inZone(dateArg(date, now), zone), format);
}

function durationRound(v: Dyn | null, now: () => Date): string {
  let d = 0n;
  if (v !== null) {
    const type = typeOf(v);
    if (type === T.string) d = parseDuration(text(v)) ?? 0n;
    else if (type === T.int64) d = intOf(v);
    else if (type === TIME) d = BigInt(now().getTime()) * 1_000_000n - ((v as Typed).raw as GoTime).ns;
  }
  let u = d < 0n ? -d : d;
  u = BigInt.asUintN(64, u);
  const hour = 3_600_000_000_000n;
  const steps: [bigint, string][] = [[hour * 24n * 365n, 'y'], [hour * 24n * 30n, 'mo'], [hour * 24n, 'd'], [hour, 'h'], [60_000_000_000n, 'm'], [1_000_000_000n, 's']];
  for (const [size, unit] of steps) if (u > size) return `${u / size}${unit}`;
  return '0s';
}

function durationFromSeconds(v: Dyn | null): string {
  let n = 0n;
  if (v !== null) {
    const type = typeOf(v);
    if (type === T.string) {
      const s = text(v);
      n = /^[+-]?[0-9]+$/.test(s) ? BigInt(s) : 0n;
    } else if (type === T.int64) n = intOf(v);
  }
  return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
}

function ago(v: Dyn | null, now: () => Date): string {
  let t: bigint = BigInt(now().getTime()) * 1_000_000n;
  if (v !== null) {
    const type = typeOf(v);
    if (type === TIME) t = ((v as Typed).raw as GoTime).ns;
    else if (type.kind === 'int' || type.kind === 'int64') t = intOf(v) * 1_000_000_000n;
  }
  const since = BigInt(now().getTime()) * 1_000_000n - t;
  // Round to the second, halves away from zero (time.Duration.Round).
  const s = 1_000_000_000n;
  const r = since < 0n ? -((-since + s / 2n) / s) * s : ((since + s / 2n) / s) * s;
  return durationString(r);
}

function dateModify(format: string, date: Value, strict: boolean): Value {
  const d = parseDuration(format);
  const t = ((date as Typed).raw as GoTime);
  if (d === null) {
    if (strict) throw new FuncError(`time: invalid duration ${goQuote(format)}`);
    return date;
  }
  return new Typed(TIME, { ns: t.ns + d, zone: t.zone });
}

export function sprigTimeFunctions(): Map<string, SprigFn> {
  const t = new Map<string, SprigFn>();
  const timed = (params: GoType[], result: GoType, call: (args: Value[], now: () => Date) => Value): SprigFn => fn(params, result, (args, ctx) => call(args, ctx.now));
  t.set('now', timed([], TIME, (_args, now) => {
    const ns = BigInt(now().getTime()) * 1_000_000n;
    return new Typed(TIME, { ns, zone: zoneAt('Local', ns) });
  }));
  t.set('date', timed([S, ANY], S, ([f, d], now) => dateInZone(text(f), anyOf(d), 'Local', now)));
  t.set('dateInZone', timed([S, ANY, S], S, ([f, d, z], now) => dateInZone(text(f), anyOf(d), text(z), now)));
  t.set('date_in_zone', timed([S, ANY, S], S, ([f, d, z], now) => dateInZone(text(f), anyOf(d), text(z), now)));
  t.set('htmlDate', timed([ANY], S, ([d], now) => dateInZone('2006-01-02', anyOf(d), 'Local', now)));
  t.set('htmlDateInZone', timed([ANY, S], S, ([d, z], now) => dateInZone('2006-01-02', anyOf(d), text(z), now)));
  t.set('dateModify', fn([S, TIME], TIME, ([f, d]) => dateModify(text(f), d, false)));
  t.set('date_modify', fn([S, TIME], TIME, ([f, d]) => dateModify(text(f), d, false)));
  t.set('mustDateModify', fn([S, TIME], TIME, ([f, d]) => dateModify(text(f), d, true)));
  t.set('must_date_modify', fn([S, TIME], TIME, ([f, d]) => dateModify(text(f), d, true)));
  t.set('toDate', fn([S, S], TIME, ([f, s]) => {
    try {
      return parseTime(text(f), text(s), 'Local');
    } catch (error) {
      if (error instanceof FuncError) return ZERO_TIME;
      throw error;
    }
  }));
  t.set('mustToDate', fn([S, S], TIME, ([f, s]) => parseTime(text(f), text(s), 'Local')));
  t.set('unixEpoch', fn([TIME], S, ([d]) => {
    const ns = ((d as Typed).raw as GoTime).ns;
    return String(ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n));
  }));
  t.set('ago', timed([ANY], S, ([d], now) => ago(anyOf(d), now)));
  t.set('duration', fn([ANY], S, ([d]) => durationFromSeconds(anyOf(d))));
  t.set('durationRound', timed([ANY], S, ([d], now) => durationRound(anyOf(d), now)));
  return t;
}
