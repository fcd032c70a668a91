// An extra, outside `npm test` (run by `npm run test:tmux`, and by .ci/run where tmux exists): the same
// console session as test/tui/terminal.test.ts, in a second real terminal, tmux at 120x40, typed at with
// send-keys and read back with capture-pane. Every wait polls the screen with a timeout instead of
// sleeping a fixed time. Skipped, saying why, when tmux is not installed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');
const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAVE_TMUX)
  process.stderr.write(
    'test/tmux/terminal.test.ts: skipped, tmux is not installed (test/tui/terminal.test.ts covers the same in a pty)\n',
  );

const SOCKET = `kylinx-test-${process.pid}`;
const SESSION = 'console';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]): void => void tmux('send-keys', '-t', SESSION, ...k);
const text = (s: string): void => void tmux('send-keys', '-t', SESSION, '-l', s);
const flags = (): string => tmux('display', '-p', '-t', SESSION, '#{alternate_on} #{cursor_flag}').trim();

/** Poll the screen until `ok` holds; fail with the last screen after `ms`. */
async function until(what: string, ok: (s: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  for (;;) {
    s = screen();
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Start the console in a fresh tmux server; the pane stays after it exits, showing its status. */
function start(home: string, args = ''): void {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  const env = `HOME=${home} TERM=xterm-256color NCURSES_NO_UTF8_ACS=1`;
  const cmd = `cd ${home} && env -u CI -u NO_COLOR ${env} ${process.execPath} ${BIN} ${args}; echo "EXIT=$?"; sleep 600`;
  // kill-server returns before the old server is gone; a session asked of the dying server fails with
  // "server exited unexpectedly" (seen under load). Then it is asked again of a new one.
  for (let tries = 1; ; tries++) {
    const r = spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-x', '120', '-y', '40', '-s', SESSION, cmd], {
      encoding: 'utf8',
    });
    if (r.status === 0) return;
    if (tries === 5 || !r.stderr.includes('server exited unexpectedly'))
      throw new Error(`tmux new-session: ${r.stderr}`);
    spawnSync('sleep', ['0.2']);
  }
}

const promptReady = (s: string) => /^kylinx>/m.test(s) && /pVMs: \d+ in/.test(s);
const treeRow = (s: string, name: string) => s.split('\n').find((l) => l.includes(`─ ${name} (`)) ?? '';
const sharedPct = (row: string) => Number(/(\d+(?:\.\d)?)%/.exec(row)?.[1]);
/** The prompt is the last line starting with kylinx> (the log above echoes earlier lines the same way). */
const promptLine = (s: string) =>
  s
    .split('\n')
    .filter((l) => l.startsWith('kylinx>'))
    .pop() ?? '';

afterAll(() => {
  if (HAVE_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!HAVE_TMUX)('the console in tmux (built binary)', () => {
  const home = mkdtempSync(join(tmpdir(), 'kylinx-home-'));

  it('is built', () => {
    expect(existsSync(join(ROOT, 'dist', 'tui', 'console.js')), 'run npm run build first').toBe(true);
  });

  it('forks, touches, resizes, completes, opens the dashboard, leaves cleanly, and keeps history', async () => {
    start(home);
    await until('the console', promptReady);
    expect(flags()).toBe('1 1'); // alternate screen on

    // fork web 4: the tree grows at once.
    text('fork web 4');
    keys('Enter');
    // The fork plays its steps; any key ends it.
    await until('the fork to play', (x) => /▶ do_fork web → 4 children/.test(x) || treeRow(x, 'web.4') !== '');
    keys('Right');
    let s = await until('web.1-web.4 in the tree', (x) => [1, 2, 3, 4].every((k) => treeRow(x, `web.${k}`) !== ''));
    expect(treeRow(s, 'web.2')).toMatch(/web\.2 \(5\)/);
    expect(sharedPct(treeRow(s, 'web.2'))).toBe(100);
    const pairBefore = Number(/ 1 web +█+ .*│ +· +(\d+)/.exec(s)?.[1]);
    expect(pairBefore).toBeGreaterThan(500);

    // touch web.2 heap 500: web.2 keeps fewer pages of every other member; the sharing matrix says how many.
    text('touch web.2 heap 500');
    keys('Enter');
    s = await until("web.2's sharing to drop", (x) => sharedPct(treeRow(x, 'web.2')) < 100);
    expect(sharedPct(treeRow(s, 'web.3'))).toBe(100);
    expect(s).toMatch(new RegExp(` 3 web\\.2 +█+░+∗.*│ +${pairBefore - 500} +${pairBefore - 500} +·`));
    expect(s).toMatch(/cow +web\.2: 500 copy-on-write breaks in heap/);

    // Too small, then back: the layout returns whole.
    tmux('resize-window', '-t', SESSION, '-x', '70', '-y', '20');
    s = await until('the too-small message', (x) => x.includes('terminal too small (need 80x24)'));
    expect(
      s
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== ''),
    ).toHaveLength(1);
    tmux('resize-window', '-t', SESSION, '-x', '120', '-y', '40');
    s = await until('the layout back', (x) => promptReady(x) && treeRow(x, 'web.4') !== '' && !x.includes('too small'));
    expect(s.split('\n').filter((l) => l.startsWith('kylinx-sh kylinx'))).toHaveLength(1);

    // Completion: fo<Tab> -> fork, fork w<Tab> -> fork web.
    text('fo');
    keys('Tab');
    await until('fo<Tab> to complete', (x) => /^kylinx> fork\s*$/.test(promptLine(x)));
    keys('C-u');
    text('fork w');
    keys('Tab');
    await until('fork w<Tab> to complete', (x) => /^kylinx> fork web\s*$/.test(promptLine(x)));
    keys('C-c');
    await until('Ctrl-C to clear the line', (x) => /^kylinx>\s*$/.test(promptLine(x)));

    // top opens the dashboard, q comes back with the state intact.
    text('top');
    keys('Enter');
    s = await until('the dashboard', (x) => x.includes('families') && x.includes('Rss per pVM'));
    expect(s).toMatch(/web\.4 \(7\)/);
    keys('q');
    s = await until('the console again', (x) => promptReady(x) && treeRow(x, 'web.4') !== '');
    expect(sharedPct(treeRow(s, 'web.2'))).toBeLessThan(100);
    text('list');
    keys('Enter');
    await until('list to run after the dashboard', (x) => /^web\.4 +7 /m.test(x));

    // Ctrl-D leaves: status 0, normal screen, cursor visible.
    keys('C-d');
    await until('the exit status', (x) => /EXIT=\d+/.test(x));
    expect(screen()).toMatch(/EXIT=0/);
    expect(flags()).toBe('0 1');
    expect(readFileSync(join(home, '.kylinx-sh_history'), 'utf8')).toMatch(
      /fork web 4\ntouch web\.2 heap 500\ntop\nlist\n$/,
    );

    // A new console remembers: Up gives the last lines of the previous session.
    start(home);
    await until('the console again', promptReady);
    keys('Up');
    await until('history: list', (x) => /^kylinx> list\s*$/.test(promptLine(x)));
    keys('Up', 'Up');
    await until('history: touch', (x) => /^kylinx> touch web\.2 heap 500\s*$/.test(promptLine(x)));
    keys('C-c', 'C-d');
    await until('the exit status', (x) => /EXIT=0/.test(x));
  }, 120_000);

  it('records the session (--record), stops a long run with Ctrl-C, runs the clock, plays a script', async () => {
    const cast = join(home, 'session.cast');
    writeFileSync(join(home, 'demo.kx'), 'say Watch the tree grow\nfork web 2\ntouch web.1 heap 100\n');
    start(home, `--record ${cast}`);
    await until('the console', promptReady);

    // A long run goes in steps (a day: far longer than the test waits): the run bar shows how far it
    // got; Ctrl-C stops it, consistent, saying where.
    text('run 24h');
    keys('Enter');
    await until('the run bar', (x) => /run 24h: .* of 24 h of virtual time · Ctrl-C stops it/.test(x));
    keys('C-c');
    const s = await until(
      'the run to stop',
      (x) => /run 24h: stopped by Ctrl-C after [0-9.]+ (ms|s|min|h) of 24 h/.test(x) && promptReady(x),
    );
    const t = Number(/t=([0-9.]+)s/.exec(s.split('\n').find((l) => l.startsWith('kylinx-sh kylinx'))!)?.[1]);
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(24 * 3600);
    expect(s).toMatch(/^kylinx>\s*$/m);

    // The clock: time runs while the header says so, and stops with clock off.
    text('clock on 100');
    keys('Enter');
    await until('the clock to run', (x) => x.includes('▶ clock 100x') && Number(/t=([0-9.]+)s/.exec(x)?.[1]) > t + 50);
    text('clock off');
    keys('Enter');
    await until('the clock to stop', (x) => x.includes('■ clock off') && /clock off: ran .* in \d+ steps/.test(x));

    // play on a host that ran: it asks first; y boots it again. Then the next command shows before it
    // runs; Enter runs it; ← steps back.
    text('play demo.kx');
    keys('Enter');
    await until('the question', (x) => /boot the host again first\?/.test(x));
    keys('y');
    await until(
      'the play bar',
      (x) => /▶ play demo\.kx step 1\/3/.test(x) && x.includes('next line 1: say Watch the tree grow'),
    );
    keys('Enter');
    await until('the framed say', (x) => /║ Watch the tree grow +║/.test(x));
    keys('Enter');
    await until(
      'web.1 and web.2',
      (x) => treeRow(x, 'web.2') !== '' && x.includes('next line 3: touch web.1 heap 100'),
    );
    keys('Left');
    await until(
      'the fork undone',
      (x) => treeRow(x, 'web.2') === '' && x.includes('⟲ stepped back before line 2: fork web 2'),
    );
    keys('q');
    await until('the prompt back', (x) => promptReady(x) && x.includes('stopped playing demo.kx'));

    keys('C-d');
    await until('the exit status', (x) => /EXIT=\d+/.test(x));
    expect(screen()).toMatch(/EXIT=0/);

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
