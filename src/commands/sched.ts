// Scheduler and time commands: run (advance virtual time), vcpu-list, vcpu-pin, sched-credit,
// sched-credit2 and uptime in xl's formats; and schedView, the data a console panel draws (pCPUs, run
// queues, CPU shares). Parameters and vCPU descriptions come through the scheduler interface
// (engine/sched/policy.ts), whichever policy the host runs.

import { DOM0, isZombie, type Domain } from '../engine/domain.js';
import { EngineError, fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import type { Scheduler } from '../engine/sched/scheduler.js';
import type { SchedParams } from '../engine/sched/policy.js';
import type { RunReport } from '../engine/sched/report.js';
import { flag, many, maybe, one, option } from './args.js';
import { xlSeconds } from './cfmt.js';
import { duration, int, type Kind, pvm, word } from './kinds.js';
import { fixed1, latency, left, right, TextLines, upSeconds, uptime } from './format.js';
import { POOL_NAME } from './xl-domain.js';
import { cpuSetText, parseCpuSet } from '../engine/sched/cpulist.js';
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
    `ran ${durationText(r.duration_ns)} of virtual time (uptime ${uptime(r.start_ns / 1e9).trim()} -> ${uptime(r.end_ns / 1e9).trim()}); pCPUs busy ${r.pcpu_busy_pct.map((b) => `${b.toFixed(1)}%`).join(' ')}`,
    columns(rows),
    "CPU% is of one pCPU; Domain-0's is netback carrying the requests' packets. Median and p99 are response latencies",
    '(from arrival, netback carrying the request in included, to the end of the burst); Written: heap pages written, CoW: copy-on-write breaks',
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
  help: "Examples: run 500ms, run 10s, run 1h. Prints per pVM: CPU time and share of one pCPU, requests served and dropped, median and 99th-percentile response latency, heap pages written and copy-on-write breaks. A request's packets pass through netback on a Domain-0 vCPU, scheduled like the pVMs' (Domain-0's CPU is that work), and a request to a blocked pVM waits for netback to carry it in. Same seed, same commands: the same output.",
  run(ctx, a) {
    const ns = a.duration;
    if (ns > LONG_RUN_NS) return { effect: { kind: 'long-run', ns }, otherwise: () => runWhole(ctx, ns) };
    return runWhole(ctx, ns);
  },
});

// ---- vcpu-list -----------------------------------------------------------------------------------

export { cpuSetText, parseCpuSet } from '../engine/sched/cpulist.js';

export const VCPU_HEADER = `${left('Name', 32)} ${right('ID', 5)} ${right('VCPU', 5)} ${right('CPU', 5)} ${right('State', 5)} ${right('Time(s)', 9)} Affinity (Hard / Soft)`;

interface VcpuRow {
  id: number;
  /** Taken down by vcpu-set (printed "    -   --p "). */
  down: boolean;
  cpu: number;
  running: boolean;
  blocked: boolean;
  cpuNs: number;
  hard: string;
  soft: string;
}

/**
 * print_vcpuinfo: "%-32s %5u %5u" then, with no space before it, "%5u %3c%c- " (pCPU, r, b), "%9.1f  "
 * of (float)ns / 1e9, and the hard and soft affinity.
 */
function vcpuLine(d: Domain, v: VcpuRow): string {
  const r = v.running ? 'r' : '-';
  const b = v.blocked ? 'b' : '-';
  // An offline vCPU: "%5c %3c%cp " with '-' for the pCPU and both letters.
  const cpuState = v.down ? `${right('-', 5)} ${right('-', 3)}-p ` : `${right(v.cpu, 5)} ${right(r, 3)}${b}- `;
  return `${left(d.name, 32)} ${right(d.domid, 5)} ${right(v.id, 5)}${cpuState}${fixed1(xlSeconds(v.cpuNs), 9)}  ${v.hard} / ${v.soft}`;
}

/** A domain's vCPUs as vcpu-list shows them: a shut-down domain's stay, neither running nor blocked. */
function vcpuRows(hv: Engine, d: Domain): VcpuRow[] {
  const sched = hv.sched;
  const n = hv.host.pcpus;
  if (isZombie(d))
    return sched.exitedVcpus(d).map((x) => ({
      id: x.id,
      down: false,
      cpu: x.cpu,
      running: false,
      blocked: false,
      cpuNs: x.cpuNs,
      hard: cpuSetText(x.affinity, n),
      soft: cpuSetText(x.soft, n),
    }));
  return sched.vcpusOf(d).map((v) => ({
    id: v.id,
    down: v.down,
    cpu: v.cpu,
    running: v.state === 'running',
    blocked: sched.vcpuBlocked(v),
    cpuNs: v.cpuNs,
    hard: cpuSetText(v.affinity, n),
    soft: cpuSetText(v.soft, n),
  }));
}

