// The console in a real terminal: the BUILT binary (`node bin/kylinx-sh.js`, as a user runs it) in a
// pseudo-terminal at 120x40 whose output drives a real terminal emulator (test/term.ts). Keys are typed
// into the pty and the emulator's screen is read back, cells with their colours. Every wait polls the
// screen with a timeout instead of sleeping a fixed time. Needs nothing but Node and the dev dependencies.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleReady, promptLine, promptReady, ROOT, startTerm, Term, TermOptions } from '../term.js';

const treeRow = (s: string, name: string) => s.split('\n').find((l) => l.includes(`─ ${name} (`)) ?? '';
const sharedPct = (row: string) => Number(/(\d+(?:\.\d)?)%/.exec(row)?.[1]);

let open: Term[] = [];
afterEach(() => {
  for (const t of open) t.close();
  open = [];
});

function start(home: string, o: TermOptions = {}): Term {
  const t = startTerm({ cwd: home, ...o, env: { HOME: home, ...o.env } });
  open.push(t);
  return t;
}

describe('the console in a pseudo-terminal (built binary)', () => {
  const home = mkdtempSync(join(tmpdir(), 'kylinx-home-'));

  it('is built', () => {
    expect(existsSync(join(ROOT, 'dist', 'tui', 'console.js')), 'run npm run build first').toBe(true);
  });

  it('forks, touches, resizes, completes, opens the dashboard, leaves cleanly, and keeps history', async () => {
    let t = start(home);
    await consoleReady(t);
    expect(t.alternate).toBe(true);

    // fork web 4: the tree grows at once.
    t.type('fork web 4');
    t.keys('Enter');
    // With animations on (the default) the children appear as their do_fork plays; any key ends it.
    let s = await t.until(
      'the fork to play',
      (x) => /▶ do_fork web → 4 children/.test(x) || treeRow(x, 'web.4') !== '',
    );
    t.keys('Right');
    s = await t.until('web.1-web.4 in the tree', (x) => [1, 2, 3, 4].every((k) => treeRow(x, `web.${k}`) !== ''));
    expect(treeRow(s, 'web.2')).toMatch(/web\.2 \(5\)/);
    expect(sharedPct(treeRow(s, 'web.2'))).toBe(100);
    const pairBefore = Number(/ 1 web +█+ .*│ +· +(\d+)/.exec(s)?.[1]);
    expect(pairBefore).toBeGreaterThan(500);

    // touch web.2 heap 500: web.2 keeps fewer pages of its parent; the sharing matrix says how many.
    t.type('touch web.2 heap 500');
    t.keys('Enter');
    s = await t.until("web.2's sharing to drop", (x) => sharedPct(treeRow(x, 'web.2')) < 100);
    expect(sharedPct(treeRow(s, 'web.3'))).toBe(100);
    expect(s).toMatch(new RegExp(` 3 web\\.2 +█+░+∗.*│ +${pairBefore - 500} +${pairBefore - 500} +·`));
    expect(s).toMatch(/cow +web\.2: 500 copy-on-write breaks in heap/);

    // Too small, then back: the layout returns whole.
    t.resize(70, 20);
    s = await t.until('the too-small message', (x) => x.includes('terminal too small (need 80x24)'));
    expect(
      s
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== ''),
    ).toHaveLength(1);
    t.resize(120, 40);
    s = await t.until(
      'the layout back',
      (x) => promptReady(x) && treeRow(x, 'web.4') !== '' && !x.includes('too small'),
    );
    expect(s.split('\n').filter((l) => l.startsWith('kylinx-sh kylinx'))).toHaveLength(1);

    // Completion: fo<Tab> -> fork, fork w<Tab> -> fork web.
    t.type('fo');
    t.keys('Tab');
    await t.until('fo<Tab> to complete', (x) => /^kylinx> fork\s*$/.test(promptLine(x)));
    t.keys('C-u');
    t.type('fork w');
    t.keys('Tab');
    await t.until('fork w<Tab> to complete', (x) => /^kylinx> fork web\s*$/.test(promptLine(x)));
    t.keys('C-c');
    await t.until('Ctrl-C to clear the line', (x) => /^kylinx>\s*$/.test(promptLine(x)));

    // top opens the dashboard, q comes back with the state intact.
    t.type('top');
    t.keys('Enter');
    s = await t.until('the dashboard', (x) => x.includes('families') && x.includes('Rss per pVM'));
    expect(s).toMatch(/web\.4 \(7\)/);
    t.keys('q');
    s = await t.until('the console again', (x) => promptReady(x) && treeRow(x, 'web.4') !== '');
    expect(sharedPct(treeRow(s, 'web.2'))).toBeLessThan(100);
    t.type('list');
    t.keys('Enter');
    await t.until('list to run after the dashboard', (x) => /^web\.4 +7 /m.test(x));

    // Ctrl-D leaves: status 0, normal screen, cursor visible.
    t.keys('C-d');
    expect((await t.waitExit()).exitCode).toBe(0);
    await t.until('the normal screen', () => !t.alternate && t.cursorVisible, 2_000);
    expect(readFileSync(join(home, '.kylinx-sh_history'), 'utf8')).toMatch(
      /fork web 4\ntouch web\.2 heap 500\ntop\nlist\n$/,
    );

    // A new console remembers: Up gives the last lines of the previous session.
    t = start(home);
    await consoleReady(t);
    t.keys('Up');
    await t.until('history: list', (x) => /^kylinx> list\s*$/.test(promptLine(x)));
    t.keys('Up', 'Up');
    await t.until('history: touch', (x) => /^kylinx> touch web\.2 heap 500\s*$/.test(promptLine(x)));
    t.keys('C-c', 'C-d');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 120_000);

  it('runs a sweep in the console (on its worker pool, bounded in time) and shows its table and chart', async () => {
    const t = start(home);
    await consoleReady(t);
    t.type('bench sweep fork host.pool=0,2');
    t.keys('Enter');
    await t.until('the sweep table in the log', (x) => /^\s*2\s+redis, shell from the pool\s+ms\s+0\.62/m.test(x));
    t.type('bench sweep fork host.pool=0,2 --chart');
    t.keys('Enter');
    await t.until('its chart in the log', (x) => /host\.pool \(pre-created empty domain shells\)/.test(x));
    t.type('list');
    t.keys('Enter');
    await t.until('the prompt to take commands again', (x) => /^web +1 /m.test(x));
    t.keys('C-d');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 60_000);

  it('draws in colour: a bold cyan header, a bold green prompt; NO_COLOR and --no-color draw none', async () => {
    const colour = start(home);
    await consoleReady(colour);
    const header = colour.find('kylinx-sh kylinx')!;
    const name = colour.cell(header.row, header.col);
    expect(name).toMatchObject({ char: 'k', fgMode: 'palette', fg: 6, bold: true });
    const prompt = colour.find(/^kylinx>/)!;
    expect(colour.cell(prompt.row, 0)).toMatchObject({ char: 'k', fgMode: 'palette', fg: 2, bold: true });
    colour.keys('C-d');
    expect((await colour.waitExit()).exitCode).toBe(0);

    for (const o of [{ env: { NO_COLOR: '1' } }, { args: ['--no-color'] }]) {
      const t = start(home, o);
      await consoleReady(t);
      // Every cell of the screen: default colours, no attribute.
      for (let row = 0; row < t.rows; row++)
        for (let col = 0; col < t.cols; col++) {
          const c = t.cell(row, col);
          expect(
            c.fgMode === 'default' && c.bgMode === 'default' && !c.bold && !c.inverse && !c.dim && !c.underline,
            `cell ${row},${col} '${c.char}' is styled (${JSON.stringify(o)})`,
          ).toBe(true);
        }
      // No SGR sequence (ESC [ ... m) at all in what the program wrote.
      expect(t.output()).not.toMatch(new RegExp(`${'\x1b'}\\[[0-9;]*m`));
      t.keys('C-d');
      expect((await t.waitExit()).exitCode).toBe(0);
    }
  }, 60_000);

  it('records the session (--record), stops a long run with Ctrl-C, runs the clock, plays a script', async () => {
    const cast = join(home, 'session.cast');
    writeFileSync(join(home, 'demo.kx'), 'say Watch the tree grow\nfork web 2\ntouch web.1 heap 100\n');
    const t = start(home, { args: ['--record', cast] });
    await consoleReady(t);

    // A long run goes in steps (a day: far longer than the test waits): the run bar shows how far it
    // got; Ctrl-C stops it, consistent, saying where.
    t.type('run 24h');
    t.keys('Enter');
    await t.until('the run bar', (x) => /run 24h: .* of 24 h of virtual time · Ctrl-C stops it/.test(x));
    t.keys('C-c');
    const s = await t.until(
      'the run to stop',
      (x) => /run 24h: stopped by Ctrl-C after [0-9.]+ (ms|s|min|h) of 24 h/.test(x) && promptReady(x),
    );
    const clock = Number(/t=([0-9.]+)s/.exec(s.split('\n').find((l) => l.startsWith('kylinx-sh kylinx'))!)?.[1]);
    expect(clock).toBeGreaterThan(0);
    expect(clock).toBeLessThan(24 * 3600);
    expect(s).toMatch(/^kylinx>\s*$/m);

    // The clock: time runs while the header says so, and stops with clock off.
    t.type('clock on 100');
    t.keys('Enter');
    await t.until(
      'the clock to run',
      (x) => x.includes('▶ clock 100x') && Number(/t=([0-9.]+)s/.exec(x)?.[1]) > clock + 50,
    );
    t.type('clock off');
    t.keys('Enter');
    await t.until('the clock to stop', (x) => x.includes('■ clock off') && /clock off: ran .* in \d+ steps/.test(x));

    // play on a host that ran: it asks first; y boots it again. Then the next command shows before it
    // runs; Enter runs it; ← steps back.
    t.type('play demo.kx');
    t.keys('Enter');
    await t.until(
      'the question',
      (x) => /the host is not as it booted/.test(x) && /boot the host again first\?/.test(x),
    );
    t.keys('y');
    await t.until(
      'the play bar',
      (x) => /▶ play demo\.kx step 1\/3/.test(x) && x.includes('next line 1: say Watch the tree grow'),
    );
    t.keys('Enter');
    await t.until('the framed say', (x) => /║ Watch the tree grow +║/.test(x));
    t.keys('Enter');
    await t.until(
      'web.1 and web.2',
      (x) => treeRow(x, 'web.2') !== '' && x.includes('next line 3: touch web.1 heap 100'),
    );
    t.keys('Left');
    await t.until(
      'the fork undone',
      (x) => treeRow(x, 'web.2') === '' && x.includes('⟲ stepped back before line 2: fork web 2'),
    );
    t.keys('q');
    await t.until('the prompt back', (x) => promptReady(x) && x.includes('stopped playing demo.kx'));

    // A shipped demo plays by its package path from this directory, which holds no examples/. The host
    // is as it booted again (the fork was stepped back): nothing to ask.
    t.type('play examples/fork-cow.kx');
    t.keys('Enter');
    await t.until('the shipped demo', (x) => /▶ play examples\/fork-cow\.kx step 1\/\d+/.test(x));
    t.keys('q');
    await t.until('the prompt back', (x) => promptReady(x) && x.includes('stopped playing examples/fork-cow.kx'));

    t.keys('C-d');
    expect((await t.waitExit()).exitCode).toBe(0);

    // The asciicast: a v2 header, then [time, "o", data] events in time order holding what was shown.
    const lines = readFileSync(cast, 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ version: 2, width: 120, height: 40 });
    expect(typeof header.timestamp).toBe('number');
    expect(header.env).toMatchObject({ TERM: 'xterm-256color' });
    let last = 0;
    let shown = '';
    for (const l of lines.slice(1)) {
      const e = JSON.parse(l) as [number, string, string];
      expect(e).toHaveLength(3);
      expect(e[0]).toBeGreaterThanOrEqual(last);
      expect(['o', 'r']).toContain(e[1]);
      last = e[0];
      if (e[1] === 'o') shown += e[2];
    }
    expect(shown).toContain('\x1b[?1049h');
    expect(shown).toContain('run 24h: stopped by Ctrl-C');
    expect(shown).toContain('clock off: ran');
    expect(shown).toContain('Watch the tree grow');
  }, 120_000);
});

