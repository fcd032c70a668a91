// CPU used by an idle console over 5 s (DESIGN §6: no work when nothing changes): the built binary in a
// real terminal at 120x40 — a pseudo-terminal read by an in-process terminal emulator (node-pty and
// @xterm/headless, nothing but Node), or tmux when asked (`idleCpu(s, 'tmux')`) — its user+system time
// read from /proc/<pid>/stat before and after 5 s without a key pressed, as a percentage of one CPU.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, round } from '../lib.mjs';

function cpuTicks(pid) {
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait until `screen()` shows the prompt; false after 30 s. */
async function promptShown(screen) {
  const end = Date.now() + 30_000;
  while (!/^kylinx>/m.test(screen())) {
    if (Date.now() > end) return false;
    await sleep(100);
  }
  return true;
}

/** The console in a pseudo-terminal; returns its pid and how to end it, or {error}. */
async function startPty(home) {
  const { default: pty } = await import('@lydell/node-pty');
  const { default: xterm } = await import('@xterm/headless');
  const term = new xterm.Terminal({ cols: 120, rows: 40, allowProposedApi: true });
  const env = { ...process.env, HOME: home, TERM: 'xterm-256color' };
  delete env.CI;
  const p = pty.spawn(process.execPath, [BIN], { name: 'xterm-256color', cols: 120, rows: 40, cwd: home, env });
  p.onData((d) => term.write(d));
  term.onData((d) => p.write(d));
  const screen = () => {
    const b = term.buffer.active;
    const lines = [];
    for (let y = 0; y < term.rows; y++) lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const stop = () => {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
    term.dispose();
  };
  if (!(await promptShown(screen))) {
    stop();
    return { error: 'the console did not start within 30 s' };
  }
  return { pid: p.pid, stop };
}

/** The console in a tmux server of its own; returns its pid and how to end it, or {error}. */
async function startTmux(home) {
  if (spawnSync('tmux', ['-V']).status !== 0) return { error: 'tmux is not installed' };
  const socket = `kylinx-perf-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const cmd = `exec env -u CI HOME=${home} TERM=xterm-256color ${process.execPath} ${BIN}`;
  const r = tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'idle', cmd);
  const stop = () => tmux('kill-server');
  if (r.status !== 0) return { error: `tmux: ${r.stderr.trim()}` };
  if (!(await promptShown(() => tmux('capture-pane', '-p', '-t', 'idle').stdout))) {
    stop();
    return { error: 'the console did not start within 30 s' };
  }
  return { pid: Number(tmux('display', '-p', '-t', 'idle', '#{pane_pid}').stdout.trim()), stop };
}

/** Percent of one CPU the idle console used over `seconds`, in a pty ('pty') or tmux ('tmux'), or {error}. */
export async function idleCpu(seconds, terminal = 'pty') {
  const home = mkdtempSync(join(tmpdir(), 'kylinx-idle-'));
  const started = terminal === 'tmux' ? await startTmux(home) : await startPty(home);
  try {
    if (started.error) return { error: started.error, terminal };
    await sleep(500);
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
    const t0 = cpuTicks(started.pid);
    const w0 = process.hrtime.bigint();
    await sleep(seconds * 1000);
    const t1 = cpuTicks(started.pid);
    const wall = Number(process.hrtime.bigint() - w0) / 1e9;
    return { pct: ((t1 - t0) / hz / wall) * 100, ticks: t1 - t0, hz, wall, terminal };
  } finally {
    started.stop?.();
    rmSync(home, { recursive: true, force: true });
  }
}

export default {
  name: 'idle_cpu_pct',
  unit: '% of one CPU',
  budget: 1,
  compare: '<=',
  async measure() {
    const r = await idleCpu(5);
    if (r.error) return { value: null, note: `not measured: ${r.error}` };
    return {
      value: round(r.pct, 2),
      note: `${r.ticks} ticks of 1/${r.hz} s in ${r.wall.toFixed(1)} s idle at the prompt (pty 120x40)`,
    };
  },
};
