/** FNV-1a over 32-bit integers (in 16-bit halves): a cheap digest of typed arrays for fingerprints. */
export function hashInts(xs: ArrayLike<number>, h = 0x811c9dc5): number {
  for (let i = 0; i < xs.length; i++) {
    h = Math.imul(h ^ (xs[i]! & 0xffff), 16777619);
    h = Math.imul(h ^ (xs[i]! >>> 16), 16777619);
  }
  return h >>> 0;
}
