// Credit2's private data (xen/common/sched/credit2.c): per vCPU its credit, weight, budget and load
// (csched2_unit), per domain its weight, cap and budget pool (csched2_dom), the runqueues with their
// ordered queue, load averages and maximum weight (csched2_runqueue_data), and per pCPU its runqueue and
// the end of its slice. Plain data, saved in the scheduler's section of a snapshot, with the runqueue
// arrangement (cpu_add_to_runqueue) and the shape and consistency checks.

import { bootRatelimitUs, type Warn } from './boot-params.js';
import { NS_PER_MS, NS_PER_US } from '../clock.js';
import { fail } from '../errors.js';
import { arrOf, arrShape, exists, Rec, shape } from '../validate.js';
import { RATELIMIT_MAX_US, RATELIMIT_MIN_US } from './credit-state.js';
import { UidTable, type CoreState } from './state.js';

// Credit2's constants, in ns of credit (the highest-weight vCPU burns one credit per ns).
export const CREDIT_INIT = 10 * NS_PER_MS; // CSCHED2_CREDIT_INIT: what vCPUs start with and get at a reset
export const CREDIT_MIN = -CREDIT_INIT; // CSCHED2_CREDIT_MIN
export const IDLE_CREDIT = CREDIT_MIN - 1; // CSCHED2_IDLE_CREDIT: less than any vCPU's
export const MIN_TIMER = 500 * NS_PER_US; // CSCHED2_MIN_TIMER: the shortest slice
export const MAX_TIMER = CREDIT_INIT; // CSCHED2_MAX_TIMER: the longest slice
export const CARRYOVER_MAX = MIN_TIMER; // CSCHED2_CARRYOVER_MAX: credit kept over a reset
export const MIGRATE_COMPENSATION = 50 * NS_PER_US; // CSCHED2_MIGRATE_COMPENSATION
export const RATELIMIT_TICKLE_TOLERANCE = 50 * NS_PER_US; // CSCHED2_RATELIMIT_TICKLE_TOLERANCE
export const CREDIT_RESET = 0; // CSCHED2_CREDIT_RESET: a reset when the head has no more than this
export const DEFAULT_WEIGHT = 256; // CSCHED2_DEFAULT_WEIGHT

// Load tracking: an exponentially weighted average in Q-format over a window of 2^30 ns (~1 s), time
// counted in units of 2^10 ns (LOADAVG_GRANULARITY_SHIFT), 18 fractional bits.
export const LOAD_GRANULARITY = 2 ** 10;
export const LOAD_WINDOW_SHIFT = 30 - 10;
export const LOAD_PRECISION_SHIFT = 18;
/** Balance when the load differs by more than 1 under full load, 1/8 over it (credit2_balance_under/over). */
export const BALANCE_UNDER = 0;
export const BALANCE_OVER = -3;

/** How pCPUs are grouped into runqueues (Xen's credit2_runqueue). */
export const RUNQUEUE_ARRANGEMENTS = ['cpu', 'core', 'socket', 'node', 'all'] as const;
export type RunqueueArrangement = (typeof RUNQUEUE_ARRANGEMENTS)[number];

export interface Credit2Params {
  ratelimitUs: number;
  /** sched_credit2_migrate_resist, µs (default 500). */
  migrateResistUs: number;
  /** credit2_cap_period_ms: a capped domain's budget is replenished this often (default 10). */
  capPeriodMs: number;
  /** credit2_runqueue (default socket). */
  runqueue: RunqueueArrangement;
  /** sched_credit2_max_cpus_runqueue (default 16). */
  maxCpusRunqueue: number;
}

/** csched2_unit. */
export interface C2Unit {
  uid: number;
  credit: number;
  weight: number;
  /** Remainder of div(time x max_weight, weight) when burning. */
  residual: number;
  /** Budget grabbed from the domain's pool (meaningful while the domain has a cap). */
  budget: number;
  budgetQuota: number;
  /** Credit is burned up to here. */
  startTime: number;
  loadLastUpdate: number;
  avgload: number;
  /** The runqueue it is assigned to. */
  rqd: number;
  /** On its runqueue's queue (runnable, waiting). */
  onRunq: boolean;
  /** Load balancing asked a running vCPU to move to migrateRqd (CSFLAG_runq_migrate_request). */
  migrateRequest: boolean;
  migrateRqd: number;
  /** Running, and must leave its pCPU to be moved (Xen's _VPF_migrating). */
  migrating: boolean;
  /** The pCPU tickled to pick it up, -1 for none. */
  tickledCpu: number;
}

