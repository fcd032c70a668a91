// The console's panels and prompt under ink-testing-library: the same React tree the terminal shows,
// driven by keys written to a fake stdin, read back from the last frame.

import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { applyColorPolicy } from '../../src/tui/color.js';
import { TOO_SMALL } from '../../src/tui/layout.js';
import { size } from '../../src/tui/format.js';
import { Console } from '../../src/tui/app.js';
import { resultOf } from '../helpers.js';
import { live, mount, tick } from './mount.js';

const KEY = {
  pgDn: '\x1b[6~',
  pgUp: '\x1b[5~',
  up: '\x1b[A',
  down: '\x1b[B',
  altDown: '\x1b[1;3B',
  tab: '\t',
  enter: '\r',
  ctrlC: '\x03',
  ctrlD: '\x04',
};

/** The tree panel's row of a pVM. */
function treeRow(frame: string, name: string): string {
  return (
    live(frame)
      .split('\n')
      .find((l) => new RegExp(`[─ ]${name.replace('.', '\\.')} \\(\\d+\\)`).test(l)) ?? ''
  );
}

/** The sharing panel's line of a pVM: the right half of a panel row (the tree takes half of `cols`). */
function sharingLine(frame: string, name: string, cols: number): string {
  const re = new RegExp(`^[ ›]+${name.replace('.', '\\.')} +(◀|root)`);
  for (const l of live(frame).split('\n')) {
    const right = l.slice(Math.floor(cols / 2));
    if (re.test(right)) return right;
  }
  return '';
}

let savedLevel = chalk.level;
afterEach(() => {
  chalk.level = savedLevel;
  savedLevel = chalk.level;
});

describe('console panels', () => {
  it('the tree grows when a command forks: web.1-web.4 appear under web, marked new', async () => {
    const { frame, type } = mount();
    expect(treeRow(frame(), 'web')).toMatch(/web \(1\)/);
    expect(treeRow(frame(), 'web.1')).toBe('');
    await type('fork web 4', KEY.enter);
    for (let k = 1; k <= 4; k++) {
      const row = treeRow(frame(), `web.${k}`);
      expect(row, `web.${k}`).toMatch(new RegExp(`├─ web\\.${k} \\(${k + 3}\\)|└─ web\\.${k} \\(${k + 3}\\)`));
      expect(row).toMatch(/100%/);
    }
    // New children carry the `+` mark for one command; the header counts them.
    expect(treeRow(frame(), 'web.4')).toMatch(/^ \+/);
    expect(live(frame())).toMatch(/7 pVMs/);
    await type('list', KEY.enter);
    expect(treeRow(frame(), 'web.4')).toMatch(/^ {2}/);
  });

  it('exits and zombies show at once', async () => {
    const { frame, type } = mount();
    await type('fork web 2', KEY.enter, 'exit web.1', KEY.enter);
    expect(treeRow(frame(), 'web.1')).toMatch(/zombie/);
    await type('wait web', KEY.enter);
    expect(treeRow(frame(), 'web.1')).toBe('');
  });

  it("the sharing graph follows a touch: web.2's edge and bar lose the pages it wrote", async () => {
    const { frame, type, model } = mount(120, 30);
    await type('fork web 4', KEY.enter, KEY.pgDn, KEY.pgDn);
    const edge = (name: string) => Number(/◀(\d+)p web/.exec(sharingLine(frame(), name, 120))?.[1]);
    const pages = edge('web.2');
    expect(pages).toBeGreaterThan(500);
    expect(edge('web.3')).toBe(pages);
    const before = sharingLine(frame(), 'web.2', 120);
    await type('touch web.2 heap 500', KEY.enter);
    const after = sharingLine(frame(), 'web.2', 120);
    // 500 pages left the parent's frames: the edge loses them, the bar gains private cells.
    expect(edge('web.2')).toBe(pages - 500);
    expect(edge('web.3')).toBe(pages);
    expect((after.match(/░/g) ?? []).length).toBeGreaterThan((before.match(/░/g) ?? []).length);
    // The sizes beside the bar are smaps' Shared/Private, as `mem web.2` reports them.
    const mem = resultOf(model.shell.runOne(['mem', 'web.2'])).data.total as {
      shared_kib: number;
      private_kib: number;
    };
    expect(after).toContain(`${size(mem.shared_kib)}/${size(mem.private_kib)}`);
    // Its siblings still map the parent's frames, and share all but those 500 pages with web.2.
    expect(live(frame())).toMatch(
      new RegExp(`≡ siblings web\\.1 ${pages - 500}p, web\\.3 ${pages - 500}p, web\\.4 ${pages - 500}p`),
    );
    const series = model.familySeries.get(1)!;
    expect(series[series.length - 1]).toBe(series[series.length - 2]! - 500);
    expect(live(frame())).toMatch(new RegExp(`family shared pages \\S+ ${series[series.length - 1]} \\(-500\\)`));
    expect(treeRow(frame(), 'web.2')).toMatch(/ 7\d\.\d%/);
  });

  it('PgDn/PgUp and Alt+Down move the selection through the tree, and the graph follows', async () => {
    const { frame, type, model } = mount();
    await type('fork web 2', KEY.enter);
    expect(treeRow(frame(), 'web')).toMatch(/^ ›/);
    await type(KEY.pgDn);
    expect(treeRow(frame(), 'web.1')).toMatch(/^ ›/);
    expect(treeRow(frame(), 'web')).toMatch(/^ {2}/);
    await type(KEY.altDown, KEY.pgDn);
    expect(model.shell.hv.domains.get(model.selected)!.name).toBe('redis');
    expect(live(frame())).toMatch(/sharing: family redis \(1 pVM\)/);
    await type(KEY.pgUp);
    expect(live(frame())).toMatch(/sharing: family web \(3 pVMs\)/);
    // Selection keys never touch the line being typed.
    await type('tou', KEY.pgDn, 'ch');
    expect(live(frame())).toMatch(/kylinx> touch/);
  });

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
    expect(frame().split('\n').length).toBeLessThanOrEqual(23);
  });

  it('the live area stays shorter than the terminal, at any size, with 1,000-row trees', async () => {
    const { frame, type, app, model } = mount(80, 24);
    await type('fork web 60', KEY.enter);
    const liveLines = live(frame()).split('\n').length;
    expect(liveLines).toBeLessThanOrEqual(23);
    app.rerender(<Console model={model} cols={120} rows={40} />);
    await tick();
    expect(live(app.lastFrame()!).split('\n').length).toBeLessThanOrEqual(39);
  });

  it('NO_COLOR gives no colour and no escape codes at all', () => {
    chalk.level = 3;
    const coloured = mount().frame();
    expect(coloured).toContain('\x1b[');
    expect(applyColorPolicy(undefined, { NO_COLOR: '1' })).toBe(false);
    const plain = mount().frame();
    expect(plain).not.toContain('\x1b');
    expect(plain).toMatch(/kylinx>/);
    chalk.level = 3;
    expect(applyColorPolicy(false, {})).toBe(false);
    expect(mount().frame()).not.toContain('\x1b');
  });
});

