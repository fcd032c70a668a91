// Fuzzing the binary: generated sessions and random bytes on stdin, with --keep-going. The process must
// exit 0, 1 or 2, never print a stack trace or an internal error, and print every error as one line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionGenerator } from '../../src/fuzz/generate.js';
import { IMAGES, makeShell } from '../helpers.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kylinx-sh.js');

describe('fuzzing the binary', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1500 generated lines through stdin`, () => {
      const gen = new SessionGenerator(seed, IMAGES);
      const sh = makeShell();
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++) {
        const l = gen.line(sh.hv);
        lines.push(l);
        sh.run(l);
      }
      // In a scratch directory: generated sessions save and source files by relative names.
      const cwd = mkdtempSync(join(tmpdir(), 'kx-fuzz-'));
      const r = spawnSync(process.execPath, [BIN, '--keep-going', '--json'], {
        cwd,
        input: lines.join('\n') + '\n',
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      expect([0, 1, 2]).toContain(r.status);
      expect(r.stderr).toBe('');
      const objs = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { ok: boolean; error?: { code: string; message: string } });
      expect(objs.length).toBeGreaterThan(1000);
      for (const o of objs) {
        if (o.ok) continue;
        expect(o.error!.code).toMatch(/^E[A-Z0-9]+$/);
        expect(o.error!.code).not.toBe('EBUG');
        expect(o.error!.message).not.toMatch(/\n|\s+at .*\(.*:\d+:\d+\)/);
      }
    }, 120_000);
  }
});
