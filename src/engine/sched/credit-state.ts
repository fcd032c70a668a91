// Credit1's private data (xen/common/sched/credit.c): per vCPU its priority and credits (csched_unit),
// per domain its weight, cap and active vCPUs (csched_dom), per pCPU its run queue and tick
// (csched_pcpu), and the master's accounting (csched_private). Plain data, saved beside the core's
// records in the scheduler's section of a snapshot, with its shape and consistency checks.

import {
  creditBootParams,
  RATELIMIT_MAX_US,
  RATELIMIT_MIN_US,
  TSLICE_MAX_MS,
  TSLICE_MIN_MS,
  type Warn,
} from './boot-params.js';
import { fail } from '../errors.js';
import { arrOf, arrShape, exists, Rec, shape } from '../validate.js';
import { UidTable, type CoreState } from './state.js';

// Credit1's priorities: higher runs first.
export const PRI_BOOST = 0;
export const PRI_UNDER = -1;
export const PRI_OVER = -2;
export const PRI_IDLE = -64;

export const PRI_NAMES: Record<number, string> = {
  [PRI_BOOST]: 'BOOST',
  [PRI_UNDER]: 'UNDER',
  [PRI_OVER]: 'OVER',
  [PRI_IDLE]: 'IDLE',
};

export const CREDITS_PER_MSEC = 10;
export const TICKS_PER_TSLICE = 3;
export const DEFAULT_WEIGHT = 256;

// The ranges of the boot options and of sched-credit -s (boot-params.ts reads the host file's values).
export { RATELIMIT_MAX_US, RATELIMIT_MIN_US, TSLICE_MAX_MS, TSLICE_MIN_MS } from './boot-params.js';

export interface CreditParams {
  tsliceMs: number;
  ratelimitUs: number;
  /** vcpu_migr_delay (sched-credit -m): kept and shown; the model's stealing has no cache-hot vCPUs. */
  migrDelayUs: number;
  /** Model switch (not a Xen option): false turns BOOST on wake off, for comparisons. */
  boost: boolean;
}

/** csched_unit. */
export interface CUnit {
  uid: number;
  pri: number;
  credit: number;
  /** Remainder of credit burning below one credit, in ns x CREDITS_PER_MSEC. */
  residual: number;
  /** Credits are burned up to here (Xen's start_time). */
  burnFromNs: number;
  /** On the active list (earning credit). */
  active: boolean;
  /** Set by a tick that moves it to an idle pCPU (Xen's _VPF_migrating): -1 when not migrating. */
  migrateTo: number;
}

/** csched_dom. */
export interface CDom {
  domid: number;
  weight: number;
  /** % of one pCPU; 0 = no cap. */
  cap: number;
  /** Active vCPUs (uids), in the order they became active. */
  activeVcpus: number[];
}

/** csched_pcpu. */
export interface CPcpu {
  /** uids, highest priority first, FIFO within a priority. */
  runq: number[];
  /** Next credit tick; 0 while idle (Xen stops the ticker of an idle pCPU). */
  nextTickNs: number;
  sliceEndNs: number;
}

export interface CreditState {
  params: CreditParams;
  units: UidTable<CUnit>;
  doms: Map<number, CDom>;
  pcpus: CPcpu[];
  /** Domains with active vCPUs, in Xen's active_sdom order. */
  activeDoms: number[];
  /** Sum of weight x active vCPUs (prv->weight). */
  weight: number;
  creditBalance: number;
  lastTickle: number;
  balanceBias: number;
  acctSeq: number;
  /** vCPUs waiting on all the run queues (derived, not saved): an idle pCPU with none to steal skips looking. */
  queued: number;
}

export function creditsPerTslice(s: CreditState): number {
  return CREDITS_PER_MSEC * s.params.tsliceMs;
}

export function tickPeriodNs(s: CreditState): number {
  const ticks = s.params.tsliceMs < TICKS_PER_TSLICE ? 1 : TICKS_PER_TSLICE;
  return Math.floor((s.params.tsliceMs * 1000) / ticks) * 1000;
}

/**
 * Host options (host.cfg), read with Xen's boot parameter names where Xen has one; a value Xen would
 * reset at boot is reset here, with Xen's warning (boot-params.ts).
 */
export function creditParamsFromHost(raw: Record<string, unknown>, warn: Warn = () => {}): CreditParams {
  return {
    ...creditBootParams(raw, warn),
    boost: (typeof raw.sched_credit_boost === 'number' ? raw.sched_credit_boost : 1) !== 0,
  };
}

export function newCreditState(pcpus: number, params: CreditParams): CreditState {
  return {
    params,
    units: new UidTable(),
    doms: new Map(),
    pcpus: Array.from({ length: pcpus }, () => ({ runq: [], nextTickNs: 0, sliceEndNs: 0 })),
    activeDoms: [],
    weight: 0,
    creditBalance: 0,
    lastTickle: 0,
    balanceBias: 0,
    acctSeq: 0,
    queued: 0,
  };
}

