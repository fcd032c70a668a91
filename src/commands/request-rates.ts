// Request rates of the appliances in virtual time: what the console's requests panel draws. A sample is
// every serving pVM's cumulative counters (requests served, dropped by a full backlog, failed for want
// of a frame) at one instant of virtual time, read from its vCPUs' workload state, the counters `run`'s
// report takes its differences of; a rate is the difference between two samples divided by the virtual
// time between them. Nothing here changes the engine.
//
// Which two samples: the newest, and the latest one at least MIN_SPAN_NS of virtual time older (else
// the oldest kept). One `run 10s` gives a rate over those 10 s; `clock on` moves time in steps of 200 ms
// (at speed 1) and a rate over one step would be two requests or none (a redis pVM serves about 10 per
// second, arriving at random), so the window spans steps until it covers 5 s: at speed 1 a redis pVM's
// rate then moves by about 15% from one refresh to the next instead of 100%, and rows of equal load
// swap places less often. The panel says how long the window is. A pVM that is not in that older sample
// (forked since) is measured from the first sample that has it; one in no older sample has no rate yet.
//
// Domain-0's netback (engine/net/netback.ts) is sampled with them: per Domain-0 vCPU the jobs queued now
// and the CPU they still need, and the jobs it finished per second over the same window.

import { isZombie } from '../engine/domain.js';
import type { Engine } from '../engine/index.js';
import { appKindOf, type AppKind } from '../engine/apps/subsystem.js';
import type { NetbackQueue } from '../engine/net/netback.js';

/** The shortest window a rate is taken over, when samples that far back exist. */
export const MIN_SPAN_NS = 5e9;

export interface RequestCounters {
  name: string;
  domid: number;
  app: AppKind;
  served: number;
  dropped: number;
  failed: number;
}

export interface RequestSample {
  now_ns: number;
  /** Every live pVM whose image serves requests (redis, http, dns, daytime, and their forks), by domid. */
  pvms: RequestCounters[];
  /** Domain-0's netback queues, one per Domain-0 vCPU. */
  netback: NetbackQueue[];
}

/** One Domain-0 vCPU's netback: its queue now and its jobs done per second over the window. */
export interface NetbackRate {
  vcpu: number;
  /** Jobs queued, the one in progress included. */
  jobs: number;
  /** CPU those jobs still need, µs. */
  backlog_us: number;
  /** Jobs finished per second of virtual time over the window; null when it has no older sample. */
  done_per_s: number | null;
}

export interface RequestRate {
  name: string;
  domid: number;
  app: AppKind;
  /** Requests served per second of virtual time over `span_ns`; null when no older sample has the pVM. */
  per_s: number | null;
  dropped_per_s: number | null;
  failed_per_s: number | null;
  /** The counts over the window. */
  served: number;
  dropped: number;
  failed: number;
  span_ns: number | null;
}

export interface RequestRates {
  now_ns: number;
  /** The window of the pVMs present all through it; null when virtual time has not moved since the first sample. */
  span_ns: number | null;
  /** Busiest first (served per second, then dropped per second), then by domid; pVMs with no rate last. */
  rates: RequestRate[];
  /** Domain-0's netback, by vCPU. */
  netback: NetbackRate[];
}

/** The counters of every serving pVM now. */
export function requestSample(hv: Engine): RequestSample {
  const pvms: RequestCounters[] = [];
  for (const d of hv.list()) {
    const app = appKindOf(d);
    if (!app || isZombie(d)) continue;
    const c: RequestCounters = { name: d.name, domid: d.domid, app, served: 0, dropped: 0, failed: 0 };
    for (const v of hv.sched.vcpusOf(d)) {
      c.served += v.w.served;
      c.dropped += v.w.dropped;
      c.failed += v.w.failed;
    }
    pvms.push(c);
  }
  return { now_ns: hv.nowNs, pvms, netback: hv.sched.netback() };
}

/**
 * Samples at distinct instants of virtual time, oldest first, the newest standing for now: a sample at
 * the newest one's instant replaces it (a fork or a rename between runs changes the list, not the time);
 * a later one is added, and those no window needs any more are dropped. A sample from before the newest
 * (another engine's history) starts the list again.
 */
export class RequestHistory {
  private samples: RequestSample[] = [];