describe('console prompt', () => {
  it('Tab completes command names and pVM names', async () => {
    const { frame, type, model } = mount();
    await type('fo', KEY.tab);
    expect(model.line.text).toBe('fork ');
    expect(live(frame())).toMatch(/kylinx> fork$/m);
    await type('w', KEY.tab);
    expect(model.line.text).toBe('fork web ');
    await type(KEY.enter);
    // With web.1 there, `fork w` completes to the common prefix and Tab again lists the choices.
    await type('fork w', KEY.tab);
    expect(model.line.text).toBe('fork web');
    await type(KEY.tab);
    expect(frame()).toMatch(/web {2}web\.1/);
  });

  it('completes regions of the pVM named before', async () => {
    const { type, model } = mount();
    await type('touch web h', KEY.tab);
    expect(model.line.text).toBe('touch web heap ');
  });

  it('Up and Down walk the history, earlier sessions included; the typed line is kept', async () => {
    const { frame, type } = mount(100, 30, { history: ['fork web 2'] });
    await type('list', KEY.enter, 'tr', KEY.up);
    expect(live(frame())).toMatch(/kylinx> list$/m);
    await type(KEY.up);
    expect(live(frame())).toMatch(/kylinx> fork web 2$/m);
    await type(KEY.down, KEY.down);
    expect(live(frame())).toMatch(/kylinx> tr$/m);
  });

  it('shows the usage of the command being typed', async () => {
    const { frame, type } = mount();
    await type('touch w');
    expect(live(frame())).toMatch(/touch <pvm> <region> <pages\|all> \[--offset k\] — A pVM writes pages/);
    await type(KEY.ctrlC, 'frk');
    expect(live(frame())).toMatch(/command not implemented: 'frk' \(did you mean 'fork'\?\)/);
  });

  it('Ctrl+C clears the line and stays; Ctrl+D on an empty line leaves; so does exit', async () => {
    const a = mount();
    await a.type('fork web', KEY.ctrlC);
    expect(a.model.line.text).toBe('');
    expect(a.frame()).toMatch(/kylinx> fork web\^C/);
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

  it('errors are one line in the log and change nothing', async () => {
    const { frame, type, model } = mount();
    const before = JSON.stringify(model.shell.hv.save());
    await type('fork wbe 2', KEY.enter);
    expect(frame()).toMatch(/fork: no pVM named 'wbe' \(did you mean 'web'\?\)/);
    expect(JSON.stringify(model.shell.hv.save())).toBe(before);
  });

  it('events of a command are one log line each', async () => {
    const { frame, type } = mount();
    await type('fork web 2', KEY.enter, 'touch web.1 heap 10', KEY.enter, 'destroy web.2', KEY.enter);
    const log = frame().slice(0, frame().lastIndexOf('kylinx-sh kylinx'));
    expect(log.match(/^• forked /gm)).toHaveLength(2);
    expect(log).toMatch(/^• cow {7}web\.1: 10 copy-on-write breaks in heap$/m);
    expect(log).toMatch(/^• destroyed /m);
  });
});
