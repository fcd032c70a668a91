// Scheduler and time commands: run (advance virtual time), vcpu-list, vcpu-pin, sched-credit,
// sched-credit2 and uptime in xl's formats; and schedView, the data a console panel draws (pCPUs, run
// queues, CPU shares). Parameters and vCPU descriptions come through the scheduler interface
// (engine/sched/policy.ts), whichever policy the host runs.

import { DOM0, type Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import type { Scheduler } from '../engine/sched/scheduler.js';
import type { SchedParams } from '../engine/sched/policy.js';
import type { RunReport } from '../engine/sched/report.js';
import { flag, many, one, option, usageError } from './args.js';
import { duration, int, type Kind, pvm, word } from './kinds.js';
import { fixed1, latency, left, right, TextLines, uptime } from './format.js';
import { command, type AnyCommand, type Ctx } from './types.js';

/** The perf row sched_speedup's host: the default boot (web, redis, dns) forked to 100 pVMs. */
export const SPEEDUP_SETUP = 'fork web 32; fork redis 32; fork dns 33';

// ---- run -----------------------------------------------------------------------------------------

/** One run may cover a day of virtual time; run again to go further. */
export const RUN_MAX_NS = 24 * 3600e9;

/**
 * Runs longer than this (virtual) the console runs in steps that Ctrl-C can stop (a long-run effect);
 * elsewhere, and up to this, a run is one step and reports latency percentiles.
 */
export const LONG_RUN_NS = 60e9;

/** Seconds as "1h 2m 3.5s"-free plain text: 500 ms, 10 s, 1 h 30 min. */
export function durationText(ns: number): string {
  if (ns < 1e9) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns < 60e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (ns < 3600e9) return `${+(ns / 60e9).toFixed(3)} min`;
  return `${+(ns / 3600e9).toFixed(3)} h`;
}

/** Right-align every column but the first (names); a header row first. */
function columns(rows: string[][]): string {
  const w: number[] = [];
  for (const r of rows) r.forEach((c, i) => (w[i] = Math.max(w[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? left(c, w[0]!) : right(c, w[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function runText(r: RunReport): string {
  const rows: string[][] = [['Name', 'ID', 'CPU(s)', 'CPU%', 'Requests', 'Dropped', 'Median', 'p99', 'Written', 'CoW']];
  for (const p of r.pvms) {
    rows.push([
      p.name,
      String(p.domid),
      (p.cpu_ns / 1e9).toFixed(3),
      p.cpu_pct.toFixed(2),
      String(p.requests),
      String(p.dropped),
      p.median_us === null ? '-' : latency(p.median_us),
      p.p99_us === null ? '-' : latency(p.p99_us),
      String(p.pages_written),
      String(p.cow_breaks),
    ]);
  }
  const failed = r.pvms.filter((p) => p.failed > 0);
  const lines = [
    `ran ${durationText(r.duration_ns)} of virtual time (uptime ${uptime(r.start_ns).trim()} -> ${uptime(r.end_ns).trim()}); pCPUs busy ${r.pcpu_busy_pct.map((b) => `${b.toFixed(1)}%`).join(' ')}`,
    columns(rows),
    'CPU% is of one pCPU; Median and p99 are response latencies (arrival to end of the burst); Written: heap pages written, CoW: copy-on-write breaks',
  ];
  for (const p of failed)
    lines.push(
      `${p.name}: ${p.failed} request${p.failed === 1 ? '' : 's'} failed with ENOMEM (no free frame for a copy-on-write break)`,
    );
  return lines.join('\n');
}

/** Run virtual time for `ns` at once: the scheduler's report. */
function runWhole(ctx: Ctx, ns: number) {
  const r = ctx.hv.sched.run(ns);
  ctx.hv.apps.settle(); // BGSAVE children whose snapshot is written by now exit
  return { text: runText(r), data: { ...r, now_ns: ctx.hv.nowNs } };
}

export const run = command({
  name: 'run',
  family: 'scheduler',
  summary: 'Advance virtual time: vCPUs are scheduled, appliances serve requests and write memory',
  args: {
    duration: one(duration(RUN_MAX_NS, (w) => `run covers at most 24h at a time, not ${w} (run again to go further)`)),
  },
  help: 'Examples: run 500ms, run 10s, run 1h. Prints per pVM: CPU time and share of one pCPU, requests served and dropped, median and 99th-percentile response latency, heap pages written and copy-on-write breaks. Same seed, same commands: the same output.',
  run(ctx, a) {
    const ns = a.duration;
    if (ns > LONG_RUN_NS) return { effect: { kind: 'long-run', ns }, otherwise: () => runWhole(ctx, ns) };
    return runWhole(ctx, ns);
  },
});

// ---- vcpu-list -----------------------------------------------------------------------------------

/** A CPU set as xl prints it: all, none, or ranges like 0-3,6. */
export function cpuSetText(cpus: number[] | null, pcpus: number): string {
  if (cpus === null || cpus.length === pcpus) return 'all';
  if (cpus.length === 0) return 'none';
  const s = [...cpus].sort((x, y) => x - y);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Parse xl's CPU list: all, or comma-separated numbers and ranges (0-3,6); null means all. */
export function parseCpuSet(text: string, pcpus: number): number[] | null {
  if (text === 'all') return null;
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    if (!m) fail('EINVAL', `'${text}' is not a CPU list (examples: all, 2, 0-3, 0,2-4)`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) fail('EINVAL', `CPU range ${part} is backwards (write ${hi}-${lo})`);
    if (hi >= pcpus) fail('EINVAL', `pCPU ${hi} does not exist (this host has pCPUs 0-${pcpus - 1})`);
    for (let c = lo; c <= hi; c++) set.add(c);
  }
  return set.size === pcpus ? null : [...set].sort((x, y) => x - y);
}

export const VCPU_HEADER = `${left('Name', 32)} ${right('ID', 5)} ${right('VCPU', 5)} ${right('CPU', 5)} ${right('State', 5)} ${right('Time(s)', 9)} Affinity (Hard / Soft)`;

const vcpuList = command({
  name: 'vcpu-list',
  family: 'inspect',
  summary: 'vCPUs of every domain (or of some): pCPU, state, CPU time, affinity (xl vcpu-list)',
  args: { pvm: many(pvm, { optional: true }) },
  run(ctx, a) {
    const hv = ctx.hv;
    const sched = hv.sched;
    const doms = a.pvm.length > 0 ? a.pvm : hv.list();
    const lines = new TextLines();
    lines.push(VCPU_HEADER);
    const vcpus = [];
    for (const d of doms) {
      for (const v of sched.vcpusOf(d)) {
        const r = v.state === 'running' ? 'r' : '-';
        const b = v.state === 'blocked' ? 'b' : '-';
        const hard = cpuSetText(v.affinity, hv.host.pcpus);
        lines.push(
          `${left(d.name, 32)} ${right(d.domid, 5)} ${right(v.id, 5)} ${right(v.cpu, 5)} ${right(r, 3)}${b}- ${fixed1(v.cpuNs / 1e9, 9)}  ${hard} / all`,
        );
        vcpus.push({
          name: d.name,
          domid: d.domid,
          vcpu: v.id,
          cpu: v.cpu,
          state: v.state,
          time_s: Math.round(v.cpuNs / 1e8) / 10,
          affinity_hard: hard,
          affinity_soft: 'all',
          ...sched.describe(v).fields,
        });
      }
    }
    return { text: lines.text(), data: { vcpus } };
  },
});

// ---- vcpu-pin ------------------------------------------------------------------------------------

/** A vCPU number, or all. */
const vcpuOrAll: Kind<number | 'all'> = {
  kind: 'word',
  parse: (w, ctx, what) => (w === 'all' ? 'all' : int(0).parse(w, ctx, what)),
};

const vcpuPin = command({
  name: 'vcpu-pin',
  family: 'scheduler',
  summary: "Set vCPUs' hard affinity: the pCPUs they may run on (xl vcpu-pin)",
  usage: '<pvm> <vcpu|all> <cpus|all>',
  args: { pvm: one(pvm), vcpu: one(vcpuOrAll), cpus: one(word) },
  help: 'Examples: vcpu-pin web 0 2, vcpu-pin web all 0-3,5, vcpu-pin web all all. A running vCPU on a pCPU it may no longer use moves at once.',
  run(ctx, a) {
    const hv = ctx.hv;
    const d = a.pvm;
    const sched = hv.sched;
    const vs = sched.vcpusOf(d);
    if (vs.length === 0) fail('ESRCH', `${d.name} has exited and has no vCPUs`);
    const vcpu = a.vcpu;
    if (vcpu !== 'all' && vcpu >= vs.length)
      fail('EINVAL', `${d.name} has no vCPU ${vcpu} (vCPUs ${vs.length === 1 ? '0' : `0-${vs.length - 1}`})`);
    const cpus = parseCpuSet(a.cpus, hv.host.pcpus);
    sched.pin(d, vcpu, cpus);
    const set = cpuSetText(cpus, hv.host.pcpus);
    return {
      text: `${d.name} vCPU ${vcpu === 'all' ? 'all' : vcpu}: hard affinity ${set}`,
      data: { name: d.name, domid: d.domid, vcpu, affinity_hard: set },
    };
  },
});

// ---- sched-credit, sched-credit2 -------------------------------------------------------------------

const SC_HEADER = `${left('Name', 33)} ${right('ID', 4)} ${right('Weight', 6)} ${right('Cap', 4)}`;

/** The commands that set each policy's parameters, for the hint when a pool runs another. */
const SCHED_COMMAND: Record<string, string> = { credit: 'sched-credit', credit2: 'sched-credit2' };

/**
 * The scheduler, if the host runs `want`. Otherwise fail as xl does when the pool runs another scheduler
 * (libxl_domain_sched_params_get's message), with the way out.
 */
function schedRunning(hv: Engine, want: string): Scheduler {
  const sched = hv.sched;
  const have = sched.policy.name;
  if (have === want) return sched;
  const other = SCHED_COMMAND[have];
  fail(
    'EINVAL',
    `libxl_domain_sched_params_get returned ${have} not ${want}: this host runs the ${have} scheduler (${other ? `use ${other}, or ` : ''}set sched = "${want}" in the host file)`,
  );
}

/** The parameters given, under the policy's names (weight, cap; tslice_ms, ratelimit_us, boost); the rest left out. */
function given(p: Record<string, number | undefined>): SchedParams {
  const out: SchedParams = {};
  for (const [name, v] of Object.entries(p)) if (v !== undefined) out[name] = v;
  return out;
}

function row(d: Domain, p: SchedParams): string {
  return `${left(d.name, 33)} ${right(d.domid, 4)} ${right(p.weight ?? 0, 6)} ${right(p.cap ?? 0, 4)}`;
}

/** Every domain's weight and cap under the pool line (xl's listing, the same for credit and credit2). */
function domainList(sched: Scheduler, hv: Engine, poolLine: string): { text: string; domains: object[] } {
  const lines = [poolLine, SC_HEADER];
  const domains = [];
  for (const d of hv.list()) {
    const p = sched.domainParams(d);
    if (!p) continue;
    lines.push(row(d, p));
    domains.push({ name: d.name, domid: d.domid, weight: p.weight, cap: p.cap });
  }
  return { text: lines.join('\n'), domains };
}

/** -d D [-w W] [-c C]: set what is given (the policy checks the ranges), then show the domain. */
function domainParams(sched: Scheduler, d: Domain, set: { weight?: number; cap?: number }) {
  sched.sdom(d); // an exited pVM is refused before its values are checked (ESRCH first, as before)
  sched.adjustDomain(d, given({ weight: set.weight, cap: set.cap }));
  const p = sched.domainParams(d)!;
  return {
    text: `${SC_HEADER}\n${row(d, p)}`,
    data: { name: d.name, domid: d.domid, weight: p.weight, cap: p.cap },
  };
}

function creditPoolLine(hv: Engine): string {
  const g = hv.sched.globalParams();
  // BOOST off is a model switch (sched-credit -s -b 0), not part of xl's line: named only when off.
  return `Cpupool Pool-0: tslice=${g.tslice_ms}ms ratelimit=${g.ratelimit_us}us migration-delay=0us${g.boost === 0 ? ' (BOOST off)' : ''}`;
}

const schedCredit = command({
  name: 'sched-credit',
  family: 'scheduler',
  summary:
    "Get or set credit scheduler parameters: a domain's weight and cap, or the timeslice and rate limit (xl sched-credit)",
  usage: '[-d <pvm> [-w weight] [-c cap]] [-s [-t tslice_ms] [-r ratelimit_us] [-b 0|1]]',
  args: {},
  // The ranges are checked by the policy with xl's own messages (xl sched-credit fails with status 1).
  options: {
    domain: option(pvm, 'the domain to show or change', 'd'),
    weight: option(int(), 'relative share when contended, 1-65535 (default 256)', 'w'),
    cap: option(int(), '% of one pCPU at most, 0 = no cap (0 to vCPUs x 100)', 'c'),
    schedparam: flag('show or set the scheduler-wide parameters', 's'),
    tslice_ms: option(int(), 'timeslice, ms (1-1000; default 30)', 't'),
    ratelimit_us: option(int(), 'rate limit, µs (0 = off, or 100-500000; default 1000)', 'r'),
    boost: option(int(), 'BOOST on wake-up: 1 as in Xen (default), 0 off (a model switch, for comparisons)', 'b'),
  },
  help: "Without options: every domain's weight and cap. Examples: sched-credit -d web -w 512; sched-credit -d web -c 50; sched-credit -s -t 10; sched-credit -s -b 0 (BOOST off, to compare).",
  run(ctx, _a, o) {
    const hv = ctx.hv;
    const sched = schedRunning(hv, 'credit');
    if (o.schedparam) {
      if (o.domain !== undefined || o.weight !== undefined || o.cap !== undefined)
        usageError(schedCredit, 'cannot specify -s with -d, -w or -c');
      sched.adjustGlobal(given({ tslice_ms: o.tslice_ms, ratelimit_us: o.ratelimit_us, boost: o.boost }));
      const g = sched.globalParams();
      return {
        text: creditPoolLine(hv),
        data: {
          pool: 'Pool-0',
          tslice_ms: g.tslice_ms,
          ratelimit_us: g.ratelimit_us,
          migration_delay_us: 0,
          boost: g.boost === 1,
        },
      };
    }
    if (o.tslice_ms !== undefined || o.ratelimit_us !== undefined || o.boost !== undefined)
      usageError(schedCredit, '-t, -r and -b need -s');
    if (o.domain !== undefined) return domainParams(sched, o.domain, o);
    if (o.weight !== undefined || o.cap !== undefined)
      usageError(schedCredit, 'Must specify a domain (-d) with -w or -c');
    const g = sched.globalParams();
    const { text, domains } = domainList(sched, hv, creditPoolLine(hv));
    return { text, data: { pool: 'Pool-0', tslice_ms: g.tslice_ms, ratelimit_us: g.ratelimit_us, domains } };
  },
});

function credit2PoolLine(hv: Engine): string {
  return `Cpupool Pool-0: ratelimit=${hv.sched.globalParams().ratelimit_us}us`;
}

const schedCredit2 = command({
  name: 'sched-credit2',
  family: 'scheduler',
  summary: "Get or set credit2 scheduler parameters: a domain's weight and cap, or the rate limit (xl sched-credit2)",
  usage: '[-d <pvm> [-w weight] [-c cap]] [-s [-r ratelimit_us]] [-p Pool-0]',
  args: {},
  // As sched-credit: the ranges are the policy's to check, with xl's messages (status 1).
  options: {
    domain: option(pvm, 'the domain to show or change', 'd'),
    weight: option(int(), 'credit burns at max weight / weight: the share when contended, 1-65535 (default 256)', 'w'),
    cap: option(int(), '% of one pCPU at most, as a budget per 10 ms, 0 = no cap', 'c'),
    schedparam: flag('show or set the scheduler-wide parameters', 's'),
    ratelimit_us: option(int(), 'rate limit, µs (0 = off, or 100-500000; default 1000)', 'r'),
    cpupool: option(word, 'the cpupool (this host has one: Pool-0)', 'p'),
  },
  help: 'Only on a host with sched = "credit2" (as Xen\'s sched= boot option). Without options: every domain\'s weight and cap. Examples: sched-credit2 -d web -w 512; sched-credit2 -d web -c 50; sched-credit2 -s -r 500.',
  run(ctx, _a, o) {
    const hv = ctx.hv;
    if (o.cpupool !== undefined && (o.domain !== undefined || o.weight !== undefined || o.cap !== undefined))
      usageError(schedCredit2, 'Specifying a cpupool is not allowed with other options.');
    if (o.schedparam && (o.domain !== undefined || o.weight !== undefined || o.cap !== undefined))
      usageError(schedCredit2, 'cannot specify -s with -d, -w or -c');
    if (!o.schedparam && o.ratelimit_us !== undefined) usageError(schedCredit2, '-r needs -s');
    if (o.domain === undefined && (o.weight !== undefined || o.cap !== undefined))
      usageError(schedCredit2, 'Must specify a domain (-d) with -w or -c');
    if (o.cpupool !== undefined && o.cpupool !== 'Pool-0') fail('ENOENT', `unknown cpupool '${o.cpupool}'`);
    const sched = schedRunning(hv, 'credit2');
    if (o.schedparam) {
      sched.adjustGlobal(given({ ratelimit_us: o.ratelimit_us }));
      const g = sched.globalParams();
      return { text: credit2PoolLine(hv), data: { pool: 'Pool-0', ratelimit_us: g.ratelimit_us } };
    }
    if (o.domain !== undefined) return domainParams(sched, o.domain, o);
    const { text, domains } = domainList(sched, hv, credit2PoolLine(hv));
    return { text, data: { pool: 'Pool-0', ratelimit_us: sched.globalParams().ratelimit_us, domains } };
  },
});

// ---- uptime --------------------------------------------------------------------------------------

const uptimeCmd = command({
  name: 'uptime',
  family: 'inspect',
  summary: 'How long each domain has been up, in virtual time (xl uptime)',
  args: { pvm: many(pvm, { optional: true }) },
  run(ctx, a) {
    const hv = ctx.hv;
    const doms = a.pvm.length > 0 ? a.pvm : hv.list();
    const lines = new TextLines();
    lines.push(`${left('Name', 33)} ${right('ID', 4)} Uptime`);
    const domains = [];
    for (const d of doms) {
      const up = hv.nowNs - (d.domid === DOM0 ? 0 : d.createdNs);
      lines.push(`${left(d.name, 33)} ${right(d.domid, 4)} ${uptime(up)}`);
      domains.push({ name: d.name, domid: d.domid, uptime_s: Math.floor(up / 1e9) });
    }
    return { text: lines.text(), data: { now_ns: hv.nowNs, domains } };
  },
});

// ---- the console's scheduler panel (data only; the console draws it) ------------------------------

export interface PanelVcpu {
  name: string;
  domid: number;
  vcpu: number;
  /** The policy's short description of the vCPU (credit1: its priority, BOOST, UNDER or OVER). */
  label: string;
}

export interface SchedPanel {
  now_ns: number;
  /** The policy the host runs (credit, credit2). */
  scheduler: string;
  /** The interval the shares cover: the last `run`, or null before any. */
  interval: { start_ns: number; end_ns: number } | null;
  pcpus: { cpu: number; running: PanelVcpu | null; runq: PanelVcpu[]; runq_len: number; busy_pct: number | null }[];
  /** CPU per domain over the interval, % of one pCPU, highest first. */
  shares: { name: string; domid: number; cpu_pct: number }[];
}

/** What a scheduler panel shows: each pCPU with what runs on it and its queue, and CPU shares. Pure. */
export function schedView(hv: Engine): SchedPanel {
  const sched = hv.sched;
  const s = sched.s;
  const who = (uid: number): PanelVcpu => {
    const v = s.vcpus.get(uid)!;
    return {
      name: hv.domains.get(v.domid)?.name ?? `domid ${v.domid}`,
      domid: v.domid,
      vcpu: v.id,
      label: sched.describe(v).label,
    };
  };
  const last = sched.last;
  const dur = last ? last.endNs - last.startNs : 0;
  const shares = last
    ? Object.entries(last.cpuNs)
        .filter(([id]) => hv.domains.has(Number(id)))
        .map(([id, ns]) => ({
          name: hv.domains.get(Number(id))!.name,
          domid: Number(id),
          cpu_pct: Math.round((ns / dur) * 10000) / 100,
        }))
        .sort((x, y) => y.cpu_pct - x.cpu_pct || x.domid - y.domid)
    : [];
  return {
    now_ns: hv.nowNs,
    scheduler: sched.policy.name,
    interval: last ? { start_ns: last.startNs, end_ns: last.endNs } : null,
    pcpus: s.pcpus.map((p, i) => {
      const q = sched.queued(p.id);
      return {
        cpu: p.id,
        running: p.curr >= 0 ? who(p.curr) : null,
        runq: q.map(who),
        runq_len: q.length,
        busy_pct: last ? Math.round((last.busyNs[i]! / dur) * 10000) / 100 : null,
      };
    }),
    shares,
  };
}

export const SCHED: AnyCommand[] = [run, vcpuList, vcpuPin, schedCredit, schedCredit2, uptimeCmd];
