// stdout in large chunks (src/buffered-out.ts) and what the binary's users must not notice of it: every
// line arrives, in order, and an error line on stderr still comes after the output before it.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferedOut } from '../../src/buffered-out.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');

describe('bufferedOut', () => {
  it('holds pieces until the limit, then writes them as one; flush writes the rest, in order', () => {
    const writes: string[] = [];
    const out = bufferedOut((s) => writes.push(s), false, 10);
    out.write('abc');
    out.write('def');
    expect(writes).toEqual([]);
    out.write('ghij');
    expect(writes).toEqual(['abcdefghij']);
    out.write('k');
    out.flush();
    out.flush();
    expect(writes).toEqual(['abcdefghij', 'k']);
  });

  it('passes every piece through at once to a terminal', () => {
    const writes: string[] = [];
    const out = bufferedOut((s) => writes.push(s), true);
    out.write('a');
    out.write('b');
    expect(writes).toEqual(['a', 'b']);
  });
});

describe('the binary with buffered stdout', () => {
  // stdout and stderr into one pipe: the order the user sees on a terminal or in `2>&1 | less`.
  function merged(args: string[]): { code: number | null; text: string } {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" "$@" 2>&1`, 'sh', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status, text: r.stdout };
  }

  it('an error comes after the output of the commands before it, and before what follows (--keep-going)', () => {
    const r = merged(['--keep-going', '-c', 'echo one; fork nosuch; echo two; kill nobody; echo three']);
    expect(r.code).toBe(1);
    const lines = r.text.trimEnd().split('\n');
    expect(lines[0]).toBe('one');
    expect(lines[1]).toMatch(/^fork: no pVM named 'nosuch'/);
    expect(lines[2]).toBe('two');
    expect(lines[3]).toMatch(/^kill: no pVM named 'nobody'/);
    expect(lines[4]).toBe('three');
  });

  it('more output than one chunk arrives whole and in order', () => {
    const n = 8000; // about 80 KB: more than one 64 KiB chunk
    const script = Array.from({ length: n }, (_, i) => `echo line-${i}`).join('; ');
    const r = spawnSync(process.execPath, [BIN, '-c', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(Array.from({ length: n }, (_, i) => `line-${i}\n`).join(''));
  });
});
