// Did-you-mean: the closest known name to a mistyped one, for error messages everywhere (pVM names,
// commands, options, image keys, libraries).

/** Edit distance with adjacent transpositions (optimal string alignment), for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest of `names` to `wanted`, if close enough to suggest. */
export function suggest(wanted: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.min(3, Math.floor(wanted.length / 2))) + 1;
  for (const n of names) {
    const dist = editDistance(wanted.toLowerCase(), n.toLowerCase());
    if (dist < bestD) {
      best = n;
      bestD = dist;
    }
  }
  return best;
}