describe('top in a pseudo-terminal (built binary)', () => {
  it('follows the clock, labels its charts with virtual time, and without colour prints no broken escapes', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kylinx-top-'));
    for (const [cols, rows] of [
      [80, 24],
      [120, 40],
    ] as const) {
      const t = start(home, { cols, rows, env: { NO_COLOR: '1' } });
      await consoleReady(t);
      t.type('fork web 4');
      t.keys('Enter');
      await t.until('the fork', (x) => x.includes('─ web.4 ('));
      t.type('clock on 20');
      t.keys('Enter');
      await t.until('the clock', (x) => x.includes('▶ clock 20x'));
      t.type('top');
      t.keys('Enter');
      const at = (x: string) => Number(/t=([0-9.]+)s ▶ clock 20x/.exec(x)?.[1]);
      // blessed paints in pieces: wait for the header's clock as well as the panels (under load they come apart).
      let s = await t.until('the dashboard', (x) => x.includes('families') && x.includes('Rss per pVM') && at(x) >= 0);
      const first = at(s);
      expect(first).toBeGreaterThanOrEqual(0);
      // Its time moves with the clock, and the memory chart's axis is virtual time.
      s = await t.until('the clock to move on in top', (x) => at(x) > first + 4);
      expect(s).toMatch(/shared +\S+ \d+\.\dM/);
      expect(s).toMatch(/private +\S+ \d+\.\dM/);
      expect(s).toMatch(/^.*t +\d+\.\ds … \d+\.\ds/m);
      // xentop's columns, and every name whole.
      expect(s).toMatch(/NAME +STATE +CPU\(sec\) +CPU\(%\) +MEM\(k\) +MEM\(%\) +MAXMEM\(k\) +MAXMEM\(%\) +VCPUS/);
      expect(s).toMatch(/Domain-0 /);
      if (rows >= 40) for (const n of ['web.1', 'web.4', 'dns']) expect(s).toMatch(new RegExp(`│ ${n} +--b---`));
      else {
        // Eight pVMs in a box for five: the rest counted, and ↓ scrolls to them.
        expect(s).toMatch(/│ ↓ \d more/);
        expect(s).not.toMatch(/│ web\.4 +--b---/);
        t.keys('Down', 'Down', 'Down', 'Down');
        s = await t.until('the table scrolled to web.4', (x) => /│ web\.4 +--b---/.test(x));
        expect(s).toMatch(/│ ↑ \d more/);
      }
      // No escape code left as text, nothing styled.
      expect(s).not.toMatch(/\[\d*undefined|\[3\d?m/);
      expect(s).not.toContain('\x1b');
      for (let row = 0; row < t.rows; row++)
        for (let col = 0; col < t.cols; col++) {
          const c = t.cell(row, col);
          expect(c.fgMode === 'default' && c.bgMode === 'default', `cell ${row},${col} '${c.char}'`).toBe(true);
        }
      t.keys('q');
      await t.until('the console again', promptReady);
      t.type('clock off');
      t.keys('Enter');
      t.keys('C-d');
      expect((await t.waitExit()).exitCode).toBe(0);
    }
  }, 120_000);
});

describe('--step in a pseudo-terminal (built binary)', () => {
  it('advances on Enter, steps back on b, and leaves on q', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-step-'));
    writeFileSync(join(dir, 'demo.kx'), 'say "Watch web fork"\nfork web 2\nlist web.2\n');
    const t = start(dir, { args: ['--step', 'demo.kx'] });
    // --step prints line by line: read the whole normal buffer, scrollback included.
    const all = () => t.history();
    await t.until('the first step', (s) => s.includes('[1/3] line 1: say "Watch web fork"'), 15_000, all);
    t.keys('Enter');
    await t.until(
      'the say banner and step 2',
      (s) => /║ Watch web fork +║/.test(s) && s.includes('[2/3] line 2: fork web 2'),
      15_000,
      all,
    );
    t.keys('Enter');
    await t.until(
      'the fork and step 3',
      (s) => s.includes('web.2  domid 5') && s.includes('[3/3] line 3: list web.2'),
      15_000,
      all,
    );
    t.keys('b');
    await t.until(
      'the step back',
      (s) =>
        s.includes('⟲ stepped back before line 2: fork web 2') &&
        s.trimEnd().endsWith('(Enter: run   b: back   q: quit)'),
      15_000,
      all,
    );
    t.keys('Enter');
    // Forking again after stepping back gives the same domids: the engine really went back.
    await t.until('the fork again', (s) => s.split('web.2  domid 5').length === 3, 15_000, all);
    t.keys('Enter');
    await t.until('list of web.2', (s) => /web\.2 +5 +8 +1/.test(s), 15_000, all);
    t.keys('q');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 60_000);
});
