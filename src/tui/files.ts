// File names for Tab after `play`, `source`, `save`, `restore` (and any file argument): the entries of
// the directory the word names so far, directories with a trailing slash, hidden ones only when the word
// starts with a dot. examples/ and images/ are also found in the package, as the commands find them
// (package-paths.ts), so `play ex<Tab>` works from any directory.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../package-paths.js';

const SHIPPED = ['examples', 'images'];

function entries(dir: string): string[] {
  try {
    return readdirSync(dir === '' ? '.' : dir);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Paths that start with `prefix`, relative as typed (`examples/fo` -> `examples/fork-cow.kx`). */
export function fileCandidates(prefix: string, cwd = process.cwd()): string[] {
  const slash = prefix.lastIndexOf('/');
  const dir = slash >= 0 ? prefix.slice(0, slash + 1) : '';
  const stem = slash >= 0 ? prefix.slice(slash + 1) : prefix;
  const found = new Map<string, boolean>();
  const look = (base: string): void => {
    const at = base === '' ? dir : join(base, dir);
    for (const name of entries(at)) {
      if (!name.startsWith(stem) || (name.startsWith('.') && !stem.startsWith('.'))) continue;
      found.set(dir + name, isDir(join(at, name)));
    }
  };
  const absolute = dir.startsWith('/');
  look(absolute ? '' : cwd);
  // The package's examples/ and images/, where the user's directory has none of its own.
  if (!absolute) {
    const top = dir.split('/')[0]!;
    if (dir === '') {
      for (const d of SHIPPED) if (d.startsWith(stem) && !found.has(d)) found.set(d, true);
    } else if (SHIPPED.includes(top) && !isDir(join(cwd, top))) look(packageDir());
  }
  return [...found].map(([p, d]) => (d ? `${p}/` : p)).sort();
}