/** csched2_dom. */
export interface C2Dom {
  domid: number;
  weight: number;
  /** % of one pCPU; 0 = no cap. */
  cap: number;
  /** Budget per period (ns), and what is left of it in the pool. */
  totBudget: number;
  budget: number;
  nextRepl: number;
  /** Live replenishment timer (0 = none). */
  replSeq: number;
  /** uids parked for want of budget, most recent first. */
  parked: number[];
  nrUnits: number;
}

/** csched2_runqueue_data. */
export interface C2Runq {
  id: number;
  /** Its pCPUs, ascending (rqd->active). */
  cpus: number[];
  /** Waiting vCPUs by credit, highest first, FIFO among equals. */
  runq: number[];
  /** Runnable and running vCPUs (the instantaneous load). */
  load: number;
  loadLastUpdate: number;
  avgload: number;
  /** The average as load balancing moves it. */
  bAvgload: number;
  /** Every vCPU assigned to it, in assignment order. */
  svc: number[];
  maxWeight: number;
  /** The pCPU picked last; picking cycles on from it. */
  pickBias: number;
}

export interface C2Pcpu {
  rqd: number;
  sliceEndNs: number;
}

export interface Credit2State {
  params: Credit2Params;
  units: UidTable<C2Unit>;
  doms: Map<number, C2Dom>;
  rqds: C2Runq[];
  pcpus: C2Pcpu[];
}

const num = (raw: Record<string, unknown>, k: string, d: number): number =>
  typeof raw[k] === 'number' ? (raw[k] as number) : d;

/** Host options (host.cfg), with Xen's boot parameter names. */
export function credit2ParamsFromHost(raw: Record<string, unknown>, warn: Warn = () => {}): Credit2Params {
  const rq = raw.credit2_runqueue;
  return {
    // scheduler_init's reset of an out-of-range rate limit (boot-params.ts), which credit2 then takes.
    ratelimitUs: bootRatelimitUs(raw, warn),
    migrateResistUs: num(raw, 'sched_credit2_migrate_resist', 500),
    capPeriodMs: num(raw, 'credit2_cap_period_ms', 10),
    runqueue: RUNQUEUE_ARRANGEMENTS.find((a) => a === rq) ?? 'socket',
    maxCpusRunqueue: num(raw, 'sched_credit2_max_cpus_runqueue', 16),
  };
}

/**
 * The runqueue of each pCPU, as cpu_add_to_runqueue builds them on this host's topology: one socket and
 * one NUMA node, each pCPU a core of its own (xl info: threads_per_core 1). So `socket`, `node` and
 * `all` put every pCPU in one runqueue (at most maxCpus each, spread evenly), `core` and `cpu` give each
 * pCPU its own. On the default 6-pCPU host Xen's default (socket) means one runqueue of 6.
 */
export function arrangeRunqueues(pcpus: number, mode: RunqueueArrangement, maxCpus: number): number[] {
  const minRqs = Math.floor((pcpus - 1) / maxCpus) + 1;
  const maxCpusRunq = Math.floor(pcpus / minRqs);
  const refcnt: number[] = [];
  const out: number[] = [];
  for (let cpu = 0; cpu < pcpus; cpu++) {
    let valid = -1;
    if (mode !== 'cpu' && mode !== 'core') {
      // Same socket and node as every runqueue's first pCPU: the least full one with room.
      for (let r = 0; r < refcnt.length; r++)
        if (refcnt[r]! < maxCpusRunq && (valid < 0 || refcnt[r]! < refcnt[valid]!)) valid = r;
    }
    if (valid < 0) {
      valid = refcnt.length;
      refcnt.push(0);
    }
    refcnt[valid]!++;
    out.push(valid);
  }
  return out;
}

function newRunqs(owner: number[]): C2Runq[] {
  const rqds: C2Runq[] = [];
  owner.forEach((r, cpu) => {
    rqds[r] ??= {
      id: r,
      cpus: [],
      runq: [],
      load: 0,
      loadLastUpdate: 0,
      avgload: 0,
      bAvgload: 0,
      svc: [],
      maxWeight: 1,
      pickBias: cpu,
    };
    rqds[r]!.cpus.push(cpu);
  });
  return rqds;
}

