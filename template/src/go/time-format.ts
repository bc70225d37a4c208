// Go's time.Format reference layouts (Mon Jan 2 15:04:05 MST 2006), for `timestamp` (UTC) and
// Sprig's dates (any zone: the Date then holds the zone's wall clock, as if it were UTC).
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const TOKENS = [
  'January', 'Monday', '2006', '-07:00:00', '-070000', 'Z07:00:00', 'Z070000', '-07:00', 'Z07:00', '-0700', 'Z0700',
  '.000000000', '.999999999', '.000000', '.999999', '.000', '.999', ',000', ',999',
  'Jan', 'Mon', 'MST', '002', '__2', '01', '02', '03', '04', '05', '06', '-07', 'Z07', '15', 'PM', 'pm', '_2', '1', '2', '3', '4', '5',
];

function pad(n: number, width: number, fill = '0'): string {
  return String(n).padStart(width, fill);
}

export interface FormatZone {
  readonly name: string;
  /** Seconds east of UTC. */
  readonly offset: number;
  /** Nanoseconds within the second (finer than the Date's milliseconds). */
  readonly nanos?: number;
}

function offsetText(offset: number, colons: boolean, seconds: boolean, hoursOnly: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor(abs / 60) % 60, 2);
  const s = pad(abs % 60, 2);
  if (hoursOnly) return sign + h;
  const sep = colons ? ':' : '';
  return sign + h + sep + m + (seconds ? sep + s : '');
}

export function formatGoTime(date: Date, layout: string, zone: FormatZone = { name: 'UTC', offset: 0 }): string {
  const y = date.getUTCFullYear();
  const mo = date.getUTCMonth();
  const d = date.getUTCDate();
  const h = date.getUTCHours();
  const mi = date.getUTCMinutes();
  const s = date.getUTCSeconds();
  const ms = date.getUTCMilliseconds();
  const yday = Math.floor((Date.UTC(y, mo, d) - Date.UTC(y, 0, 1)) / 86400000) + 1;
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const token of TOKENS) {
      if (!layout.startsWith(token, i)) continue;
      const nanos = String(zone.nanos ?? ms * 1_000_000).padStart(9, '0');
      switch (token) {
        case 'January': out += MONTHS[mo] ?? ''; break;
        case 'Jan': out += (MONTHS[mo] as string).slice(0, 3); break;
        case 'Monday': out += DAYS[date.getUTCDay()] ?? ''; break;
        case 'Mon': out += (DAYS[date.getUTCDay()] as string).slice(0, 3); break;
        case 'MST': out += zone.name !== '' ? zone.name : offsetText(zone.offset, false, false, false); break;
        case '2006': out += pad(y, 4); break;
        case '06': out += pad(y % 100, 2); break;
        case '01': out += pad(mo + 1, 2); break;
        case '1': out += String(mo + 1); break;
        case '02': out += pad(d, 2); break;
        case '_2': out += pad(d, 2, ' '); break;
        case '2': out += String(d); break;
        case '002': out += pad(yday, 3); break;
        case '__2': out += pad(yday, 3, ' '); break;
        case '15': out += pad(h, 2); break;
        case '03': out += pad(h % 12 === 0 ? 12 : h % 12, 2); break;
        case '3': out += String(h % 12 === 0 ? 12 : h % 12); break;
        case '04': out += pad(mi, 2); break;
        case '4': out += String(mi); break;
        case '05': out += pad(s, 2); break;
        case '5': out += String(s); break;
        case 'PM': out += h >= 12 ? 'PM' : 'AM'; break;
        case 'pm': out += h >= 12 ? 'pm' : 'am'; break;
        case 'Z07:00:00': case 'Z070000': case 'Z07:00': case 'Z0700': case 'Z07':
          out += zone.offset === 0 ? 'Z' : offsetText(zone.offset, token.includes(':'), token.length > 7 || token === 'Z070000', token === 'Z07');
          break;
        case '-07:00:00': case '-070000': case '-07:00': case '-0700': case '-07':
          out += offsetText(zone.offset, token.includes(':'), token.length > 6 || token === '-070000', token === '-07');
          break;
        default: {
          // fractional seconds: .000 (fixed) or .999 (trailing zeros trimmed)
          const digits = token.length - 1;
          const frac = nanos.slice(0, digits);
          if (token[1] === '0') out += (token[0] ?? '') + frac;
          else {
            const trimmed = frac.replace(/0+$/, '');
            if (trimmed !== '') out += (token[0] ?? '') + trimmed;
          }
        }
      }
      i += token.length;
      continue outer;
    }
    out += layout[i] ?? '';
    i += 1;
  }
  return out;
}
