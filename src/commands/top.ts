// top -b: xentop's batch format (xen-reference.md), with the numbers from the scheduler.
//
// Decision: virtual time moves only with `run`, so in batch mode `-d S` (the delay between iterations)
// advances virtual time by S seconds between iterations, exactly as `run S` does; `top -b -n 1` (the
// default) moves nothing. The first iteration's CPU(%) covers the last `run` (0.0 before any), the
// later ones cover their delay. The full-screen dashboard is the console's; here `top` prints batch.

import { DOM0, isHeld, isZombie, type Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { hostMemory } from '../engine/mm/access.js';
import { flag, option } from './args.js';
import { int } from './kinds.js';
import { fixed1, memMiB, right, uptime } from './format.js';
import { command, type AnyCommand } from './types.js';

/** The paper's testbed: a Xeon E5-2640 at 2.5 GHz (kylinx-reference.md). */
const CPU_MHZ = 2500;

export const TOP_HEADER = `${right('NAME', 10)} ${right('STATE', 6)} ${right('CPU(sec)', 10)} ${right('CPU(%)', 6)} ${right('MEM(k)', 10)} ${right('MEM(%)', 6)} ${right('MAXMEM(k)', 10)} ${right('MAXMEM(%)', 9)} ${right('VCPUS', 5)}`;

/** xentop's six state flags in its order: d s b c p r. */
function xentopState(hv: Engine, d: Domain): string {
  const zombie = isZombie(d);
  const crashed = zombie && d.shutdown!.reason === 'crash';
  const s = zombie && !crashed ? 's' : '-';
  const b = !zombie && !d.paused && hv.sched.blocked(d) ? 'b' : '-';
  const c = crashed ? 'c' : '-';
  const p = isHeld(d) ? 'p' : '-';
  const r = !zombie && !d.paused && hv.sched.running(d) ? 'r' : '-';
  return `-${s}${b}${c}${p}${r}`;
}

interface TopRow {
  name: string;
  domid: number;
  state: string;
  cpu_s: number;
  cpu_pct: number;
  mem_k: number;
  mem_pct: number;
  maxmem_k: number;
  maxmem_pct: number;
  vcpus: number;
}

/** One xentop screen; CPU(%) over `cpuNs` per domid and `intervalNs` (0: no interval yet). */
function sample(hv: Engine, cpuNs: Record<number, number>, intervalNs: number): { text: string; rows: TopRow[] } {
  const m = hostMemory(hv);
  const doms = hv.list();
  const count = (f: (d: Domain) => boolean): number => doms.filter(f).length;
  const rows: TopRow[] = doms.map((d) => {
    const memK = d.domid === DOM0 ? d.memMiB * 1024 : memMiB(d) * 1024;
    const maxK = d.memMiB * 1024;
    return {
      name: d.name,
      domid: d.domid,
      state: xentopState(hv, d),
      cpu_s: Math.floor(hv.sched.cpuTimeNs(d) / 1e9),
      cpu_pct: intervalNs > 0 ? Math.round(((cpuNs[d.domid] ?? 0) / intervalNs) * 1000) / 10 : 0,
      mem_k: memK,
      mem_pct: Math.round((memK / m.total_kib) * 1000) / 10,
      maxmem_k: maxK,
      maxmem_pct: Math.round((maxK / m.total_kib) * 1000) / 10,
      vcpus: d.vcpus,
    };
  });
  const lines = [
    `xentop - ${uptime(hv.nowNs).trim()}   Xen 4.11 (kylinx-sh model)`,
    `${doms.length} domains: ${count((d) => !isZombie(d) && !d.paused && hv.sched.running(d))} running, ${count((d) => !isZombie(d) && !d.paused && hv.sched.blocked(d))} blocked, ${count(isHeld)} paused, ${count((d) => isZombie(d) && d.shutdown!.reason === 'crash')} crashed, 0 dying, ${count((d) => isZombie(d) && d.shutdown!.reason !== 'crash')} shutdown `,
    `Mem: ${m.total_kib}k total, ${m.total_kib - m.free_kib}k used, ${m.free_kib}k free    CPUs: ${hv.host.pcpus} @ ${CPU_MHZ}MHz`,
    TOP_HEADER,
    ...rows.map(
      (r) =>
        `${right(r.name, 10)} ${right(r.state, 6)} ${right(r.cpu_s, 10)} ${fixed1(r.cpu_pct, 6)} ${right(r.mem_k, 10)} ${fixed1(r.mem_pct, 6)} ${right(r.maxmem_k, 10)} ${fixed1(r.maxmem_pct, 9)} ${right(r.vcpus, 5)}`,
    ),
  ];
  return { text: lines.join('\n'), rows };
}

/** xentop's batch screens: `n` of them, `delayS` virtual seconds run between them. */
function batch(hv: Engine, n: number, delayS: number) {
  if (n > 1 && delayS * (n - 1) > 24 * 3600) fail('EINVAL', 'top may run at most 24h of virtual time');
  const sched = hv.sched;
  const last = sched.last;
  const screens = [];
  let cur = sample(hv, last?.cpuNs ?? {}, last ? last.endNs - last.startNs : 0);
  screens.push(cur);
  for (let i = 1; i < n; i++) {
    const r = sched.run(delayS * 1e9);
    const cpuNs: Record<number, number> = {};
    for (const p of r.pvms) cpuNs[p.domid] = p.cpu_ns;
    cur = sample(hv, cpuNs, r.duration_ns);
    screens.push(cur);
  }
  return {
    text: screens.map((s) => s.text).join('\n'),
    data: { iterations: n, delay_s: delayS, now_ns: hv.nowNs, screens: screens.map((s) => s.rows) },
  };
}

export const top = command({
  name: 'top',
  family: 'inspect',
  summary: "Domains' CPU and memory in xentop's batch format; -d advances virtual time between iterations",
  usage: '[-b] [-n iterations] [-d seconds]',
  help: 'In the console, top without -b opens the full-screen dashboard; q returns.',
  args: {},
  options: {
    batch: flag("xentop's batch mode (the only one outside the console)", 'b'),
    iterations: option(int(1, 100, 'iterations'), 'how many screens (default 1, at most 100)', 'n'),
    delay: option(int(1, 3600, 'delay'), 'virtual seconds between screens, run in between (default 3, as xentop)', 'd'),
  },
  run(ctx, _a, o) {
    const screens = () => batch(ctx.hv, o.iterations ?? 1, o.delay ?? 3);
    return o.batch ? screens() : { effect: { kind: 'dashboard' }, otherwise: screens };
  },
});

export const TOP: AnyCommand[] = [top];
