// Trims as loops, in linear time. The regex forms (/\/+$/, /^\/+|\/+$/g, /\n*$/, a whitespace class
// with +$) backtrack quadratically on a long run of the trimmed character followed by anything
// else: V8 retries the run from each of its positions (54,773 "/" then "x/" took 1.3 s; 1 MB took
// 7 minutes). These trims see template arguments and secret data, so they must not do that.

/** Length of the run of `unit` (one UTF-16 code unit) at the end of `text`. */
export function trailingRunLength(text: string, unit: string): number {
  const code = unit.charCodeAt(0);
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === code) end -= 1;
  return text.length - end;
}

/** `text` without the run of `unit` at its end. */
export function trimTrailing(text: string, unit: string): string {
  const run = trailingRunLength(text, unit);
  return run === 0 ? text : text.slice(0, text.length - run);
}

/** `text` without the runs of `unit` at both ends. */
export function trimEnds(text: string, unit: string): string {
  const code = unit.charCodeAt(0);
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === code) start += 1;
  return trimTrailing(text.slice(start), unit);
}

// Unicode White_Space, as Go's unicode.IsSpace / strings.TrimSpace (unlike String.prototype.trim,
// no U+FEFF): https://pkg.go.dev/unicode#IsSpace. All are single UTF-16 code units.
const GO_SPACE_ABOVE_ASCII = new Set([0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
function isGoSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return code >= 0x85 && GO_SPACE_ABOVE_ASCII.has(code);
}

/** Go's strings.TrimSpace. */
export function trimGoSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