export function newCredit2State(pcpus: number, params: Credit2Params): Credit2State {
  const owner = arrangeRunqueues(pcpus, params.runqueue, params.maxCpusRunqueue);
  return {
    params,
    units: new UidTable(),
    doms: new Map(),
    rqds: newRunqs(owner),
    pcpus: owner.map((rqd) => ({ rqd, sliceEndNs: 0 })),
  };
}

// ---- snapshots -------------------------------------------------------------------------------------

type RunqSnapshot = Omit<C2Runq, 'id' | 'cpus'>;
type UnitSnapshot = Omit<C2Unit, 'onRunq'>;

export interface Credit2Snapshot {
  units: UnitSnapshot[];
  doms: C2Dom[];
  rqds: RunqSnapshot[];
  pcpus: { sliceEndNs: number }[];
}

export function saveCredit2(s: Credit2State): Credit2Snapshot {
  return {
    units: [...s.units.values()].map(({ onRunq: _onRunq, ...u }) => u),
    doms: [...s.doms.values()].map((d) => ({ ...d, parked: [...d.parked] })),
    rqds: s.rqds.map(({ id: _id, cpus: _cpus, ...r }) => ({ ...r, runq: [...r.runq], svc: [...r.svc] })),
    pcpus: s.pcpus.map((p) => ({ sliceEndNs: p.sliceEndNs })),
  };
}

const ARRANGEMENT_SET = new Set<string>(RUNQUEUE_ARRANGEMENTS);

/** Credit2's private data from a saved section; shape and references checked against the core's records. */
export function loadCredit2(params: unknown, priv: unknown, core: CoreState): Credit2State {
  const p = shape(params, 'sched.params', {
    ratelimitUs: 'num',
    migrateResistUs: 'nat',
    capPeriodMs: 'nat',
    runqueue: 'str',
    maxCpusRunqueue: 'nat',
  });
  if (!ARRANGEMENT_SET.has(p.runqueue as string))
    fail('EINVAL', `state: sched.params.runqueue must be one of ${RUNQUEUE_ARRANGEMENTS.join(', ')}`);
  if ((p.maxCpusRunqueue as number) < 1) fail('EINVAL', 'state: sched.params.maxCpusRunqueue must be at least 1');
  const st = newCredit2State(core.pcpus.length, {
    ratelimitUs: p.ratelimitUs as number,
    migrateResistUs: p.migrateResistUs as number,
    capPeriodMs: p.capPeriodMs as number,
    runqueue: p.runqueue as RunqueueArrangement,
    maxCpusRunqueue: p.maxCpusRunqueue as number,
  });
  const s = shape(priv, 'sched.priv', { units: 'arr', doms: 'arr', rqds: 'arr', pcpus: 'arr' });
  loadUnits(s, core, st);
  loadDoms(s, core, st);
  loadRunqs(s, st);
  const pcpus = arrShape(s, 'pcpus', 'sched.priv', { sliceEndNs: 'nat' });
  if (pcpus.length !== st.pcpus.length)
    fail('EINVAL', `state: sched.priv.pcpus must list the ${st.pcpus.length} pCPUs`);
  pcpus.forEach((c, i) => (st.pcpus[i]!.sliceEndNs = c.sliceEndNs as number));
  return st;
}