const vcpuList = command({
  name: 'vcpu-list',
  family: 'inspect',
  summary: 'List the VCPUs for all/some domains',
  xl: true,
  usage: '[Domain, ...]',
  args: { pvm: many(pvm, { optional: true, label: 'Domain' }) },
  help: "A paused vCPU keeps its b (Xen's blocked flag is not cleared by a pause); a shut-down pVM's vCPUs are listed until it is reaped or destroyed.",
  run(ctx, a) {
    const hv = ctx.hv;
    const sched = hv.sched;
    const doms = a.pvm.length > 0 ? a.pvm : hv.list();
    const lines = new TextLines();
    lines.push(VCPU_HEADER);
    const vcpus = [];
    for (const d of doms) {
      const live = new Map(sched.vcpusOf(d).map((v) => [v.id, v]));
      for (const r of vcpuRows(hv, d)) {
        lines.push(vcpuLine(d, r));
        const v = live.get(r.id);
        vcpus.push({
          name: d.name,
          domid: d.domid,
          vcpu: r.id,
          cpu: r.cpu,
          state: v ? v.state : 'shutdown',
          time_s: Math.round(r.cpuNs / 1e8) / 10,
          affinity_hard: r.hard,
          affinity_soft: r.soft,
          ...(v ? sched.describe(v).fields : {}),
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
  summary: 'Set which CPUs a VCPU can use',
  xl: true,
  usage: '[option] <Domain> <VCPU|all> <Hard affinity|-|all> [<Soft affinity|-|all>]',
  args: { pvm: one(pvm), vcpu: one(vcpuOrAll), hard: one(word), soft: maybe(word) },
  options: { force: flag('undo an override pinning done by the kernel', 'f') },
  help: 'Examples: vcpu-pin web 0 2; vcpu-pin web all 0-3,5; vcpu-pin web all all,^1; vcpu-pin web 0 - 2-3 (soft only). `-` leaves an affinity as it is. A running vCPU on a pCPU it may no longer use moves at once.',
  differs:
    "Soft affinity is kept and shown by vcpu-list, but the model's credit1 and credit2 place vCPUs by hard affinity only. -f changes nothing more: no guest kernel here overrides a pinning.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const d = a.pvm;
    const sched = hv.sched;
    const vs = sched.vcpusOf(d);
    if (vs.length === 0) fail('ESRCH', `${d.name} has exited and has no vCPUs`);
    const vcpu = a.vcpu;
    if (vcpu === 'all' && o.force) fail('EINVAL', "Error: --force and 'all' as VCPU not allowed.");
    if (vcpu !== 'all' && vcpu >= vs.length)
      fail('EINVAL', `${d.name} has no vCPU ${vcpu} (vCPUs ${vs.length === 1 ? '0' : `0-${vs.length - 1}`})`);
    const n = hv.host.pcpus;
    const hard = a.hard === '-' ? undefined : parseCpuSet(a.hard, n);
    const soft = a.soft === undefined || a.soft === '-' ? undefined : parseCpuSet(a.soft, n);
    if (hard !== undefined && hard !== null && hard.length === 0)
      fail('EINVAL', `'${a.hard}' leaves no pCPU: a vCPU needs at least one`);
    sched.pin(d, vcpu, hard, soft);
    const v0 = sched.vcpusOf(d).find((v) => vcpu === 'all' || v.id === vcpu)!;
    const hardText = cpuSetText(v0.affinity, n);
    const softText = cpuSetText(v0.soft, n);
    return {
      text: `${d.name} vCPU ${vcpu === 'all' ? 'all' : vcpu}: hard affinity ${hardText}, soft affinity ${softText}`,
      data: { name: d.name, domid: d.domid, vcpu, affinity_hard: hardText, affinity_soft: softText },
      confirmation: true,
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

/**
 * A range the policy refused (libxl's text), as xl shows it: libxl's line, for a domain with its
 * "Domain N:" prefix (LOGD), then xl's own line naming the call that failed.
 */
function asXl<T>(f: () => T, o: { domid?: number; call: string }): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof EngineError) || e.code !== 'EINVAL') throw e;
    const who = o.domid === undefined ? '' : `Domain ${o.domid}:`;
    fail('EINVAL', `${who}${e.message}; ${o.call} failed.`);
  }
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

/**
 * -d D: show the domain (header and row); -d D -w W / -c C: set what is given, silently as xl does (the
 * policy checks the ranges with libxl's messages).
 */
function domainParams(sched: Scheduler, d: Domain, set: { weight?: number; cap?: number }) {
  sched.sdom(d); // an exited pVM is refused before its values are checked (ESRCH first, as before)
  const changing = set.weight !== undefined || set.cap !== undefined;
  if (changing)
    asXl(() => sched.adjustDomain(d, given({ weight: set.weight, cap: set.cap })), {
      domid: d.domid,
      call: 'libxl_domain_sched_params_set',
    });
  const p = sched.domainParams(d)!;
  return {
    text: `${SC_HEADER}\n${row(d, p)}`,
    data: { name: d.name, domid: d.domid, weight: p.weight, cap: p.cap },
    ...(changing ? { confirmation: true } : {}),
  };
}

/** -p CPUPOOL: this host has one pool; another name is xl's "unknown cpupool". */
function checkPool(pool: string | undefined): void {
  if (pool !== undefined && pool !== POOL_NAME)
    fail('ENOENT', `unknown cpupool '${pool}' (this host has ${POOL_NAME})`);
}

function creditPoolLine(hv: Engine): string {
  const g = hv.sched.globalParams();
  // BOOST off is a model switch (sched-credit -s -b 0), not part of xl's line: named only when off.
  return `Cpupool ${POOL_NAME}: tslice=${g.tslice_ms}ms ratelimit=${g.ratelimit_us}us migration-delay=${g.migration_delay_us ?? 0}us${g.boost === 0 ? ' (BOOST off)' : ''}`;
}

const schedCredit = command({
  name: 'sched-credit',
  family: 'scheduler',
  summary: 'Get/set credit scheduler parameters',
  xl: true,
  usage: '[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT] [-m DLY]] [-p CPUPOOL]',
  args: {},
  // The ranges are checked by the policy with libxl's own messages (xl sched-credit fails with status 1).
  options: {
    domain: option(pvm, 'Domain to modify', 'd'),
    weight: option(int(), 'Weight (int): the relative share when contended, 1-65535 (default 256)', 'w'),
    cap: option(int(), 'Cap (int): % of one pCPU at most, 0 = no cap (0 to vCPUs x 100)', 'c'),
    schedparam: flag('Query / modify scheduler parameters', 's'),
    tslice_ms: option(int(), 'Set the timeslice, in milliseconds (1-1000; default 30)', 't'),
    ratelimit_us: option(int(), 'Set the scheduling rate limit, in microseconds (0, or 100-500000; default 1000)', 'r'),
    migration_delay_us: option(int(), 'Set the migration delay, in microseconds (0-100000; default 0)', 'm'),
    cpupool: option(word, 'Restrict output to CPUPOOL (this host has Pool-0)', 'p'),
    boost: option(int(), 'BOOST on wake-up: 1 as in Xen (default), 0 off (a model switch, for comparisons)', 'b'),
  },
  help: "Without options: every domain's weight and cap. Examples: sched-credit -d web -w 512; sched-credit -d web -c50; sched-credit -s -t 10; sched-credit -s -b 0 (BOOST off, to compare). Setting prints nothing, as xl (-v, or the console, shows the result).",
  differs:
    "-b (BOOST off) is the model's own switch. The migration delay is kept and shown, but the model's stealing does not model cache-hot vCPUs, so it changes nothing else.",
  run(ctx, _a, o) {
    const hv = ctx.hv;
    const domainOpts = o.domain !== undefined || o.weight !== undefined || o.cap !== undefined;
    if ((o.cpupool !== undefined || o.schedparam) && domainOpts)
      fail('EINVAL', 'Specifying a cpupool or schedparam is not allowed with domain options.');
    if (o.domain === undefined && (o.weight !== undefined || o.cap !== undefined))
      fail('EINVAL', 'Must specify a domain.');
    const globals = given({
      tslice_ms: o.tslice_ms,
      ratelimit_us: o.ratelimit_us,
      migration_delay_us: o.migration_delay_us,
      boost: o.boost,
    });
    if (!o.schedparam && Object.keys(globals).length > 0)
      fail('EINVAL', 'Must specify schedparam to set schedule parameter values.');
    // BOOST off is the model's switch, not libxl's parameter: its own message, without xl's line.
    if (o.boost !== undefined && o.boost !== 0 && o.boost !== 1)
      fail('EINVAL', `boost must be 1 (on) or 0 (off), not '${o.boost}'`);
    checkPool(o.cpupool);
    const sched = schedRunning(hv, 'credit');
    if (o.schedparam) {
      const setting = Object.keys(globals).length > 0;
      if (setting) asXl(() => sched.adjustGlobal(globals), { call: 'libxl_sched_credit_params_set' });
      const g = sched.globalParams();
      return {
        text: creditPoolLine(hv),
        data: {
          pool: POOL_NAME,
          tslice_ms: g.tslice_ms,
          ratelimit_us: g.ratelimit_us,
          migration_delay_us: g.migration_delay_us ?? 0,
          boost: g.boost === 1,
        },
        ...(setting ? { confirmation: true } : {}),
      };
    }
    if (o.domain !== undefined) return domainParams(sched, o.domain, o);
    const g = sched.globalParams();
    const { text, domains } = domainList(sched, hv, creditPoolLine(hv));
    return { text, data: { pool: POOL_NAME, tslice_ms: g.tslice_ms, ratelimit_us: g.ratelimit_us, domains } };
  },
});

function credit2PoolLine(hv: Engine): string {
  return `Cpupool ${POOL_NAME}: ratelimit=${hv.sched.globalParams().ratelimit_us}us`;
}

const schedCredit2 = command({
  name: 'sched-credit2',
  family: 'scheduler',
  summary: 'Get/set credit2 scheduler parameters',
  xl: true,
  usage: '[-d <Domain> [-w[=WEIGHT]]] [-p CPUPOOL]',
  args: {},
  // As sched-credit: the ranges are the policy's to check, with libxl's messages (status 1).
  options: {
    domain: option(pvm, 'Domain to modify', 'd'),
    weight: option(int(), 'Weight (int): credit burns at max weight / weight, 1-65535 (default 256)', 'w'),
    cap: option(int(), 'Cap (int): % of one pCPU at most, as a budget per 10 ms, 0 = no cap', 'c'),
    schedparam: flag('Query / modify scheduler parameters', 's'),
    ratelimit_us: option(int(), 'Set the scheduling rate limit, in microseconds (0, or 100-500000)', 'r'),
    cpupool: option(word, 'Restrict output to CPUPOOL (this host has Pool-0)', 'p'),
  },
  help: 'Only on a host with sched = "credit2" (as Xen\'s sched= boot option). Without options: every domain\'s weight and cap. Examples: sched-credit2 -d web -w 512; sched-credit2 -d web -c 50; sched-credit2 -s -r 500.',
  run(ctx, _a, o) {
    const hv = ctx.hv;
    const domainOpts = o.domain !== undefined || o.weight !== undefined || o.cap !== undefined;
    if (o.cpupool !== undefined && domainOpts)
      fail('EINVAL', 'Specifying a cpupool is not allowed with other options.');
    if (o.schedparam && domainOpts)
      fail('EINVAL', 'Specifying a cpupool or schedparam is not allowed with domain options.');
    if (!o.schedparam && o.ratelimit_us !== undefined)
      fail('EINVAL', 'Must specify schedparam to set schedule parameter values.');
    if (o.domain === undefined && (o.weight !== undefined || o.cap !== undefined))
      fail('EINVAL', 'Must specify a domain.');
    checkPool(o.cpupool);
    const sched = schedRunning(hv, 'credit2');
    if (o.schedparam) {
      const setting = o.ratelimit_us !== undefined;
      if (setting)
        asXl(() => sched.adjustGlobal(given({ ratelimit_us: o.ratelimit_us })), {
          call: 'libxl_sched_credit2_params_set',
        });
      const g = sched.globalParams();
      return {
        text: credit2PoolLine(hv),
        data: { pool: POOL_NAME, ratelimit_us: g.ratelimit_us },
        ...(setting ? { confirmation: true } : {}),
      };
    }
    if (o.domain !== undefined) return domainParams(sched, o.domain, o);
    const { text, domains } = domainList(sched, hv, credit2PoolLine(hv));
    return { text, data: { pool: POOL_NAME, ratelimit_us: sched.globalParams().ratelimit_us, domains } };
  },
});

// ---- uptime --------------------------------------------------------------------------------------

/** Virtual time of day as strftime's "%H:%M:%S", the host booted at 00:00:00 (uptime -s's "now"). */
function clockOfDay(ns: number): string {
  const s = Math.floor(ns / 1e9) % 86400;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

const uptimeCmd = command({
  name: 'uptime',
  family: 'inspect',
  summary: 'Print uptime for all/some domains',
  xl: true,
  usage: '[-s] [Domain]',
  args: { pvm: many(pvm, { optional: true, label: 'Domain' }) },
  options: { short: flag('short: " HH:MM:SS up D days, HH:MM, name (id)" per domain', 's') },
  differs: "Times are virtual: the host booted at virtual 00:00:00, and -s's clock is the virtual time of day.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const doms = a.pvm.length > 0 ? a.pvm : hv.list();
    const lines = new TextLines();
    if (!o.short) lines.push(`${left('Name', 33)} ${right('ID', 4)} Uptime`);
    const now = clockOfDay(hv.nowNs);
    const domains = [];
    for (const d of doms) {
      const up = upSeconds(hv.nowNs, d.domid === DOM0 ? 0 : d.createdNs);
      lines.push(
        o.short
          ? ` ${now} up ${uptime(up, true)}, ${d.name} (${d.domid})`
          : `${left(d.name, 33)} ${right(d.domid, 4)} ${uptime(up)}`,
      );
      domains.push({ name: d.name, domid: d.domid, uptime_s: up });
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