// ---- snapshots -------------------------------------------------------------------------------------

export interface CreditSnapshot {
  units: CUnit[];
  doms: CDom[];
  pcpus: CPcpu[];
  activeDoms: number[];
  weight: number;
  creditBalance: number;
  lastTickle: number;
  balanceBias: number;
  acctSeq: number;
}

export function saveCredit(s: CreditState): CreditSnapshot {
  return {
    units: [...s.units.values()].map((u) => ({ ...u })),
    doms: [...s.doms.values()].map((d) => ({ ...d, activeVcpus: [...d.activeVcpus] })),
    pcpus: s.pcpus.map((p) => ({ ...p, runq: [...p.runq] })),
    activeDoms: [...s.activeDoms],
    weight: s.weight,
    creditBalance: s.creditBalance,
    lastTickle: s.lastTickle,
    balanceBias: s.balanceBias,
    acctSeq: s.acctSeq,
  };
}

/** Credit1's private data from a saved section, its shape and references checked against the core's. */
export function loadCredit(params: unknown, priv: unknown, core: CoreState): CreditState {
  const p = shape(params, 'sched.params', { tsliceMs: 'num', ratelimitUs: 'num', boost: 'bool' });
  const s = shape(priv, 'sched.priv', {
    units: 'arr',
    doms: 'arr',
    pcpus: 'arr',
    activeDoms: 'arr',
    weight: 'nat',
    creditBalance: 'int',
    lastTickle: 'nat',
    balanceBias: 'nat',
    acctSeq: 'nat',
  });
  // States saved before the migration delay existed have none (0, Xen's default).
  const migr = (params as Record<string, unknown>).migrDelayUs;
  if (migr !== undefined && !(Number.isSafeInteger(migr) && (migr as number) >= 0))
    fail('EINVAL', 'state: sched.params.migrDelayUs must be a non-negative integer');
  const st = newCreditState(core.pcpus.length, {
    tsliceMs: p.tsliceMs as number,
    ratelimitUs: p.ratelimitUs as number,
    migrDelayUs: (migr as number | undefined) ?? 0,
    boost: p.boost as boolean,
  });
  loadUnits(s, core, st);
  loadDoms(s, core, st);
  const pcpus = arrShape(s, 'pcpus', 'sched.priv', { runq: 'arr', nextTickNs: 'nat', sliceEndNs: 'nat' });
  if (pcpus.length !== core.pcpus.length)
    fail('EINVAL', `state: sched.priv.pcpus must list the ${core.pcpus.length} pCPUs`);
  pcpus.forEach((c, i) => {
    const runq = arrOf(c, 'runq', 'nat', `sched.priv.pcpus[${i}]`) as number[];
    runq.forEach((u, j) => exists(st.units.get(u) !== undefined, `sched.priv.pcpus[${i}].runq[${j}]`, `vCPU ${u}`));
    st.pcpus[i] = { runq: [...runq], nextTickNs: c.nextTickNs as number, sliceEndNs: c.sliceEndNs as number };
    st.queued += runq.length;
  });
  st.activeDoms = (arrOf(s, 'activeDoms', 'nat', 'sched.priv') as number[]).map((d, j) => {
    exists(st.doms.has(d), `sched.priv.activeDoms[${j}]`, `scheduler domain ${d}`);
    return d;
  });
  st.weight = s.weight as number;
  st.creditBalance = s.creditBalance as number;
  st.lastTickle = s.lastTickle as number;
  st.balanceBias = s.balanceBias as number;
  st.acctSeq = s.acctSeq as number;
  return st;
}

function loadUnits(s: Rec, core: CoreState, st: CreditState): void {
  arrShape(s, 'units', 'sched.priv', {
    uid: 'nat',
    pri: 'int',
    credit: 'int',
    residual: 'num',
    burnFromNs: 'nat',
    active: 'bool',
    migrateTo: 'int',
  }).forEach((u, i) => {
    const where = `sched.priv.units[${i}]`;
    exists(core.vcpus.get(u.uid as number) !== undefined, `${where}.uid`, `vCPU ${String(u.uid)}`);
    exists(
      (u.migrateTo as number) >= -1 && (u.migrateTo as number) < core.pcpus.length,
      `${where}.migrateTo`,
      `pCPU ${String(u.migrateTo)}`,
    );
    st.units.set(u.uid as number, {
      uid: u.uid as number,
      pri: u.pri as number,
      credit: u.credit as number,
      residual: u.residual as number,
      burnFromNs: u.burnFromNs as number,
      active: u.active as boolean,
      migrateTo: u.migrateTo as number,
    });
  });
  for (const v of core.vcpus.values())
    exists(st.units.get(v.uid) !== undefined, `sched vCPU ${v.uid}`, 'a credit record');
}