function loadUnits(s: Rec, core: CoreState, st: Credit2State): void {
  arrShape(s, 'units', 'sched.priv', {
    uid: 'nat',
    credit: 'int',
    weight: 'nat',
    residual: 'nat',
    budget: 'int',
    budgetQuota: 'nat',
    startTime: 'nat',
    loadLastUpdate: 'nat',
    avgload: 'nat',
    rqd: 'nat',
    migrateRequest: 'bool',
    migrateRqd: 'int',
    migrating: 'bool',
    tickledCpu: 'int',
  }).forEach((u, i) => {
    const where = `sched.priv.units[${i}]`;
    exists(core.vcpus.get(u.uid as number) !== undefined, `${where}.uid`, `vCPU ${String(u.uid)}`);
    exists((u.rqd as number) < st.rqds.length, `${where}.rqd`, `runqueue ${String(u.rqd)}`);
    exists((u.migrateRqd as number) < st.rqds.length, `${where}.migrateRqd`, `runqueue ${String(u.migrateRqd)}`);
    if ((u.weight as number) < 1) fail('EINVAL', `state: ${where}.weight must be at least 1`);
    st.units.set(u.uid as number, {
      uid: u.uid as number,
      credit: u.credit as number,
      weight: u.weight as number,
      residual: u.residual as number,
      budget: u.budget as number,
      budgetQuota: u.budgetQuota as number,
      startTime: u.startTime as number,
      loadLastUpdate: u.loadLastUpdate as number,
      avgload: u.avgload as number,
      rqd: u.rqd as number,
      onRunq: false,
      migrateRequest: u.migrateRequest as boolean,
      migrateRqd: u.migrateRqd as number,
      migrating: u.migrating as boolean,
      tickledCpu: u.tickledCpu as number,
    });
  });
  for (const v of core.vcpus.values())
    exists(st.units.get(v.uid) !== undefined, `sched vCPU ${v.uid}`, 'a credit2 record');
}

function loadDoms(s: Rec, core: CoreState, st: Credit2State): void {
  arrShape(s, 'doms', 'sched.priv', {
    domid: 'nat',
    weight: 'nat',
    cap: 'nat',
    totBudget: 'nat',
    budget: 'int',
    nextRepl: 'nat',
    replSeq: 'nat',
    parked: 'arr',
    nrUnits: 'nat',
  }).forEach((d, i) => {
    const where = `sched.priv.doms[${i}]`;
    exists(core.doms.has(d.domid as number), `${where}.domid`, `scheduler domain ${String(d.domid)}`);
    const parked = arrOf(d, 'parked', 'nat', where) as number[];
    parked.forEach((u, j) =>
      exists(core.vcpus.get(u)?.domid === d.domid, `${where}.parked[${j}]`, `a vCPU ${u} of domain ${String(d.domid)}`),
    );
    st.doms.set(d.domid as number, {
      domid: d.domid as number,
      weight: d.weight as number,
      cap: d.cap as number,
      totBudget: d.totBudget as number,
      budget: d.budget as number,
      nextRepl: d.nextRepl as number,
      replSeq: d.replSeq as number,
      parked: [...parked],
      nrUnits: d.nrUnits as number,
    });
  });
  for (const id of core.doms.keys()) exists(st.doms.has(id), `sched domain ${id}`, 'a credit2 record');
}

function loadRunqs(s: Rec, st: Credit2State): void {
  const rqds = arrShape(s, 'rqds', 'sched.priv', {
    runq: 'arr',
    load: 'nat',
    loadLastUpdate: 'nat',
    avgload: 'nat',
    bAvgload: 'nat',
    svc: 'arr',
    maxWeight: 'nat',
    pickBias: 'nat',
  });
  if (rqds.length !== st.rqds.length)
    fail('EINVAL', `state: sched.priv.rqds must list the ${st.rqds.length} runqueues of the host's arrangement`);
  rqds.forEach((r, i) => {
    const where = `sched.priv.rqds[${i}]`;
    const q = st.rqds[i]!;
    const uids = (k: string): number[] =>
      (arrOf(r, k, 'nat', where) as number[]).map((u, j) => {
        exists(st.units.get(u)?.rqd === i, `${where}.${k}[${j}]`, `a vCPU ${u} of runqueue ${i}`);
        return u;
      });
    q.runq = uids('runq');
    q.svc = uids('svc');
    for (const u of q.runq) st.units.get(u)!.onRunq = true;
    q.load = r.load as number;
    q.loadLastUpdate = r.loadLastUpdate as number;
    q.avgload = r.avgload as number;
    q.bAvgload = r.bAvgload as number;
    q.maxWeight = r.maxWeight as number;
    exists(q.cpus.includes(r.pickBias as number), `${where}.pickBias`, `pCPU ${String(r.pickBias)} of runqueue ${i}`);
    q.pickBias = r.pickBias as number;
  });
}

// ---- invariants ------------------------------------------------------------------------------------

