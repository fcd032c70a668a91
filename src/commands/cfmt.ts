// C's printf("%.Nf") for the xl and xentop columns: the EXACT binary value of the double is rounded,
// and an exact tie goes to the even digit (glibc's rounding in the default mode). JavaScript's toFixed
// rounds an exact tie away from zero (0.25 -> "0.3", 6.25 -> "6.3") where printf prints "0.2" and
// "6.2"; a value that only looks like a tie in decimal (0.35 is 0.34999999999999997779...) rounds by
// its binary value in both.

/** The double as sign, integer mantissa and power of two: |x| = mant * 2^exp, exactly. */
function decompose(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  // Subnormals have no implicit leading bit and the exponent of the smallest normal.
  if (biased === 0) return { neg, mant: frac, exp: -1074 };
  return { neg, mant: frac | (1n << 52n), exp: biased - 1075 };
}

/** printf("%.<decimals>f", x): exact value, ties to even; "inf", "-inf" and "nan" as glibc prints them. */
export function cFixed(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const { neg, mant, exp } = decompose(x);
  const scale = 10n ** BigInt(decimals);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const den = 1n << BigInt(-exp);
    const num = mant * scale;
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  const digits = q.toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const body = decimals > 0 ? `${int}.${digits.slice(digits.length - decimals)}` : int;
  // C keeps the sign of a negative value that rounds to zero ("-0.0").
  return neg ? `-${body}` : body;
}

/** printf("%<width>.<decimals>f", x). */
export function cFixedW(x: number, width: number, decimals: number): string {
  return cFixed(x, decimals).padStart(width);
}

/** `(float)ns / 1e9` as xl computes seconds of CPU time: the count rounded to a C float first. */
export function xlSeconds(ns: number): number {
  return Math.fround(ns) / 1e9;
}
