// docs/architecture.md names files, and the next engineer opens them: every file it names must exist.
// A file map's table names files relative to its heading (`### src/engine/ipc` ... `| \`link.ts\` |`);
// elsewhere a path is written from the repository's root, or from src/ or src/engine/ (`ipc/link.ts`).
// Patterns (`<name>.ts`, `*.kx`) are forms, not files; the walkthrough names the files of a throwaway
// branch that was not merged, so it is not checked.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

const PATHLIKE = /^[\w.@/-]+(?:\.(?:ts|tsx|mjs|js|md|cfg|kx|json|jsonl|txt)|\/)$/;

/** The backticked words of a piece of text. */
function quoted(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Every file the document names, with where it is named, and the directories to look in. */
function named(doc: string): { name: string; where: string; dirs: string[] }[] {
  const out: { name: string; where: string; dirs: string[] }[] = [];
  let dir: string | null = null;
  let skip = false;
  doc.split('\n').forEach((line, i) => {
    const where = `docs/architecture.md:${i + 1}`;
    if (line.startsWith('#')) {
      skip = /^#+ Walkthrough/.test(line);
      const m = /^### ((?:src|test)[\w/]*)/.exec(line);
      dir = m ? m[1]!.replace(/\/$/, '') : line.startsWith('### ') || line.startsWith('## ') ? null : dir;
      return;
    }
    if (skip) return;
    const inMap = dir !== null && line.startsWith('|');
    const words = inMap ? quoted(line.split('|')[1] ?? '') : quoted(line);
    for (const w of words) {
      if (/[<*]|\.\.\./.test(w) || w.startsWith('dist/') || !PATHLIKE.test(w)) continue;
      if (inMap) out.push({ name: w, where, dirs: [dir!, ''] });
      else if (w.includes('/')) out.push({ name: w, where, dirs: ['', 'src', 'src/engine'] });
    }
  });
  return out;
}

describe('docs/architecture.md', () => {
  it('the check finds the files of the maps and of the prose, and would catch one that is gone', () => {
    const all = named(DOC);
    expect(all.some((f) => f.name === 'link.ts' && f.dirs[0] === 'src/engine/ipc')).toBe(true);
    expect(all.some((f) => f.name === 'test/helpers.ts')).toBe(true);
    const gone = named('### src/engine/ipc\n| `gone.ts` | a file that is not there |');
    expect(gone.filter((f) => !f.dirs.some((d) => existsSync(join(ROOT, d, f.name))))).toHaveLength(1);
  });

  it('names only files that exist', () => {
    const missing = named(DOC)
      .filter((f) => !f.dirs.some((d) => existsSync(join(ROOT, d, f.name))))
      .map((f) => `${f.where}: ${f.name}`);
    expect(missing).toEqual([]);
  });
});