  add(s: RequestSample): void {
    const last = this.samples[this.samples.length - 1];
    if (last && s.now_ns < last.now_ns) this.samples = [];
    if (last && s.now_ns === last.now_ns) this.samples[this.samples.length - 1] = s;
    else this.samples.push(s);
    // Keep one sample at or before the window's start, and everything after it.
    while (this.samples.length > 2 && this.samples[1]!.now_ns <= s.now_ns - MIN_SPAN_NS) this.samples.shift();
  }

  clear(): void {
    this.samples = [];
  }

  rates(): RequestRates {
    return requestRates(this.samples);
  }
}

/** Each sample's counters by domid, made once (a console refresh asks every pVM of every sample kept). */
const byDomid = new WeakMap<RequestSample, Map<number, RequestCounters>>();

function counterOf(s: RequestSample, domid: number): RequestCounters | undefined {
  let m = byDomid.get(s);
  if (!m) {
    m = new Map(s.pvms.map((p) => [p.domid, p]));
    byDomid.set(s, m);
  }
  return m.get(domid);
}

/** The window's start for a pVM: the window's own start when it was there, else the first older sample that has it. */
function baseOf(samples: readonly RequestSample[], start: number, domid: number): RequestSample | undefined {
  for (let i = start; i < samples.length - 1; i++) if (counterOf(samples[i]!, domid)) return samples[i];
  return undefined;
}

const perS = (n: number, ns: number): number => (n * 1e9) / ns;

/**
 * A pVM's rate record, its fields written out (an object spread of the counters with fields added was
 * most of the time of a refresh with 1,000 pVMs).
 */
function rateOf(
  c: RequestCounters,
  d: { served: number; dropped: number; failed: number },
  ns: number | null,
): RequestRate {
  return {
    name: c.name,
    domid: c.domid,
    app: c.app,
    per_s: ns === null ? null : perS(d.served, ns),
    dropped_per_s: ns === null ? null : perS(d.dropped, ns),
    failed_per_s: ns === null ? null : perS(d.failed, ns),
    served: d.served,
    dropped: d.dropped,
    failed: d.failed,
    span_ns: ns,
  };
}

/** The rates of the newest sample's pVMs over the window ending at it (see the file's head). */
export function requestRates(samples: readonly RequestSample[]): RequestRates {
  const now = samples[samples.length - 1];
  if (!now) return { now_ns: 0, span_ns: null, rates: [], netback: [] };
  let start = 0;
  for (let i = 0; i < samples.length - 1; i++) if (samples[i]!.now_ns <= now.now_ns - MIN_SPAN_NS) start = i;
  const rates = now.pvms.map((c): RequestRate => {
    const base = baseOf(samples, start, c.domid);
    const b = base && counterOf(base, c.domid);
    const ns = base ? now.now_ns - base.now_ns : 0;
    // Counters only grow while a pVM lives; a smaller one is another pVM's (a domid is never reused).
    if (!b || ns <= 0 || c.served < b.served || c.dropped < b.dropped || c.failed < b.failed)
      return rateOf(c, { served: 0, dropped: 0, failed: 0 }, null);
    return rateOf(c, { served: c.served - b.served, dropped: c.dropped - b.dropped, failed: c.failed - b.failed }, ns);
  });
  rates.sort(
    (x, y) =>
      (y.per_s ?? -1) - (x.per_s ?? -1) || (y.dropped_per_s ?? -1) - (x.dropped_per_s ?? -1) || x.domid - y.domid,
  );
  const first = samples[start]!;
  const span = first.now_ns < now.now_ns ? now.now_ns - first.now_ns : null;
  return { now_ns: now.now_ns, span_ns: span, rates, netback: netbackRates(now, first, span) };
}

/** Each Domain-0 vCPU's queue now, and its jobs done over the window's span. */
function netbackRates(now: RequestSample, first: RequestSample, span: number | null): NetbackRate[] {
  return now.netback.map((q) => {
    const b = first.netback.find((x) => x.vcpu === q.vcpu);
    const ok = span !== null && b !== undefined && q.done >= b.done;
    return { vcpu: q.vcpu, jobs: q.jobs, backlog_us: q.backlogUs, done_per_s: ok ? perS(q.done - b.done, span) : null };
  });
}
