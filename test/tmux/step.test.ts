// An extra, outside `npm test` (`npm run test:tmux`): `kylinx-sh --step FILE` in tmux, as
// test/tui/terminal.test.ts does it in a pty: it shows the next command before running it, runs it on
// Enter, steps back on b (the engine returns to its state before that command), and leaves on q.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');
const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `kylinx-step-${process.pid}`;
if (!HAVE_TMUX) process.stderr.write('test/tmux/step.test.ts: skipped, tmux is not installed\n');

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'step');

async function until(what: string, ok: (s: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  if (HAVE_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe.skipIf(!HAVE_TMUX)('--step in tmux (built binary)', () => {
  it('advances on Enter, steps back on b, and leaves on q', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-step-'));
    writeFileSync(join(dir, 'demo.kx'), 'say "Watch web fork"\nfork web 2\nlist web.2\n');
    const cmd = `cd ${dir} && env HOME=${dir} ${process.execPath} ${BIN} --step demo.kx; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'step', cmd);
    await until('the first step', (s) => s.includes('[1/3] line 1: say "Watch web fork"'));
    tmux('send-keys', '-t', 'step', 'Enter');
    await until(
      'the say banner and step 2',
      (s) => /║ Watch web fork +║/.test(s) && s.includes('[2/3] line 2: fork web 2'),
    );
    tmux('send-keys', '-t', 'step', 'Enter');
    await until('the fork and step 3', (s) => s.includes('web.2  domid 5') && s.includes('[3/3] line 3: list web.2'));
    tmux('send-keys', '-t', 'step', 'b');
    await until(
      'the step back',
      (s) =>
        s.includes('⟲ stepped back before line 2: fork web 2') &&
        s.trimEnd().endsWith('(Enter: run   b: back   q: quit)'),
    );
    tmux('send-keys', '-t', 'step', 'Enter');
    // Forking again after stepping back gives the same domids: the engine really went back.
    await until('the fork again', (s) => s.split('web.2  domid 5').length === 3);
    tmux('send-keys', '-t', 'step', 'Enter');
    await until('list of web.2', (s) => /web\.2 +5 +8 +1/.test(s));
    tmux('send-keys', '-t', 'step', 'q');
    const s = await until('the exit', (x) => x.includes('EXIT='));
    expect(s).toContain('EXIT=0');
  }, 60_000);
});
