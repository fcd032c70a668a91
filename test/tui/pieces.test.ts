// The console's pure pieces without ink: wrapping and folding the output, the output log's scrolling
// and keeping, the screen's layout at every size, mouse events, file completion, what a wait is called,
// a script's host, the dashboard's time labels.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeLabel } from '../../src/tui/dashboard-data.js';
import { fileCandidates } from '../../src/tui/files.js';
import { FOLD_AT, foldText, groupEvents } from '../../src/tui/fold.js';
import { scaledSparkline, wrap } from '../../src/tui/format.js';
import { mouseEvent } from '../../src/tui/keymap.js';
import { layout, MIN_PANEL, type PanelId } from '../../src/tui/layout.js';
import { hangIndent, KEEP, OutputLog } from '../../src/tui/outlog.js';
import { scriptHost } from '../../src/tui/player.js';
import { typeWanted } from '../../src/tui/waits.js';
import { plain } from './mount.js';

describe('wrapping', () => {
  it('cuts at spaces, indents what follows, never drops a character', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    const w = wrap(text, 20);
    for (const l of w) expect(l.length).toBeLessThanOrEqual(20);
    expect(w[1]).toMatch(/^ {2}\S/);
    expect(w.map((l) => l.trim()).join(' ')).toBe(text);
    const long = 'x'.repeat(50);
    expect(
      wrap(long, 20)
        .map((l) => l.trim())
        .join(''),
    ).toBe(long);
    expect(wrap('short', 20)).toEqual(['short']);
  });

  it("continues a two-column line (help's) under its description, others two cells in", () => {
    const log = new OutputLog();
    log.add('output', ' sleep               Pause the session for some milliseconds of wall time (for demos)');
    log.add('output', 'web (domid 1) forked 3 children in 3.95 ms (modeled, 1.32 ms each) and more words here');
    const lines = log.allLines(60).map((l) => plain(l.text));
    expect(lines[0]).toMatch(/^ sleep {15}Pause /);
    expect(lines[1]).toMatch(/^ {21}\S/);
    expect(lines[3]).toMatch(/^ {2}\S/);
    expect(hangIndent(' sleep               Pause', 80)).toBe(21);
    expect(hangIndent('a'.repeat(50) + '  b', 80)).toBe(2);
  });
});

describe('folding events', () => {
  const ev = (kind: string, name: string) => ({ kind, name, text: `${name} did ${kind}` });

  it('groups by kind in order of first occurrence, counts per pVM busiest first', () => {
    const es = [ev('cow', 'web.2'), ev('woke', 'web'), ev('cow', 'web.3'), ev('cow', 'web.2')];
    const g = groupEvents(es);
    expect(g.map((x) => x.kind)).toEqual(['cow', 'woke']);
    expect(foldText(g[0]!)).toBe('cow ×3: web.2 (2), web.3 (1)');
    expect(foldText({ kind: 'forked', events: [ev('forked', 'a'), ev('forked', 'b'), ev('forked', 'c')] })).toBe(
      'forked ×3: a, b, c',
    );
    expect(FOLD_AT).toBe(3);
  });

  it('the log folds a burst of 35 into one line that opens, and keeps two as two lines', () => {
    const log = new OutputLog();
    log.addEvents([
      ...Array.from({ length: 20 }, () => ev('cow', 'web.2')),
      ...Array.from({ length: 15 }, () => ev('cow', 'web.3')),
    ]);
    log.addEvents([ev('reaped', 'web.1'), ev('reaped', 'web.4')]);
    let lines = log.allLines(100).map((l) => plain(l.text));
    expect(lines).toEqual([
      '▸ cow ×35: web.2 (20), web.3 (15)  (Ctrl+O opens)',
      '• reaped    web.1 did reaped',
      '• reaped    web.4 did reaped',
    ]);
    log.toggleAll();
    lines = log.allLines(100).map((l) => plain(l.text));
    expect(lines).toHaveLength(1 + 35 + 2);
    // One fold opened by a click, the others stay as they are.
    log.toggleAll();
    log.toggle(`0:cow`);
    expect(log.allLines(100)).toHaveLength(38);
  });

  it("the clock's events join one entry while it is the last, then a new one starts", () => {
    const log = new OutputLog();
    log.addEvents([ev('cow', 'web')], 'while the clock ran');
    log.addEvents([ev('cow', 'web')], 'while the clock ran');
    log.addEvents([ev('cow', 'redis')], 'while the clock ran');
    expect(log.entries).toHaveLength(1);
    expect(log.allLines(100).map((l) => plain(l.text))).toEqual([
      'while the clock ran:',
      '▸ cow ×3: web (2), redis (1)  (Ctrl+O opens)',
    ]);
    log.add('input', 'list');
    log.addEvents([ev('cow', 'web')], 'while the clock ran');
    expect(log.entries).toHaveLength(3);
  });
});

