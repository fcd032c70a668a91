// top -b: xentop's batch mode (tools/xenstat/xentop/xentop.c): no summary lines, the header and one row
// per domain each iteration, all 19 columns at their widths, sorted by name (compare_name, strcasecmp)
// unless -z puts Domain-0 first. The model has no vifs or vbds, so NETS..VBD_WSECT are 0 (and -n, -x
// add nothing); no security policy is modelled, so SSID is 0.
//
// Virtual time moves only with `run`, so `-d S` (the delay between iterations) runs S virtual seconds
// between them, as `run S` does; the last iteration is not followed by a delay (xentop breaks before
// sleeping). CPU(%) is 0.0 on the first iteration, as xentop has no previous sample then.

import { DOM0, isHeld, isZombie, pagesOf, type Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { flag, option } from './args.js';
import { cFixedW } from './cfmt.js';
import { int } from './kinds.js';
import { command, type AnyCommand } from './types.js';

/** xentop's fields[]: header and default width, in order. */
const FIELDS: readonly [string, number][] = [
  ['NAME', 10],
  ['STATE', 6],
  ['CPU(sec)', 10],
  ['CPU(%)', 6],
  ['MEM(k)', 10],
  ['MEM(%)', 6],
  ['MAXMEM(k)', 10],
  ['MAXMEM(%)', 9],
  ['VCPUS', 5],
  ['NETS', 4],
  ['NETTX(k)', 8],
  ['NETRX(k)', 8],
  ['VBDS', 4],
  ['VBD_OO', 8],
  ['VBD_RD', 8],
  ['VBD_WR', 8],
  ['VBD_RSECT', 10],
  ['VBD_WSECT', 10],
  ['SSID', 4],
];

/** The header as do_header prints it, NAME at `nameWidth` (wider with -f). */
export function topHeader(nameWidth = 10): string {
  return FIELDS.map(([h, w], i) => h.padStart(i === 0 ? nameWidth : w)).join(' ');
}

/** xentop's state letters in state_funcs' order: d s b c p r (xenstat: shutdown excludes crashed). */
function xentopState(hv: Engine, d: Domain): string {
  const zombie = isZombie(d);
  // xenstat: shutdown and crashed exclude each other; b is independent of p (a paused idle domain is --bp--).
  const crashed = zombie && d.shutdown!.reason === 'crash';
  const s = zombie && !crashed ? 's' : '-';
  const b = !zombie && hv.sched.blocked(d) ? 'b' : '-';
  const c = crashed ? 'c' : '-';
  const p = isHeld(d) ? 'p' : '-';
  const r = !zombie && !isHeld(d) && hv.sched.running(d) ? 'r' : '-';
  return `-${s}${b}${c}${p}${r}`;
}

export interface TopRow {
  name: string;
  domid: number;
  state: string;
  cpu_s: number;
  cpu_pct: number;
  mem_k: number;
  mem_pct: number;
  /** null: no limit (Domain-0). */
  maxmem_k: number | null;
  maxmem_pct: number | null;
  vcpus: number;
  /** Each online vCPU's CPU seconds (-v). */
  vcpu_s: number[];
}

/** The pages a domain holds now, KiB (tot_pages x 4): what xentop's MEM(k) shows (not the configured MiB). */
function memKiB(d: Domain): number {
  return d.domid === DOM0 ? d.memMiB * 1024 : pagesOf(d) * 4;
}

/** A domain's vCPU times: live vCPUs, or a shut-down domain's as they were. */
function vcpuNs(hv: Engine, d: Domain): number[] {
  if (isZombie(d)) return hv.sched.exitedVcpus(d).map((x) => x.cpuNs);
  return hv.sched.vcpusOf(d).map((v) => v.cpuNs);
}

/** One sample: each domain's row; CPU(%) from the CPU each used since `prev` over `elapsedNs` (0: first). */
function sample(hv: Engine, prev: Map<number, number> | null, elapsedNs: number): TopRow[] {
  const totalK = hv.host.memory * 1024;
  return hv.list().map((d) => {
    const cpuNs = hv.sched.cpuTimeNs(d);
    const before = prev?.get(d.domid);
    // get_cpu_pct: ((cpu_ns - old cpu_ns) / 10.0) / us_elapsed; 0.0 without a previous sample.
    const pct = before === undefined || elapsedNs <= 0 ? 0 : (cpuNs - before) / 10 / (elapsedNs / 1000);
    const memK = memKiB(d);
    const maxK = d.domid === DOM0 ? null : d.memMiB * 1024;
    return {
      name: d.name,
      domid: d.domid,
      state: xentopState(hv, d),
      cpu_s: Math.floor(cpuNs / 1e9),
      cpu_pct: pct,
      mem_k: memK,
      mem_pct: (memK / totalK) * 100,
      maxmem_k: maxK,
      maxmem_pct: maxK === null ? null : (maxK / totalK) * 100,
      vcpus: d.vcpus,
      vcpu_s: vcpuNs(hv, d).map((ns) => Math.floor(ns / 1e9)),
    };
  });
}

/** strcasecmp of two names (ASCII letters folded). */
function caseCompare(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rows in xentop's order: by name, or with Domain-0 first (-z) and the rest by name. */
function ordered(rows: TopRow[], dom0First: boolean): TopRow[] {
  const byName = [...rows].sort((a, b) => caseCompare(a.name, b.name));
  if (!dom0First) return byName;
  return [...byName.filter((r) => r.domid === DOM0), ...byName.filter((r) => r.domid !== DOM0)];
}

/** do_domain: every field at its width, one space between. */
function rowLine(r: TopRow, nameWidth: number, full: boolean): string {
  const name = full ? r.name.padStart(nameWidth) : r.name.slice(0, 10).padStart(10);
  const cells = [
    name,
    r.state,
    String(r.cpu_s).padStart(10),
    cFixedW(r.cpu_pct, 6, 1),
    String(r.mem_k).padStart(10),
    cFixedW(r.mem_pct, 6, 1),
    r.maxmem_k === null ? 'no limit'.padStart(10) : String(r.maxmem_k).padStart(10),
    r.maxmem_pct === null ? 'n/a'.padStart(9) : cFixedW(r.maxmem_pct, 9, 1),
    String(r.vcpus).padStart(5),
    // NETS NETTX(k) NETRX(k) VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT SSID: no vifs, vbds or policy.
    ...FIELDS.slice(9).map(([, w]) => '0'.padStart(w)),
  ];
  return cells.join(' ');
}

/** do_vcpu: "VCPUs(sec): " then " %2u: %10llus" per online vCPU, a new line of 8 spaces every 5. */
function vcpuLine(r: TopRow): string {
  let t = 'VCPUs(sec): ';
  r.vcpu_s.forEach((s, i) => {
    if (i !== 0 && i % 5 === 0) t += '\n        ';
    t += ` ${String(i).padStart(2)}: ${String(s).padStart(10)}s`;
  });
  return t;
}

interface TopOptions {
  iterations: number;
  delayS: number;
  repeatHeader: boolean;
  vcpus: boolean;
  full: boolean;
  dom0First: boolean;
}

/** One iteration's text: the header (once, or before every domain with -r), rows, and -v's vCPU lines. */
function screen(rows: TopRow[], o: TopOptions): string {
  const nameWidth = o.full ? Math.max(10, ...rows.map((r) => r.name.length)) : 10;
  const lines: string[] = [];
  ordered(rows, o.dom0First).forEach((r, i) => {
    if (i === 0 || o.repeatHeader) lines.push(topHeader(nameWidth));
    lines.push(rowLine(r, nameWidth, o.full));
    if (o.vcpus) lines.push(vcpuLine(r));
  });
  return lines.join('\n');
}

function batch(hv: Engine, o: TopOptions) {
  if (o.iterations > 1 && o.delayS * (o.iterations - 1) > 24 * 3600)
    fail('EINVAL', 'top may run at most 24h of virtual time');
  const screens: TopRow[][] = [];
  let prev: Map<number, number> | null = null;
  let elapsed = 0;
  for (let i = 0; i < o.iterations; i++) {
    if (i > 0) {
      prev = new Map(hv.list().map((d) => [d.domid, hv.sched.cpuTimeNs(d)]));
      const start = hv.nowNs;
      hv.sched.run(o.delayS * 1e9);
      elapsed = hv.nowNs - start;
    }
    screens.push(sample(hv, prev, elapsed));
  }
  return {
    text: screens.map((rows) => screen(rows, o)).join('\n'),
    data: { iterations: o.iterations, delay_s: o.delayS, now_ns: hv.nowNs, screens },
  };
}

export const top = command({
  name: 'top',
  family: 'inspect',
  summary: 'Monitor a host and the domains in real time',
  xl: true,
  usage: '[-b] [-i ITERATIONS] [-d SECONDS] [-n] [-x] [-r] [-v] [-f] [-z]',
  help: "xentop's options. In the console, top without -b opens the full-screen dashboard; q returns. Examples: top -b; top -bi3 -d 10; top -b -f -z.",
  differs:
    'Batch mode runs ITERATIONS screens (default 1, where xentop runs until interrupted), and -d runs that many virtual seconds between them. The model has no vifs or vbds (those columns are 0; -n and -x add no lines) and no security policy (SSID 0).',
  args: {},
  options: {
    batch: flag('output in batch mode, no user input accepted (the only mode outside the console)', 'b'),
    iterations: option(int(1, 100, 'iterations'), 'number of iterations before exiting (default 1, at most 100)', 'i'),
    delay: option(int(1, 3600, 'delay'), 'seconds between updates (default 3): virtual seconds run in between', 'd'),
    networks: flag('output vif network data (the model has no vifs)', 'n'),
    vbds: flag('output vbd block device data (the model has no vbds)', 'x'),
    'repeat-header': flag('repeat table header before each domain', 'r'),
    vcpus: flag('output vcpu data', 'v'),
    'full-name': flag('output the full domain name (not truncated)', 'f'),
    'dom0-first': flag('display dom0 first (ignore sorting)', 'z'),
  },
  run(ctx, _a, o) {
    const screens = () =>
      batch(ctx.hv, {
        iterations: o.iterations ?? 1,
        delayS: o.delay ?? 3,
        repeatHeader: o['repeat-header'],
        vcpus: o.vcpus,
        full: o['full-name'],
        dom0First: o['dom0-first'],
      });
    return o.batch ? screens() : { effect: { kind: 'dashboard' }, otherwise: screens };
  },
});

export const TOP: AnyCommand[] = [top];