/** Credit2's private data against itself and the core's records (DESIGN §2.7). */
export function checkCredit2(s: Credit2State, core: CoreState): string[] {
  const p: string[] = [];
  const r = s.params.ratelimitUs;
  if (!Number.isInteger(r) || (r !== 0 && (r < RATELIMIT_MIN_US || r > RATELIMIT_MAX_US)))
    p.push(`the rate limit ${String(r)} us is outside ${RATELIMIT_MIN_US}-${RATELIMIT_MAX_US} (or 0)`);
  if (s.params.capPeriodMs < 1) p.push(`the cap period ${s.params.capPeriodMs} ms is under 1 ms`);
  for (const v of core.vcpus.values()) {
    const u = s.units.get(v.uid);
    if (!u) {
      p.push(`d${v.domid}v${v.id} has no credit2 record`);
      continue;
    }
    const q = s.rqds[u.rqd];
    if (!q) continue;
    if (!q.cpus.includes(v.cpu)) p.push(`d${v.domid}v${v.id} is on pCPU ${v.cpu}, outside its runqueue ${u.rqd}`);
    if (u.onRunq !== (v.state === 'runnable')) p.push(`d${v.domid}v${v.id} is ${v.state} but onRunq is ${u.onRunq}`);
    if (u.credit < CREDIT_MIN) p.push(`d${v.domid}v${v.id} has credit ${u.credit}, under the minimum`);
    if (u.weight !== s.doms.get(v.domid)?.weight) p.push(`d${v.domid}v${v.id}'s weight is not its domain's`);
    if ((s.doms.get(v.domid)?.cap !== 0) !== u.budgetQuota > 0)
      p.push(`d${v.domid}v${v.id} has budget quota ${u.budgetQuota} in a domain with cap ${s.doms.get(v.domid)?.cap}`);
    if (v.parked !== s.doms.get(v.domid)?.parked.includes(v.uid))
      p.push(`d${v.domid}v${v.id} is ${v.parked ? '' : 'not '}parked but ${v.parked ? 'not ' : ''}on the parked list`);
  }
  for (const u of s.units.values())
    if (!core.vcpus.get(u.uid)) p.push(`credit2 record of vCPU ${u.uid}, which is gone`);
  for (const q of s.rqds) p.push(...checkRunq(s, core, q));
  for (const [id, sd] of core.doms) {
    const d = s.doms.get(id);
    if (!d) p.push(`domain ${id} has no credit2 record`);
    else {
      if (d.nrUnits !== sd.vcpus.length) p.push(`domain ${id} counts ${d.nrUnits} vCPUs, it has ${sd.vcpus.length}`);
      if (d.cap !== 0 && d.replSeq === 0) p.push(`domain ${id} is capped without its budget replenishment`);
    }
  }
  return p;
}

function checkRunq(s: Credit2State, core: CoreState, q: C2Runq): string[] {
  const p: string[] = [];
  let load = 0;
  let maxWeight = 1;
  for (const uid of q.svc) {
    const v = core.vcpus.get(uid);
    const u = s.units.get(uid);
    if (!v || !u || u.rqd !== q.id) {
      p.push(`runqueue ${q.id} lists vCPU ${uid}, which is not assigned to it`);
      continue;
    }
    if (v.state === 'running' || v.state === 'runnable') load++;
    maxWeight = Math.max(maxWeight, u.weight);
  }
  const assigned = [...s.units.values()].filter((u) => u.rqd === q.id).length;
  if (assigned !== q.svc.length || new Set(q.svc).size !== q.svc.length)
    p.push(`runqueue ${q.id} lists ${q.svc.length} vCPUs, ${assigned} are assigned to it`);
  if (load !== q.load) p.push(`runqueue ${q.id}'s load is ${q.load}, it has ${load} runnable vCPUs`);
  if (maxWeight !== q.maxWeight) p.push(`runqueue ${q.id}'s max weight is ${q.maxWeight}, not ${maxWeight}`);
  for (let i = 1; i < q.runq.length; i++)
    if (s.units.get(q.runq[i - 1]!)!.credit < s.units.get(q.runq[i]!)!.credit)
      p.push(`runqueue ${q.id} is out of credit order at ${i}`);
  for (const uid of q.runq)
    if (!s.units.get(uid)?.onRunq) p.push(`runqueue ${q.id} queues vCPU ${uid} not marked on it`);
  return p;
}
