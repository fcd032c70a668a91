// Files the package ships (examples/, images/) found by name from any directory. A relative path that
// does not exist where the user is, but names a shipped file, means the package's copy: so
// `kylinx-sh examples/fork-cow.kx`, `--host examples/hosts/one-pcpu.cfg`, `source`, `play` and `restore`
// of a packaged example, and the replay lines quizzes print, work from any directory after a global
// install. A file of the user's own with the same path always wins.

import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directories of the package that hold shipped files a user may name. */
const SHIPPED = ['examples', 'images'];

/** The package's root directory (next to dist/). */
export function packageDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** The package's copy of a relative path under examples/ or images/, when the path is not the user's own. */
export function shippedPath(path: string): string | undefined {
  if (path === '' || isAbsolute(path) || existsSync(path)) return undefined;
  const rel = normalize(path);
  if (!SHIPPED.includes(rel.split(sep)[0]!)) return undefined;
  const copy = join(packageDir(), rel);
  return existsSync(copy) ? copy : undefined;
}

/** The path to open for a path a user gave: their own file, else the package's copy, else as given. */
export function userPath(path: string): string {
  return shippedPath(path) ?? path;
}

export interface Demo {
  /** The script's name without .kx (`fork-cow`). */
  name: string;
  file: string;
  /** The script's first comment line: what it shows. */
  summary: string;
}

/** The demo scripts shipped in examples/, by name. */
export function shippedDemos(read: (path: string) => string): Demo[] {
  const dir = join(packageDir(), 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.kx'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const first = read(file)
        .split('\n')
        .find((l) => l.startsWith('#'));
      return { name: basename(f, '.kx'), file, summary: first?.replace(/^#\s*/, '') ?? '' };
    });
}
