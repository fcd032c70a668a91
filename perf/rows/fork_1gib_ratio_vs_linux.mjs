// Engine fork of a 1 GiB pVM (262,144 pages) over Linux's fork() of a process with 1 GiB touched,
// both measured in this run on this machine (DESIGN §6). The C baseline is built with the machine's cc.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, median, round } from '../lib.mjs';

/** Build perf/helpers/<name>.c with the C compiler `compiler` (default cc): {path} or {error}. */
export function buildHelper(name, compiler = 'cc') {
  const out = join(ROOT, 'perf', '.build', name);
  mkdirSync(join(ROOT, 'perf', '.build'), { recursive: true });
  const cc = spawnSync(compiler, ['-O2', '-o', out, join(ROOT, 'perf', 'helpers', `${name}.c`)], {
    encoding: 'utf8',
  });
  if (cc.error || cc.status !== 0)
    return {
      error: cc.error
        ? `no C compiler (${compiler}): ${cc.error.message}; install one (apt-get install gcc) to measure this row`
        : `${compiler} failed: ${cc.stderr}`,
    };
  return { path: out };
}

/** Median engine fork time (µs) of one pVM of `mib` MiB. */
export async function engineForkUs(mib, runs = 21) {
  const { newEngine } = await import(join(ROOT, 'dist', 'engine', 'index.js'));
  const { create, fork, destroy } = await import(join(ROOT, 'dist', 'engine', 'lifecycle.js'));
  const hv = newEngine({ boot: [], memory: mib + 2048 });
  const img = {
    name: 'big',
    description: '',
    memory: mib,
    vcpus: 1,
    text_kb: 1024,
    data_kb: 256,
    bss_kb: 256,
    stack_kb: 64,
    heap_kb: mib * 1024 - 1600,
    raw: {},
  };
  const parent = create(hv, img).domain;
  const xs = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const f = fork(hv, parent, 1);
    const t1 = process.hrtime.bigint();
    destroy(hv, f.children[0].domain);
    hv.drainEvents();
    if (i >= 3) xs.push(Number(t1 - t0) / 1e3);
  }
  return median(xs);
}

export default {
  name: 'fork_1gib_ratio_vs_linux',
  unit: 'x Linux fork()',
  // Linux's fork() is timed by a tiny C program built here: without cc the row is not measured.
  needs: ['cc'],
  budget: 0.1,
  compare: '<=',
  async measure() {
    const h = buildHelper('linux_fork');
    if (h.error) return { value: null, note: `cannot measure Linux's fork here: ${h.error}` };
    const linuxUs = Number(execFileSync(h.path, ['1024', '9'], { encoding: 'utf8' }).trim());
    const engUs = await engineForkUs(1024);
    return {
      value: round(engUs / linuxUs, 4),
      note: `engine ${engUs.toFixed(1)} µs, Linux fork() of 1 GiB touched ${linuxUs.toFixed(0)} µs`,
    };
  },
};
