// A lesson in a real terminal at the sizes the console is laid out for (80x24, 120x40, 200x60): the BUILT
// binary in a pseudo-terminal read by a terminal emulator (test/term.ts), so what is asserted is what a
// class sees, cells and colours included. At each size: every child of `fork web 4` named whole; `help`
// read whole by scrolling the output pane; a queue's message types and a receiver waiting for type 5,
// marked blocked in the tree; `wait web`; an update caught mid-stage, then the libraries panel with web
// on 1.18 and its bound slots; the selected row's shared cells in the shared colour; `reset` and every
// step of examples/fork-cow.kx; and the layout again after a resize.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { CONSOLE_SIZES, consoleReady, runAtPrompt, startTerm } from '../term.js';

/** The row of the tree panel naming a pVM. */
const treeRow = (s: string, name: string) => s.split('\n').find((l) => l.includes(`─ ${name} (`)) ?? '';

describe('a lesson at 80x24, 120x40 and 200x60 in a pseudo-terminal', () => {
  for (const [cols, rows] of CONSOLE_SIZES) {
    it(`${cols}x${rows}`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'kylinx-size-'));
      const t = startTerm({ cols, rows, cwd: home, env: { HOME: home } });
      try {
        await consoleReady(t);
        let s = t.screen();
        const lines = s.split('\n');
        expect(lines).toHaveLength(rows);
        for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(cols);
        expect(t.cell(0, 0)).toMatchObject({ char: 'k', bold: true });

        // Every child's whole name on screen.
        await runAtPrompt(t, 'animate off');
        await runAtPrompt(t, 'fork web 4');
        s = t.screen();
        for (let k = 1; k <= 4; k++)
          expect(treeRow(s, `web.${k}`), `web.${k}`).toMatch(new RegExp(`web\\.${k} \\(${k + 3}\\)`));

        // help, read whole by scrolling the output pane up from its end.
        await runAtPrompt(t, 'help');
        const seen = new Set<string>();
        for (let i = 0; i < 60; i++) {
          const before = t.screen();
          for (const l of t.lines()) {
            const m = /^ ([a-z][a-z0-9-]*) {2,}\S/.exec(l);
            if (m) seen.add(m[1]!);
          }
          if (/kylinx> help$/m.test(before)) break;
          t.keys('PageUp');
          await t.until('the pane to scroll up', (x) => x !== before);
        }
        for (const c of COMMANDS) expect(seen, c.name).toContain(c.name);
        t.keys('End');

        // A queue: its messages by type, web.4 waiting for type 5, blocked in msgrcv in the tree; wait web.
        await runAtPrompt(t, 'msgget web 0x10 --create');
        await runAtPrompt(t, 'msgsnd web 1 1 a; msgsnd web 1 1 b; msgsnd web 1 2 c; msgrcv web.4 1 5');
        await runAtPrompt(t, 'wait web');
        s = t.screen();
        if (!/\[1 1 2\]/.test(s)) {
          // At 80x24 the IpC panel shares a column: Alt+5 shows it.
          t.keys('M-5');
          s = await t.until('the IpC panel', (x) => /\[1 1 2\]/.test(x));
        }
        expect(s).toMatch(/q1 0x00000010 web \[1 1 2\] 3 msgs/);
        expect(s).toMatch(/⇐ web\.4 waits t5/);
        expect(treeRow(s, 'web.4')).toMatch(/-b---- ◷ msgrcv q1 t5/);
        expect(treeRow(s, 'web')).toMatch(/-b---- ◷ wait/);
        expect(treeRow(s, 'web.3')).not.toMatch(/◷/);

        // An update caught while its stages play, then web on libm 1.18 with its slots bound.
        t.keys('M-4');
        await runAtPrompt(t, 'animate 4000');
        t.type('update web libm@1.18 --eager');
        t.keys('Enter');
        s = await t.until('a stage in progress', (x) => /⟳ update web: libm +stage [1-4]\/4 /.test(x));
        expect(s).toMatch(/stage [1-4] (load and share|reset \.got\.plt|resolve functions|resolve variables)/);
        t.keys('Right');
        await runAtPrompt(t, 'animate off');
        // At 80x24 the libraries share their rows with IpC and the scheduler: focused, PgDn scrolls them.
        t.keys('M-4');
        for (let i = 0; i < 8 && !/libm 1\.18[^\n]*\n[^\n]*web \d/.test(t.screen()); i++) {
          const before = t.screen();
          t.keys('PageDown');
          await t.until('the libraries to scroll', (x) => x !== before, 3_000).catch(() => undefined);
        }
        s = t.screen();
        const under = (v: string) => {
          const ls = s.split('\n');
          return ls[ls.findIndex((l) => l.includes(`libm ${v} `)) + 1] ?? '';
        };
        expect(s).toMatch(/libm 1\.18 · 1 pVM +text \S+ (held )?once/);
        expect(under('1.18')).toMatch(/web 111\/113/);

        // The selected row: web.2 after a copy-on-write, its shared cells green, its private ones yellow.
        await runAtPrompt(t, 'touch web.2 heap 500');
        // Focus the sharing panel (at 80x24 it shares its column with others), then select web.2.
        t.keys('M-3');
        await t.until('the sharing panel', (x) => /▸ sharing: family web/.test(x));
        t.keys('M-Down');
        t.keys('M-Down');
        s = await t.until('web.2 selected', (x) => /› +3 web\.2/.test(x));
        const at = t.find(/› +3 web\.2 +█/)!;
        const bar = t.lines()[at.row]!.indexOf('█', at.col);
        expect(t.cell(at.row, bar)).toMatchObject({ char: '█', fgMode: 'palette', fg: 2, inverse: false });
        const priv = t.lines()[at.row]!.indexOf('░', bar);
        expect(t.cell(at.row, priv)).toMatchObject({ char: '░', fgMode: 'palette', fg: 3, inverse: false });

        // reset, then every step of the shipped fork-cow lesson.
        await runAtPrompt(t, 'reset');
        t.type('play examples/fork-cow.kx');
        t.keys('Enter');
        s = await t.until('the play bar', (x) => /▶ play examples\/fork-cow\.kx step 1\/(\d+)/.test(x));
        const total = Number(/step 1\/(\d+)/.exec(s)![1]);
        for (let k = 1; k <= total; k++) {
          t.keys('Enter');
          await t.until(`step ${k}`, (x) =>
            k < total ? x.includes(`step ${k + 1}/${total}`) : x.includes('end of examples/fork-cow.kx'),
          );
        }
        expect(t.history() + t.screen()).not.toMatch(/✗/);
        t.keys('q');

        // Another size: laid out again.
        t.resize(cols + 40, rows + 5);
        await t.until('the redraw', (x) => x.split('\n').length === rows + 5 && /^kylinx>/m.test(x));
        t.resize(cols, rows);
        await t.until('the redraw back', (x) => x.split('\n').length === rows && /^kylinx>/m.test(x));
        t.keys('C-d');
        expect((await t.waitExit()).exitCode).toBe(0);
      } finally {
        t.close();
      }
    }, 240_000);
  }
});
