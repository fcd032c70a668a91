// How Xen prints CPU masks in its key handlers' dumps: cpumask_scnprintf (hex, 32-bit chunks, the first
// one as wide as its bits need) and cpulist_scnprintf ("0-3,5").

/** cpumask_scnprintf over `n` CPUs: "3f" for 0-5 of 6; chunks of 32 bits separated by ','. */
export function cpumaskHex(cpus: Iterable<number>, n: number): string {
  const set = new Set(cpus);
  const parts: string[] = [];
  let width = n % 32 === 0 ? 32 : n % 32;
  for (let base = Math.ceil(n / 32) * 32 - 32; base >= 0; base -= 32) {
    let v = 0;
    for (let b = 0; b < width; b++) if (set.has(base + b)) v += 2 ** b;
    parts.push(v.toString(16).padStart(Math.ceil(width / 4), '0'));
    width = 32;
  }
  return parts.join(',');
}

/** cpulist_scnprintf: "0-3,5", "" for none. */
export function cpulist(cpus: Iterable<number>): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return out.join(',');
}