describe('the output log', () => {
  it('shows the last lines; scrolled up, it stays on what it shows while output arrives; live again at the end', () => {
    const log = new OutputLog();
    for (let i = 0; i < 30; i++) log.add('output', `line ${i}`);
    let v = log.view(40, 10);
    expect(plain(v.lines[9]!.text)).toBe('line 29');
    expect(v.above).toBe(20);
    log.scrollUp(5, 10);
    v = log.view(40, 10);
    expect(plain(v.lines[9]!.text)).toBe('line 24');
    log.add('output', 'line 30');
    v = log.view(40, 10);
    expect(plain(v.lines[9]!.text)).toBe('line 24');
    expect(v.below).toBe(6);
    log.toTop(10);
    expect(plain(log.view(40, 10).lines[0]!.text)).toBe('line 0');
    log.live();
    expect(plain(log.view(40, 10).lines[9]!.text)).toBe('line 30');
  });

  it("shows tabs as a terminal does, to the next multiple of 8 columns (dig's sections), never as '?'", () => {
    const log = new OutputLog();
    log.add('output', 'www.example.org.\t\t60\tIN\tCNAME\texample.org.\n;www.example.org.\t\t\tIN\tA');
    expect(log.view(80, 2).lines.map((l) => plain(l.text))).toEqual([
      'www.example.org.                60      IN      CNAME   example.org.',
      ';www.example.org.                       IN      A',
    ]);
  });

  it(`keeps the last ${KEEP} entries and says how many went`, () => {
    const log = new OutputLog();
    for (let i = 0; i < KEEP + 5; i++) log.add('output', `l${i}`);
    expect(log.entries).toHaveLength(KEEP);
    expect(plain(log.allLines(80)[0]!.text)).toBe(`(5 earlier entries dropped; the pane keeps the last ${KEEP})`);
  });
});

describe('the layout', () => {
  const panels = (needs: Partial<Record<PanelId, number>>) =>
    Object.entries(needs).map(([id, n]) => ({ id: id as PanelId, need: () => n }));
  const base = { treeWidth: 50, strip: 0, playing: false, tab: (ids: PanelId[]) => ids[0]! };

  it('fills rows - 1 at every size from 80x24 to 240x70: header, panels, output, hint, prompt', () => {
    for (const [cols, rows] of [
      [80, 24],
      [96, 27],
      [120, 40],
      [160, 48],
      [200, 60],
      [240, 70],
    ] as const) {
      const needs = { tree: 12, sharing: 8, libs: 4, ipc: 3, sched: 12, requests: 7 };
      const L = layout({ ...base, cols, rows, panels: panels(needs) });
      expect(L.header.y).toBe(0);
      expect(L.output.y).toBe(1 + L.panels.h);
      expect(L.bar.y).toBe(L.output.y + L.output.h);
      expect(L.prompt!.y).toBe(rows - 2);
      // The output pane keeps a third of the rows; every panel shown is in a slot.
      expect(L.output.h).toBeGreaterThanOrEqual(Math.floor((rows - 4) * 0.35));
      const ids = L.slots.flatMap((s) => s.tabs);
      expect(ids.sort()).toEqual(['ipc', 'libs', 'requests', 'sched', 'sharing', 'tree']);
      for (const s of L.slots) {
        expect(s.rect.x + s.rect.w).toBeLessThanOrEqual(cols);
        // Stacked, a panel has MIN_PANEL rows, or all it needs when that is less.
        if (s.tabs.length === 1) expect(s.rect.h).toBeGreaterThanOrEqual(Math.min(MIN_PANEL, needs[s.shown] + 1));
      }
      // A third column from 160 columns.
      const xs = new Set(L.slots.map((s) => s.rect.x));
      expect(xs.size, `${cols}x${rows}`).toBe(cols >= 160 ? 3 : 2);
    }
  });

  it('panels take only the rows they need; the output the rest', () => {
    const L = layout({ ...base, cols: 120, rows: 40, panels: panels({ tree: 5, sharing: 3 }) });
    expect(L.panels.h).toBe(7);
    expect(L.output.h).toBe(40 - 1 - 1 - 7 - 2);
  });

  it('a column too short to stack its panels keeps the first and shows the others by turns, the focused one', () => {
    const L = layout({
      ...base,
      cols: 80,
      rows: 24,
      panels: panels({ tree: 20, sharing: 10, libs: 6, ipc: 6, sched: 12 }),
      tab: (ids) => (ids.includes('ipc') ? 'ipc' : ids[0]!),
    });
    const right = L.slots.filter((s) => s.rect.x > 0);
    expect(right.map((s) => s.tabs)).toEqual([['sharing'], ['libs', 'ipc', 'sched']]);
    expect(right[1]!.shown).toBe('ipc');
    // Shorter still: the whole column by turns.
    const tiny = layout({ ...base, cols: 80, rows: 24, panels: panels({ tree: 20, sharing: 30, libs: 30, ipc: 30 }) });
    expect(tiny.slots.filter((s) => s.rect.x > 0).map((s) => s.tabs.length)).toEqual([1, 2]);
  });

  it('the request rates go with the scheduler, and take no rows from the sharing graph or IpC', () => {
    // The default host after `run` (tree 6 rows) and after `fork web 4` (10), with and without IpC.
    const L = (cols: number, rows: number, needs: Partial<Record<PanelId, number>>) =>
      layout({ ...base, cols, rows, panels: panels(needs) });
    const place = (l: ReturnType<typeof layout>) => l.slots.map((s) => ({ ...s.rect, tabs: s.tabs }));
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
      [200, 60],
    ] as const)
      for (const needs of [
        { tree: 6, sharing: 7, libs: 13, sched: 13 },
        { tree: 10, sharing: 7, libs: 13, ipc: 4, sched: 13 },
      ]) {
        const before = place(L(cols, rows, needs));
        const after = place(L(cols, rows, { ...needs, requests: 7 }));
        const at = (p: typeof before, id: PanelId) => p.find((s) => s.tabs.includes(id))!;
        // Sharing and IpC keep their column and rows (or their turn in a slot, as before).
        for (const id of ['sharing', 'ipc'] as const) {
          if (!(id in needs)) continue;
          const was = at(before, id);
          const now = at(after, id);
          expect({ x: now.x, y: now.y, w: now.w }, `${id} at ${cols}x${rows}`).toEqual({
            x: was.x,
            y: was.y,
            w: was.w,
          });
          expect(now.h, `${id} at ${cols}x${rows}`).toBeGreaterThanOrEqual(was.h);
          // Alone in its slot before, alone after.
          if (was.tabs.length === 1) expect(now.tabs).toEqual([id]);
        }
        // The rates are where the scheduler is: stacked under it, or by turns with it.
        const s = at(after, 'sched');
        const r = at(after, 'requests');
        expect(r.x, `${cols}x${rows}`).toBe(s.x);
      }
    // 200x60 with IpC: both under the tree, stacked (each its own slot).
    const wide = L(200, 60, { tree: 10, sharing: 7, libs: 13, ipc: 4, sched: 13, requests: 7 });
    expect(wide.slots.filter((s) => s.rect.x === 0).map((s) => s.tabs)).toEqual([['tree'], ['sched'], ['requests']]);
    // 80x24: by turns with libraries, IpC and the scheduler under the sharing graph.
    const small = L(80, 24, { tree: 10, sharing: 7, libs: 13, ipc: 4, sched: 13, requests: 7 });
    expect(small.slots.filter((s) => s.rect.x > 0).map((s) => s.tabs)).toEqual([
      ['sharing'],
      ['libs', 'ipc', 'sched', 'requests'],
    ]);
  });
});

