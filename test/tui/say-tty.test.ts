// `say` in the scripted modes of the built binary: framed in a terminal (tmux), a plain line in a pipe.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');
const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `kylinx-say-${process.pid}`;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function until(what: string, ok: (s: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = tmux('capture-pane', '-p', '-J', '-t', 'say');
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  if (HAVE_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('say in scripted modes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kylinx-say-'));
  writeFileSync(join(dir, 'demo.kx'), 'say "Watch web fork"\nfork web 1\n');

  it('is a plain line when stdout is a pipe', () => {
    const r = spawnSync(process.execPath, [BIN, join(dir, 'demo.kx')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Watch web fork');
  });

  it.skipIf(!HAVE_TMUX)('is framed when stdout is a terminal, in a script and with -c', async () => {
    const cmd = `cd ${dir} && env HOME=${dir} ${process.execPath} ${BIN} demo.kx; ${process.execPath} ${BIN} -c 'say Now with -c'; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', 'say', cmd);
    const s = await until('both banners', (x) => x.includes('EXIT='));
    expect(s).toMatch(/╔═+╗\n║ Watch web fork +║\n╚═+╝\nweb \(domid 1\) forked/);
    expect(s).toMatch(/╔═+╗\n║ Now with -c +║\n╚═+╝\nEXIT=0/);
  });
});
