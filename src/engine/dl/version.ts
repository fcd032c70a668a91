// Library versions and version ranges. A version is dotted whole numbers ("1.16", "1.2.11"); a range is
// comparators separated by spaces, all of which must hold (">=1.16 <2", "=1.2.13", "1.2.13", "*").
// Used by manifests' `needs` and by images' `lib_versions` restriction.

import { fail } from '../errors.js';

const VERSION_RE = /^[0-9]+(\.[0-9]+)*$/;

export function isVersion(v: string): boolean {
  return VERSION_RE.test(v);
}

/** Compare dotted versions numerically: 1.2.11 > 1.2.9, 1.16 > 1.2; missing parts are 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

type Op = '>=' | '<=' | '>' | '<' | '=';

export interface Comparator {
  op: Op;
  version: string;
}

/** A parsed range; `text` is how it was written, for messages. */
export interface VersionRange {
  text: string;
  all: Comparator[];
}

/** Parse a range, or fail with EINVAL naming `where`. */
export function parseRange(text: string, where: string): VersionRange {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) fail('EINVAL', `${where}: empty version range (use "*" for any version)`);
  const all: Comparator[] = [];
  for (const w of words) {
    if (w === '*') continue;
    const m = /^(>=|<=|>|<|=)?(.*)$/.exec(w)!;
    const version = m[2]!;
    if (!isVersion(version))
      fail('EINVAL', `${where}: '${w}' is not a version comparator (examples: >=1.16, <2, =1.2.13)`);
    all.push({ op: (m[1] as Op | undefined) ?? '=', version });
  }
  return { text: words.join(' '), all };
}

export function satisfies(version: string, r: VersionRange): boolean {
  return r.all.every(({ op, version: v }) => {
    const c = compareVersions(version, v);
    switch (op) {
      case '>=':
        return c >= 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      case '<':
        return c < 0;
      case '=':
        return c === 0;
    }
  });
}

/** "libm >=1.16 <2" -> library name and range (the form images' lib_versions and manifests' needs use). */
export function parseNeed(text: string, where: string): { lib: string; range: VersionRange } {
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/.exec(text);
  if (!m) fail('EINVAL', `${where}: '${text}' should be a library name and a version range, e.g. "libm >=1.16 <2"`);
  return { lib: m[1]!, range: parseRange(m[2]!.trim() === '' ? '*' : m[2]!, where) };
}