describe('input and names', () => {
  it('reads SGR mouse reports: wheel up and down, a press, with or without the ESC ink strips', () => {
    expect(mouseEvent('[<64;10;5M')).toEqual({ kind: 'wheel-up', x: 9, y: 4 });
    expect(mouseEvent('\x1b[<65;1;1M')).toEqual({ kind: 'wheel-down', x: 0, y: 0 });
    expect(mouseEvent('[<0;3;4M')).toEqual({ kind: 'press', x: 2, y: 3 });
    expect(mouseEvent('[<0;3;4m')).toMatchObject({ kind: 'other' });
    expect(mouseEvent('[A')).toBeNull();
  });

  it("completes file names from the user's directory, and the package's examples from anywhere", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-files-'));
    mkdirSync(join(dir, 'lessons'));
    writeFileSync(join(dir, 'lessons', 'one.kx'), '');
    writeFileSync(join(dir, 'lessons', 'two.kx'), '');
    writeFileSync(join(dir, '.hidden'), '');
    expect(fileCandidates('les', dir)).toEqual(['lessons/']);
    expect(fileCandidates('lessons/', dir)).toEqual(['lessons/one.kx', 'lessons/two.kx']);
    expect(fileCandidates('', dir)).toEqual(['examples/', 'images/', 'lessons/']);
    expect(fileCandidates('examples/fork', dir)).toEqual(['examples/fork-cow.kx']);
  });

  it('says what a receiver wants and a script its host', () => {
    expect(typeWanted(5)).toBe(' t5');
    expect(typeWanted(-3)).toBe(' t≤3');
    expect(typeWanted(0)).toBe('');
    expect(scriptHost('# a lesson\n#host: h.cfg\nlist\n')).toBe('h.cfg');
    expect(scriptHost('list\n# host: h.cfg\n')).toBeNull();
  });

  it('labels virtual time for charts and draws sparklines on a fixed scale', () => {
    expect(timeLabel(12.34e9)).toBe('12.3s');
    expect(timeLabel(1800e9)).toBe('30.0min');
    expect(timeLabel(7200e9 * 10)).toBe('20.0h');
    // 98% of the scale is the top glyph; a 2% drop stays there instead of falling to the bottom.
    expect(scaledSparkline([100, 98], 100, 10)).toBe('██');
    expect(scaledSparkline([0, 50, 100], 100, 10)).toBe('▁▅█');
  });
});