function loadDoms(s: Rec, core: CoreState, st: CreditState): void {
  arrShape(s, 'doms', 'sched.priv', { domid: 'nat', weight: 'nat', cap: 'nat', activeVcpus: 'arr' }).forEach((d, i) => {
    const where = `sched.priv.doms[${i}]`;
    exists(core.doms.has(d.domid as number), `${where}.domid`, `scheduler domain ${String(d.domid)}`);
    const active = arrOf(d, 'activeVcpus', 'nat', where) as number[];
    active.forEach((u, j) =>
      exists(
        core.vcpus.get(u)?.domid === d.domid,
        `${where}.activeVcpus[${j}]`,
        `a vCPU ${u} of domain ${String(d.domid)}`,
      ),
    );
    st.doms.set(d.domid as number, {
      domid: d.domid as number,
      weight: d.weight as number,
      cap: d.cap as number,
      activeVcpus: [...active],
    });
  });
  for (const id of core.doms.keys()) exists(st.doms.has(id), `sched domain ${id}`, 'a credit record');
}

/**
 * A section saved before policies had their own records: credit1's fields sat in the core's pCPU, vCPU
 * and domain records and at the top. Split into the policy's part, so such a state still loads.
 */
export function splitLegacyCredit(flat: Rec): { params: unknown; priv: Rec } {
  const list = (k: string): Rec[] => (Array.isArray(flat[k]) ? (flat[k] as Rec[]) : []);
  const priv = {
    units: list('vcpus').map((v) => ({
      uid: v.uid,
      pri: v.pri,
      credit: v.credit,
      residual: v.residual,
      burnFromNs: v.burnFromNs,
      active: v.active,
      migrateTo: v.migrateTo,
    })),
    doms: list('doms').map((d) => ({ domid: d.domid, weight: d.weight, cap: d.cap, activeVcpus: d.activeVcpus })),
    pcpus: list('pcpus').map((p) => ({ runq: p.runq, nextTickNs: p.nextTickNs, sliceEndNs: p.sliceEndNs })),
    activeDoms: flat.activeDoms,
    weight: flat.weight,
    creditBalance: flat.creditBalance,
    lastTickle: flat.lastTickle,
    balanceBias: flat.balanceBias,
    acctSeq: flat.acctSeq,
  };
  // Checked by loadCredit's shape checks like any other section.
  return { params: flat.params, priv };
}

// ---- invariants ------------------------------------------------------------------------------------

/** Credit1's private data against itself and the core's records (DESIGN §2.7). */
export function checkCredit(s: CreditState, core: CoreState): string[] {
  const p: string[] = [];
  // sched-credit keeps these in range; a state file might not (a tslice of -1 ms made `run` loop forever).
  const { tsliceMs, ratelimitUs } = s.params;
  if (!Number.isInteger(tsliceMs) || tsliceMs < TSLICE_MIN_MS || tsliceMs > TSLICE_MAX_MS)
    p.push(`the time slice ${String(tsliceMs)} ms is outside ${TSLICE_MIN_MS}-${TSLICE_MAX_MS}`);
  if (
    !Number.isInteger(ratelimitUs) ||
    (ratelimitUs !== 0 && (ratelimitUs < RATELIMIT_MIN_US || ratelimitUs > RATELIMIT_MAX_US))
  )
    p.push(`the rate limit ${String(ratelimitUs)} us is outside ${RATELIMIT_MIN_US}-${RATELIMIT_MAX_US} (or 0)`);
  s.pcpus.forEach((c, id) => {
    if (core.pcpus[id]!.curr >= 0 && c.nextTickNs === 0) p.push(`pCPU ${id} is busy without its credit tick`);
    for (let i = 1; i < c.runq.length; i++) {
      const prev = s.units.get(c.runq[i - 1]!);
      const u = s.units.get(c.runq[i]!);
      if (prev && u && prev.pri < PRI_UNDER && u.pri >= PRI_UNDER) {
        const v = core.vcpus.get(u.uid);
        p.push(`pCPU ${id}'s run queue has an OVER vCPU ahead of d${v?.domid}v${v?.id}`);
      }
    }
  });
  let weight = 0;
  for (const v of core.vcpus.values()) {
    const u = s.units.get(v.uid);
    if (!u) p.push(`d${v.domid}v${v.id} has no credit record`);
    else if (u.active) weight += s.doms.get(v.domid)?.weight ?? 0;
  }
  for (const u of s.units.values()) if (!core.vcpus.get(u.uid)) p.push(`credit record of vCPU ${u.uid}, which is gone`);
  for (const id of core.doms.keys()) if (!s.doms.has(id)) p.push(`domain ${id} has no credit record`);
  if (weight !== s.weight) p.push(`active weight is ${s.weight}, the active vCPUs add up to ${weight}`);
  for (const id of s.activeDoms)
    if ((s.doms.get(id)?.activeVcpus.length ?? 0) === 0)
      p.push(`domain ${id} is on the active list with no active vCPU`);
  const queued = s.pcpus.reduce((a, c) => a + c.runq.length, 0);
  if (queued !== s.queued) p.push(`the run queues hold ${queued} vCPUs, the scheduler counts ${s.queued}`);
  return p;
}
