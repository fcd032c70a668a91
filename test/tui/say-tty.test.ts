// `say` in the scripted modes of the built binary: framed in a terminal (a real pty), a plain line in a pipe.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, startTerm } from '../term.js';

describe('say in scripted modes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kylinx-say-'));
  writeFileSync(join(dir, 'demo.kx'), 'say "Watch web fork"\nfork web 1\n');

  it('is a plain line when stdout is a pipe', () => {
    const r = spawnSync(process.execPath, [BIN, join(dir, 'demo.kx')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Watch web fork');
  });

  // A real pseudo-terminal (test/term.ts): stdout is a TTY, so the scripted host frames the banner.
  it('is framed when stdout is a terminal, in a script and with -c', async () => {
    for (const [args, text, after] of [
      [['demo.kx'], 'Watch web fork', /^web \(domid 1\) forked/],
      [['-c', 'say Now with -c'], 'Now with -c', null],
    ] as const) {
      const t = startTerm({ args: [...args], cols: 100, rows: 30, cwd: dir, env: { HOME: dir } });
      try {
        expect((await t.waitExit(20_000)).exitCode).toBe(0);
        const lines = t.history().split('\n');
        const at = lines.findIndex((l) => l.startsWith('║'));
        expect(lines[at - 1], 'the banner opens with a frame line').toMatch(/^╔═+╗$/);
        expect(lines[at]).toMatch(new RegExp(`^║ ${text} +║$`));
        expect(lines[at + 1], 'and closes with one').toMatch(/^╚═+╝$/);
        if (after) expect(lines[at + 2]).toMatch(after);
      } finally {
        t.close();
      }
    }
  });
});
