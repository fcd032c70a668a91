// CPU used by an idle console over 5 s (DESIGN §6: no work when nothing changes): the built binary in a
// real terminal (tmux at 120x40), its user+system time read from /proc/<pid>/stat before and after 5 s
// without a key pressed, as a percentage of one CPU.
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

/** Percent of one CPU the idle console used over `seconds`, or {error} when there is no tmux. */
export async function idleCpu(seconds) {
  if (spawnSync('tmux', ['-V']).status !== 0) return { error: 'tmux is not installed' };
  const socket = `kylinx-perf-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const home = mkdtempSync(join(tmpdir(), 'kylinx-idle-'));
  try {
    const r = tmux(
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '40',
      '-s',
      'idle',
      `exec env -u CI HOME=${home} TERM=xterm-256color ${process.execPath} ${BIN}`,
    );
    if (r.status !== 0) return { error: `tmux: ${r.stderr.trim()}` };
    const end = Date.now() + 30_000;
    while (!/^kylinx>/m.test(tmux('capture-pane', '-p', '-t', 'idle').stdout)) {
      if (Date.now() > end) return { error: 'the console did not start within 30 s' };
      await sleep(100);
    }
    const pid = Number(tmux('display', '-p', '-t', 'idle', '#{pane_pid}').stdout.trim());
    await sleep(500);
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const t0 = cpuTicks(pid);
    const w0 = process.hrtime.bigint();
    await sleep(seconds * 1000);
    const t1 = cpuTicks(pid);
    const wall = Number(process.hrtime.bigint() - w0) / 1e9;
    return { pct: ((t1 - t0) / hz / wall) * 100, ticks: t1 - t0, hz, wall };
  } finally {
    tmux('kill-server');
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
      note: `${r.ticks} ticks of 1/${r.hz} s in ${r.wall.toFixed(1)} s idle at the prompt (tmux 120x40)`,
    };
  },
};
