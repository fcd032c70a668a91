// Commands per second of the built binary running a 100,000-line script (budget 20,000): `kylinx-sh FILE`
// as a user runs it, wall time of the whole process (startup included), output to /dev/null. The script
// is generated here, deterministically, and is valid end to end (exit status 0, nothing on stderr): each
// round forks two children of web, has one write memory (copy-on-write breaks), pipes data from one to
// the other, passes a System V message, signals its sibling from inside the family and is killed by
// Domain-0, and web reaps both. CPU time (user + sys, as the process reports it at exit) is reported beside wall time:
// on a loaded machine the wall time is what the process was given, not what it needed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, median, round } from '../lib.mjs';

/** One round of commands; k numbers the round (children web.2k+1 and web.2k+2, pipe k+1). */
function scriptRound(k) {
  const a = `web.${2 * k + 1}`;
  const b = `web.${2 * k + 2}`;
  const pipe = k + 1;
  return [
    'fork web 2',
    `touch ${a} heap ${1 + (k % 8)}`,
    `pipe ${a} ${b}`,
    `write ${pipe} hello`,
    `read ${pipe}`,
    `msgsnd ${a} 1 ${1 + (k % 3)} hi`,
    `msgrcv ${b} 1`,
    `kill -USR1 ${b} --from ${a}`,
    `kill ${a}`,
    'wait web',
    'wait web',
  ];
}

/** A script of exactly `lines` commands on the default host (web, redis, dns booted). */
export function makeScript(lines) {
  const out = ['msgget web 42 --create'];
  for (let k = 0; ; k++) {
    const r = scriptRound(k);
    if (out.length + r.length > lines) break;
    out.push(...r);
  }
  // Fill up with writes in place (web's own heap, no sharing left to break).
  for (let i = 0; out.length < lines; i++) out.push(`touch web heap 1 --offset ${i % 64}`);
  return out.join('\n') + '\n';
}

/** Run the binary on a script of `lines` lines once: wall and CPU seconds. */
export function runScript(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'kylinx-perf-'));
  try {
    const file = join(dir, 'script.kx');
    writeFileSync(file, makeScript(lines));
    // The binary reports its own CPU time as it exits (perf/cpu-at-exit.mjs); the output goes nowhere.
    const cpuFile = join(dir, 'cpu');
    const t0 = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(join(ROOT, 'perf', 'cpu-at-exit.mjs')).href, BIN, file],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, KYLINX_PERF_CPU_FILE: cpuFile },
      },
    );
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw new Error(`cannot run the binary: ${r.error.message}`);
    if (r.status !== 0 || r.stderr !== '')
      throw new Error(`the script failed (exit ${r.status}): ${r.stderr.split('\n')[0]}`);
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split(' ').map(Number);
    return { lines, wallS: wall, cpuS: user + sys };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default {
  name: 'script_cmds_per_s',
  unit: 'commands/s',
  budget: 20000,
  compare: '>=',
  async measure() {
    const runs = [runScript(100_000), runScript(100_000), runScript(100_000)];
    const wall = median(runs.map((r) => r.wallS));
    const cpu = median(runs.map((r) => r.cpuS));
    return {
      value: round(100_000 / wall, 0),
      note: `100,000 commands in ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (${round(100_000 / cpu, 0)} commands/s on CPU time), medians of 3 runs of the whole process`,
    };
  },
};
