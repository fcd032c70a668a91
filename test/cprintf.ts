// printf with C's semantics, for the tests: the xl and xentop format strings are applied to the engine's
// values here, independently of the product's formatting helpers (src/commands/cfmt.ts), and the bytes
// compared. Supports what those format strings use: flags '-' and '0', a width (or '*'), a precision
// (or '.*'), length modifiers (l, ll, hh, h: ignored, JavaScript numbers are wide enough), and the
// conversions d i u x X c s f %.
//
// %f is done on decimal strings, not on the double's bits: Number.prototype.toFixed(100) gives the
// double's exact value to 100 places (exact for every double above 2^-100, which xl's values are), and
// the digits are rounded here half to even, as glibc's printf rounds an exact tie.

/** The exact value of `x` rounded to `prec` places, C's way: ties to the even digit. */
export function cRound(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const neg = x < 0 || Object.is(x, -0);
  const exact = Math.abs(x).toFixed(100); // "123.4500...": every digit of the double
  const [int, frac] = exact.split('.') as [string, string];
  const kept = int + frac.slice(0, prec);
  const rest = frac.slice(prec);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const last = kept.charCodeAt(kept.length - 1) - 48;
  const up = first > 5 || (first === 5 && (beyond || last % 2 === 1));
  let digits = kept;
  if (up) {
    // Add one in the last place, carrying to the left.
    const a = digits.split('').map(Number);
    let i = a.length - 1;
    while (i >= 0 && a[i] === 9) a[i--] = 0;
    if (i < 0) a.unshift(1);
    else a[i]!++;
    digits = a.join('');
  }
  const intLen = digits.length - prec;
  const body = prec > 0 ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}` : digits;
  return (neg ? '-' : '') + body.replace(/^0+(?=\d)/, '');
}

const SPEC = /%([-0 +#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z)?([diuxXcsf%])/g;

/** sprintf(fmt, ...args) with C's semantics for the conversions above. */
export function cprintf(fmt: string, ...args: (string | number)[]): string {
  let k = 0;
  const next = (): string | number => {
    if (k >= args.length) throw new Error(`cprintf: too few arguments for ${fmt}`);
    return args[k++]!;
  };
  const out = fmt.replace(SPEC, (_m, flags: string, w?: string, p?: string, _len?: string, conv?: string) => {
    if (conv === '%') return '%';
    let width = w === '*' ? Number(next()) : w === undefined ? 0 : Number(w);
    let left = flags.includes('-');
    if (width < 0) {
      left = true;
      width = -width;
    }
    const prec = p === '*' ? Number(next()) : p === undefined ? undefined : Number(p);
    const v = next();
    let s: string;
    switch (conv) {
      case 'd':
      case 'i':
      case 'u':
        s = String(Math.trunc(Number(v)));
        break;
      case 'x':
        s = Math.trunc(Number(v)).toString(16);
        break;
      case 'X':
        s = Math.trunc(Number(v)).toString(16).toUpperCase();
        break;
      case 'c':
        s = typeof v === 'number' ? String.fromCharCode(v) : v.slice(0, 1);
        break;
      case 's':
        s = prec === undefined ? String(v) : String(v).slice(0, prec);
        break;
      default:
        s = cRound(Number(v), prec ?? 6);
    }
    if (s.length >= width) return s;
    if (left) return s + ' '.repeat(width - s.length);
    if (flags.includes('0') && conv !== 's' && conv !== 'c') {
      const sign = s.startsWith('-') ? '-' : '';
      return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
    }
    return ' '.repeat(width - s.length) + s;
  });
  if (k !== args.length) throw new Error(`cprintf: ${args.length - k} arguments left over for ${fmt}`);
  return out;
}

/** C's `(float)ns / 1e9`: the count rounded to a float first (Math.fround), then divided as a double. */
export function floatSeconds(ns: number): number {
  return Math.fround(ns) / 1e9;
}
