// The console's screen under ink-testing-library: the same React tree the terminal shows, driven by keys
// written to a fake stdin, read back from the last frame. Panels, the output pane, focus and scrolling,
// the mouse, and the prompt.

import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { applyColorPolicy } from '../../src/tui/color.js';
import { TOO_SMALL } from '../../src/tui/layout.js';
import { size } from '../../src/tui/format.js';
import { Console } from '../../src/tui/app.js';
import { composeFrame } from '../../src/tui/compose.js';
import { resultOf } from '../helpers.js';
import { KEY, mount, outputOf, outputShown, panelsOf, plain, tick } from './mount.js';

/** The tree panel's row of a pVM. */
function treeRow(frame: string, name: string): string {
  return (
    panelsOf(frame)
      .split('\n')
      .find((l) => new RegExp(`[─ ]${name.replace('.', '\\.')} \\(\\d+\\)`).test(l)) ?? ''
  );
}

/** The sharing panel's row of a member: `  3 web.2  ███░ ... │ 1614 ...`. */
function sharingRow(frame: string, name: string): string {
  const re = new RegExp(`[› ] +\\d+ ${name.replace('.', '\\.')} +[█░]`);
  for (const l of panelsOf(frame).split('\n')) {
    const at = l.search(re);
    if (at >= 0) return l.slice(at);
  }
  return '';
}

/** The numbers in a sharing row's matrix cells (· for none and the diagonal as null). */
function cells(row: string): (number | null)[] {
  const m = row.split('│')[1] ?? '';
  return m
    .trim()
    .split(/\s+/)
    .map((c) => (c === '·' ? null : Number(c)));
}

