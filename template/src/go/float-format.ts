// strconv.FormatFloat(x, fmt, prec, 64) for the formats fmt uses: e E f F g G (and b x X).
// Shortest digits come from JS (same shortest-round-trip rule as Go); fixed precision rounds the
// exact binary value half-to-even, as Go does, using BigInt.

interface Digits {
  /** Significant digits, no leading or trailing zeros ("" for zero). */
  readonly d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  readonly dp: number;
}

function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa = '', exponent = '0'] = x.toExponential().split('e');
  const d = mantissa.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(exponent) + 1 };
}

/** The exact decimal expansion of a finite positive double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  let text: string;
  let dp: number;
  if (exponent >= 0) {
    text = (mantissa << BigInt(exponent)).toString();
    dp = text.length;
  } else {
    text = (mantissa * 5n ** BigInt(-exponent)).toString();
    dp = text.length + exponent;
  }
  const trimmedStart = text.replace(/^0+/, '');
  dp -= text.length - trimmedStart.length;
  return { d: trimmedStart.replace(/0+$/, ''), dp };
}

/** Rounds exact digits to n significant digits, half to even (n may be ≤ 0). */
function roundDigits(digits: Digits, n: number): Digits {
  const { d, dp } = digits;
  if (n < 0) return { d: '', dp: 0 };
  if (d.length <= n) return digits;
  const next = d.charCodeAt(n) - 48;
  let roundUp: boolean;
  if (next > 5) roundUp = true;
  else if (next < 5) roundUp = false;
  else if (d.length > n + 1) roundUp = true; // more non-zero digits follow (d has no trailing zeros)
  else roundUp = n > 0 && (d.charCodeAt(n - 1) - 48) % 2 === 1;
  let kept = d.slice(0, n);
  if (!roundUp) return { d: kept.replace(/0+$/, ''), dp: kept === '' ? 0 : dp };
  // Propagate the carry.
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === '9') i -= 1;
  if (i < 0) return { d: '1', dp: dp + 1 };
  kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
  return { d: kept, dp };
}

function digitAt(digits: Digits, index: number): string {
  return index >= 0 && index < digits.d.length ? (digits.d[index] as string) : '0';
}

function formatE(digits: Digits, prec: number, letter: string): string {
  let out = digitAt(digits, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i += 1) out += digitAt(digits, i);
  }
  const exp = digits.d.length === 0 ? 0 : digits.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${letter}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function formatF(digits: Digits, prec: number): string {
  let out = '';
  if (digits.dp > 0) {
    for (let i = 0; i < digits.dp; i += 1) out += digitAt(digits, i);
  } else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i += 1) out += digitAt(digits, digits.dp + i - 1);
  }
  return out;
}

/** strconv.FormatFloat(x, verb, prec, 64); prec < 0 means shortest. */
export function formatGoFloat(x: number, verb: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const negative = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const sign = negative ? '-' : '';
  if (verb === 'b') return sign + formatBinary(abs);
  if (verb === 'x' || verb === 'X') return sign + formatHexFloat(abs, prec, verb);
  const shortest = prec < 0;
  let digits: Digits;
  if (shortest) {
    digits = shortestDigits(abs);
    if (verb === 'e' || verb === 'E') prec = Math.max(digits.d.length - 1, 0);
    else if (verb === 'f' || verb === 'F') prec = Math.max(digits.d.length - digits.dp, 0);
    else prec = digits.d.length;
  } else {
    const exact = exactDigits(abs);
    if (verb === 'e' || verb === 'E') digits = roundDigits(exact, prec + 1);
    else if (verb === 'f' || verb === 'F') digits = roundDigits(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digits = roundDigits(exact, prec);
    }
  }
  switch (verb) {
    case 'e':
    case 'E':
      return sign + formatE(digits, prec, verb);
    case 'f':
    case 'F':
      return sign + formatF(digits, prec);
    default: {
      let eprec = prec;
      const nd = digits.d.length;
      if (eprec > nd && nd >= digits.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = digits.dp - 1;
      const letter = verb === 'G' ? 'E' : 'e';
      if (nd !== 0 && (exp < -4 || exp >= eprec)) {
        let p = prec;
        if (p > nd) p = nd;
        return sign + formatE(digits, p - 1, letter);
      }
      let p = prec;
      if (p > digits.dp) p = nd;
      return sign + formatF(digits, Math.max(p - digits.dp, 0));
    }
  }
}

function formatBinary(abs: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = exponentBits - 1075;
  if (exponentBits === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  return `${mantissa}p${exponent >= 0 ? '+' : ''}${exponent}`;
}

/**
 * strconv's %x / %X of a float (go1.19 strconv/ftoa.go, fmtX): the mantissa is normalised so its
 * leading 1 sits at bit 60, rounded half to even to `prec` hex digits when 0 <= prec < 15, and
 * printed as 0x1.hhhp±dd (zero: 0x0p+00, with `prec` zeros when a precision is given).
 */
function formatHexFloat(abs: number, prec: number, verb: string): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = exponentBits;
  if (exponentBits === 0) exp += 1;
  else mant |= 1n << 52n;
  exp -= 1023;
  if (mant === 0n) exp = 0;
  const top = 1n << 60n;
  const mask60 = top - 1n;
  mant <<= 8n;
  while (mant !== 0n && (mant & top) === 0n) {
    mant <<= 1n;
    exp -= 1;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & mask60;
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant += 1n;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp += 1;
    }
  }
  const digits = verb === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `0${verb}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += digits.charAt(Number((mant >> 60n) & 15n));
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i += 1) {
      out += digits.charAt(Number((mant >> 60n) & 15n));
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  const abse = Math.abs(exp);
  return `${out}${verb === 'X' ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${abse < 10 ? '0' : ''}${abse}`;
}