/** Each character of a styled line with the foreground colour (SGR 30-37, 39 = none) and inverse in force. */
function cellsOf(raw: string): { ch: string; fg: number; inverse: boolean }[] {
  const out: { ch: string; fg: number; inverse: boolean }[] = [];
  let fg = 39;
  let inverse = false;
  for (let i = 0; i < raw.length;) {
    // eslint-disable-next-line no-control-regex -- reading escape codes is the point
    const m = /^\x1b\[([0-9;]*)m/.exec(raw.slice(i));
    if (m) {
      for (const p of m[1]!.split(';').map(Number)) {
        if ((p >= 30 && p <= 37) || p === 39) fg = p;
        else if (p === 7) inverse = true;
        else if (p === 27 || p === 0) inverse = false;
        if (p === 0) fg = 39;
      }
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(raw.codePointAt(i)!);
    out.push({ ch, fg, inverse });
    i += ch.length;
  }
  return out;
}

let savedLevel = chalk.level;
afterEach(() => {
  chalk.level = savedLevel;
  savedLevel = chalk.level;
});

describe('the pVM tree', () => {
  it('grows when a command forks: web.1-web.4 under web, marked new for one command', async () => {
    const { frame, type } = mount();
    expect(treeRow(frame(), 'web')).toMatch(/web \(1\)/);
    expect(treeRow(frame(), 'web.1')).toBe('');
    await type('fork web 4', KEY.enter);
    for (let k = 1; k <= 4; k++) {
      const row = treeRow(frame(), `web.${k}`);
      expect(row, `web.${k}`).toMatch(new RegExp(`[├└]─ web\\.${k} \\(${k + 3}\\)`));
      expect(row).toMatch(/100%/);
    }
    expect(treeRow(frame(), 'web.4')).toMatch(/^ \+/);
    expect(frame().split('\n')[0]).toMatch(/7 pVMs/);
    await type('list', KEY.enter);
    expect(treeRow(frame(), 'web.4')).toMatch(/^ {2}/);
  });

  it('at 80x24 every name of a family of nine children is whole, and what does not fit says how many more', async () => {
    const { frame, type } = mount(80, 24);
    await type('fork web 9', KEY.enter);
    const f = frame();
    const shown = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((k) => treeRow(f, `web.${k}`) !== '');
    expect(shown.length).toBeGreaterThan(4);
    for (const k of shown) expect(treeRow(f, `web.${k}`)).toMatch(new RegExp(`web\\.${k} \\(${k + 3}\\) +-b----`));
    // The rows below the window are counted, not dropped.
    expect(panelsOf(f)).toMatch(/… \d+ more \(Alt\+↓ selects down\)/);
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
    for (const l of f.split('\n')) expect(plain(l).length).toBeLessThanOrEqual(80);
  });

  it('exits and zombies show at once', async () => {
    const { frame, type } = mount();
    await type('fork web 2', KEY.enter, 'exit web.1', KEY.enter);
    expect(treeRow(frame(), 'web.1')).toMatch(/zombie/);
    await type('wait web', KEY.enter);
    expect(treeRow(frame(), 'web.1')).toBe('');
  });

  it('a blocked pVM says what it waits on; an idle one does not', async () => {
    const { frame, type } = mount(120, 40);
    await type('fork web 4', KEY.enter, 'msgget web 5 --create', KEY.enter, 'msgrcv web.4 1 5', KEY.enter);
    expect(treeRow(frame(), 'web.4')).toMatch(/-b---- ◷ msgrcv q1 t5/);
    expect(treeRow(frame(), 'web.3')).toMatch(/-b---- +\d/);
    expect(treeRow(frame(), 'web.3')).not.toMatch(/◷/);
    await type('wait web', KEY.enter);
    expect(treeRow(frame(), 'web')).toMatch(/◷ wait\b/);
    await type('pipe web.1 web.2', KEY.enter, 'read 1', KEY.enter);
    expect(treeRow(frame(), 'web.2')).toMatch(/◷ read p1/);
  });
});

describe('the sharing graph', () => {
  it('a matrix of pages per pair: a touch takes 500 pages from every pair of web.2, and marks it', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 4', KEY.enter, KEY.altDown, KEY.altDown);
    expect(model.shell.hv.domains.get(model.selected)!.name).toBe('web.2');
    const pages = cells(sharingRow(frame(), 'web'))[1]!;
    expect(pages).toBeGreaterThan(1000);
    // Every pair shares every page right after fork: parent-child and siblings alike.
    for (const n of ['web', 'web.1', 'web.2', 'web.3', 'web.4'])
      expect(cells(sharingRow(frame(), n)).filter((c) => c !== null)).toEqual([pages, pages, pages, pages]);
    await type('touch web.2 heap 500', KEY.enter);
    expect(cells(sharingRow(frame(), 'web.2'))).toEqual([pages - 500, pages - 500, null, pages - 500, pages - 500]);
    expect(cells(sharingRow(frame(), 'web.3'))).toEqual([pages, pages, pages - 500, null, pages]);
    // The bar is smaps' Shared/Private (as mem reports), the row marked selected and copied-on-write.
    const mem = resultOf(model.shell.runOne(['mem', 'web.2'])).data.total as {
      shared_kib: number;
      private_kib: number;
    };
    const row = sharingRow(frame(), 'web.2');
    expect(row).toMatch(/^› +3 web\.2 +█+░+∗/);
    expect(row).toContain(`${size(mem.shared_kib)}/${size(mem.private_kib)}`);
    expect(sharingRow(frame(), 'web.3')).not.toContain('∗');
    // The history: shared pages of the family out of all its pages, on a fixed scale.
    const s = model.familySeries.get(1)!;
    const now = s[s.length - 1]!;
    expect(now.shared).toBe(s[s.length - 2]!.shared - 500);
    expect(panelsOf(frame())).toContain(`${now.shared}/${now.total} pages shared`);
    // The mark goes with the next command.
    await type('list', KEY.enter);
    expect(sharingRow(frame(), 'web.2')).not.toContain('∗');
  });

  it('the selected row keeps the colours of its bar: shared in the shared colour', async () => {
    chalk.level = 1;
    const { frame, type } = mount(120, 40);
    await type('fork web 2', KEY.enter, KEY.altDown, 'touch web.1 heap 300', KEY.enter);
    const raw = frame()
      .split('\n')
      .find((l) => /› +2 .*web\.1/.test(plain(l)))!;
    // Every █ of the row in green (32), every ░ in yellow (33), nothing inverse (7).
    const styled = cellsOf(raw);
    const bar = styled.filter((c) => c.ch === '█' || c.ch === '░');
    expect(bar.length).toBeGreaterThan(5);
    for (const c of bar) expect(c.fg, c.ch).toBe(c.ch === '█' ? 32 : 33);
    expect(styled.some((c) => c.inverse)).toBe(false);
  });

  it('moving the selection moves the family; Alt+Up/Down never touch the line', async () => {
    const { frame, type, model } = mount();
    await type('fork web 2', KEY.enter);
    expect(treeRow(frame(), 'web')).toMatch(/^ ›/);
    await type(KEY.altDown);
    expect(treeRow(frame(), 'web.1')).toMatch(/^ ›/);
    await type(KEY.altDown, KEY.altDown);
    expect(model.shell.hv.domains.get(model.selected)!.name).toBe('redis');
    expect(panelsOf(frame())).toMatch(/sharing: family redis \(1 pVM\)/);
    await type(KEY.altUp);
    expect(panelsOf(frame())).toMatch(/sharing: family web \(3 pVMs\)/);
    await type('tou', KEY.altDown, 'ch');
    expect(frame()).toMatch(/kylinx> touch/);
  });
});

describe('the output pane', () => {
  it('keeps every line of help, scrolls with PgUp/Home, and returns to live on the next command', async () => {
    const { frame, type, model } = mount(80, 24);
    await type('help', KEY.enter);
    const all = outputOf(model);
    for (const c of COMMANDS) expect(all, c.name).toMatch(new RegExp(`^ ${c.name} `, 'm'));
    // The screen shows the end; Home shows the top; PgDn moves down; End returns.
    expect(outputShown(frame())).toMatch(/help <command>`?\s+shows its usage/);
    await type(KEY.home);
    expect(outputShown(frame())).toMatch(/kylinx-sh console|kylinx> help/);
    expect(frame()).toMatch(/↓\d+ newer · End: back to live/);
    const top = outputShown(frame());
    await type(KEY.pgDn);
    expect(outputShown(frame())).not.toBe(top);
    await type(KEY.pgUp);
    expect(outputShown(frame())).toBe(top);
    await type('list', KEY.enter);
    expect(outputShown(frame())).toMatch(/Domain-0 +0/);
    expect(frame()).not.toMatch(/newer/);
  });

  it('bench all and help are whole in the pane: nothing is cut at 80 columns, long lines wrap', async () => {
    const { type, model } = mount(80, 24);
    await type('bench all', KEY.enter);
    const text = resultOf(model.shell.runOne(['bench', 'all'])).text;
    // Every word of the command's text is in the pane (wrapping only moves words to the next line).
    const pane = outputOf(model, 78).replace(/\s+/g, ' ');
    for (const l of text.split('\n')) expect(pane).toContain(l.replace(/\s+/g, ' ').trim());
  });

  it('one line per event; a burst of one kind is folded with a count, Ctrl+O opens it; asides once', async () => {
    const { type, model } = mount(120, 40);
    await type('fork web 4', KEY.enter);
    let out = outputOf(model);
    expect(out).toMatch(/^▸ forked ×4: web\.1, web\.2, web\.3, web\.4 {2}\(Ctrl\+O opens\)$/m);
    expect(out).not.toMatch(/^• forked/m);
    await type(KEY.ctrlO);
    out = outputOf(model);
    expect(out).toMatch(/^▾ forked ×4/m);
    expect(out.match(/^ {2}• forked {4}web forked web\.\d/gm)).toHaveLength(4);
    await type(KEY.ctrlO, 'destroy web.1', KEY.enter);
    expect(outputOf(model)).toMatch(/^• destroyed /m);
    // A wake-up is said by the command's text (an aside), not again as an event.
    await type('pipe web.2 web.3', KEY.enter, 'read 1', KEY.enter, 'write 1 hello', KEY.enter);
    out = outputOf(model);
    expect(out.match(/web\.3 woke/g)).toHaveLength(1);
  });

  it('the mouse wheel scrolls the pane under it; a click on a tree row selects that pVM', async () => {
    const { frame, type, model } = mount(100, 30);
    await type('fork web 2', KEY.enter, 'help', KEY.enter);
    const lines = frame().split('\n');
    const outRow = lines.findIndex((l) => /^[─▸] output/.test(l)) + 2;
    await type(KEY.wheelUp(10, outRow));
    expect(model.out.offset).toBe(3);
    await type(KEY.wheelDown(10, outRow));
    expect(model.out.offset).toBe(0);
    const row = frame()
      .split('\n')
      .findIndex((l) => /─ web\.2 \(5\)/.test(l));
    await type(KEY.click(8, row));
    expect(model.shell.hv.domains.get(model.selected)!.name).toBe('web.2');
    expect(model.focus.pane).toBe('tree');
  });
});

describe('focus and scrolling', () => {
  it('Tab on an empty line and Alt+digits focus a pane; PgDn scrolls it; Escape comes back', async () => {
    const { frame, type, model } = mount(80, 24);
    await type('fork web 9', KEY.enter, 'run 1s', KEY.enter);
    expect(model.focus.pane).toBe('output');
    await type(KEY.tab);
    expect(model.focus.pane).toBe('tree');
    expect(frame()).toMatch(/▸ pVMs: 12 in 3 families/);
    // The scheduler shares its column: focusing it shows it, with every domain in domid order.
    await type(KEY.alt('6'));
    expect(model.focus.pane).toBe('sched');
    expect(frame()).toMatch(/▸ scheduler: 6 pCPUs/);
    expect(frame()).toMatch(/… \d+ more \(Tab to it, PgDn\)/);
    const before = panelsOf(frame());
    await type(KEY.pgDn);
    expect(panelsOf(frame())).not.toBe(before);
    expect(frame()).toMatch(/▸ scheduler: 6 pCPUs.*↑\d+/);
    await type(KEY.esc);
    await tick(30);
    expect(model.focus.pane).toBe('output');
  });
});

describe('sizes and colour', () => {
  it('below 80x24 the console is one line saying so', () => {
    for (const [c, r] of [
      [79, 30],
      [100, 23],
      [70, 20],
    ] as const) {
      const { frame } = mount(c, r);
      expect(frame()).toBe(TOO_SMALL);
    }
    const { frame } = mount(80, 24);
    expect(frame()).toMatch(/kylinx>/);
    expect(frame().split('\n').length).toBe(23);
  });

  it('the screen is rows - 1 lines at any size, with 60-pVM trees, and lays out again on a new size', async () => {
    const { frame, type, app, model } = mount(80, 24);
    await type('fork web 60', KEY.enter);
    expect(frame().split('\n').length).toBe(23);
    app.rerender(<Console model={model} cols={120} rows={40} files={() => []} />, 120);
    await tick();
    expect(app.lastFrame().split('\n').length).toBe(39);
    // Wider than the test's terminal (100 columns): the screen as composed.
    for (const [c, r] of [
      [120, 40],
      [200, 60],
      [240, 70],
    ] as const) {
      const f = composeFrame(model, c, r);
      expect(f.lines.length, `${c}x${r}`).toBe(r - 1);
      for (const l of f.lines) expect(l.width).toBeLessThanOrEqual(c);
      expect(f.layout.output.h).toBeGreaterThanOrEqual(Math.floor((r - 4) * 0.35));
    }
  });

  it('wide screens use a third column', async () => {
    const { frame, type } = mount(200, 60);
    await type('fork web 2', KEY.enter, 'pipe web.1 web.2', KEY.enter, 'run 1s', KEY.enter);
    const titles = frame().split('\n')[1]!;
    expect(titles).toMatch(/pVMs:.*│.*sharing:.*│.*IpC:/);
  });

  it('NO_COLOR gives no colour and no escape codes at all', () => {
    chalk.level = 3;
    const coloured = mount().frame();
    expect(coloured).toContain('\x1b[');
    expect(applyColorPolicy(undefined, { NO_COLOR: '1' })).toBe(false);
    const bare = mount().frame();
    expect(bare).not.toContain('\x1b');
    expect(bare).toMatch(/kylinx>/);
    chalk.level = 3;
    expect(applyColorPolicy(false, {})).toBe(false);
    expect(mount().frame()).not.toContain('\x1b');
  });
});

describe('the prompt', () => {
  it('Tab completes command names, pVM names and file names', async () => {
    const { frame, type, model } = mount(100, 30, {
      files: (p) => ['examples/', 'examples/fork-cow.kx', 'examples/sched.kx'].filter((f) => f.startsWith(p)),
    });
    await type('fo', KEY.tab);
    expect(model.line.text).toBe('fork ');
    await type('w', KEY.tab);
    expect(model.line.text).toBe('fork web ');
    await type(KEY.enter, 'fork w', KEY.tab);
    expect(model.line.text).toBe('fork web');
    await type(KEY.tab);
    expect(outputOf(model)).toMatch(/web {2}web\.1/);
    await type(KEY.ctrlC, 'play examples/f', KEY.tab);
    expect(model.line.text).toBe('play examples/fork-cow.kx ');
    expect(frame()).toMatch(/kylinx> play examples\/fork-cow\.kx/);
  });

  it('completes regions of the pVM named before', async () => {
    const { type, model } = mount();
    await type('touch web h', KEY.tab);
    expect(model.line.text).toBe('touch web heap ');
  });

  it('Up and Down walk the history, earlier sessions included; the typed line is kept', async () => {
    const { frame, type } = mount(100, 30, { history: ['fork web 2'] });
    await type('list', KEY.enter, 'tr', KEY.up);
    expect(frame()).toMatch(/kylinx> list$/m);
    await type(KEY.up);
    expect(frame()).toMatch(/kylinx> fork web 2$/m);
    await type(KEY.down, KEY.down);
    expect(frame()).toMatch(/kylinx> tr$/m);
  });

  it('shows the usage of the command being typed', async () => {
    const { frame, type } = mount(160, 30);
    await type('touch w');
    expect(frame()).toMatch(/touch <pvm> <region> <pages\|all> \[--offset k\] — A pVM writes pages/);
    await type(KEY.ctrlC, 'frk');
    expect(frame()).toMatch(/command not implemented: 'frk' \(did you mean 'fork'\?\)/);
  });

  it('Ctrl+C clears the line and stays; Ctrl+D on an empty line leaves; so does exit', async () => {
    const a = mount();
    await a.type('fork web', KEY.ctrlC);
    expect(a.model.line.text).toBe('');
    expect(outputOf(a.model)).toMatch(/kylinx> fork web\^C/);
    expect(a.left).toEqual([]);
    await a.type('ab', KEY.ctrlD);
    expect(a.left).toEqual([]);
    await a.type(KEY.ctrlC, KEY.ctrlD);
    expect(a.left).toEqual(['quit']);
    const b = mount();
    await b.type('exit', KEY.enter);
    expect(b.left).toEqual(['quit']);
  });

  it('`top` asks for the dashboard; `top -b` is the batch command', async () => {
    const a = mount();
    await a.type('top', KEY.enter);
    expect(a.left).toEqual(['dashboard']);
    const b = mount();
    await b.type('top -b -i 1', KEY.enter);
    expect(b.left).toEqual([]);
  });

  it('errors are one line in the output, marked, and change nothing', async () => {
    const { type, model } = mount();
    const before = JSON.stringify(model.shell.hv.save());
    await type('fork wbe 2', KEY.enter);
    expect(outputOf(model)).toMatch(/^✗ fork: no pVM named 'wbe' \(did you mean 'web'\?\)$/m);
    expect(JSON.stringify(model.shell.hv.save())).toBe(before);
  });
});
