// A client load generator in virtual time: closed-loop connections (redis-benchmark -c N -P P, weighttp -c C,
// a DNS query stream with C outstanding) against servers over a network path whose prices it is given
// (path.ts xenTripPrices for pVMs, linux-path.ts linuxTripPrices for Linux processes).
//
// Each trip of a request (EXCHANGES) goes: the wire (half of wire_rtt), the backend's work for the packets
// in (pVMs: Domain-0's NIC driver, bridge, netback, grant copy, event; processes: the NIC driver and
// Linux's stack in softirq), the server's (pVMs: netfront, lwIP; processes: socket calls and the replies
// down the stack; then the app's op: the request is served by the appliance's code, so a SET writes its
// page), the backend's work for the packets out, the wire back. The op's CPU varies (exponential about
// its cost); the packets' does not. A pVM's vif is served by Domain-0's vCPU (netback's per-vif thread:
// vif i on vCPU i mod dom0_vcpus); a process's flow by the softirq of its RSS queue; each server runs on
// one vCPU (or core). Every queue is served in order.
//
// The backends and servers share the host's pCPUs as the credit scheduler shares them, in its fluid
// limit: Domain-0's vCPUs (and Linux's softirqs) block whenever they have nothing to do and are woken by
// the NIC's interrupt and the guests' events, so they run BOOSTed, ahead of the servers, which under load
// never block and so are never boosted; the servers share what pCPUs are left equally (equal weights:
// credit's round robin of 30 ms slices, as processor sharing). This is a model of the credit scheduler's
// outcome, not its run loop: `run` schedules netback with the policy itself (netback.ts), with open-loop
// arrivals; the paper's benchmarks are closed loops of connections, which this generator keeps.

import type { CostModel } from '../cost-model.js';
import type { Domain } from '../domain.js';
import type { AppKind } from '../apps/subsystem.js';
import type { Rng } from '../rng.js';
import { EXCHANGES, type TripPrice } from './path.js';

export interface LoadSpec {
  app: AppKind;
  /** The appliances served, connections spread over them round robin. */
  servers: Domain[];
  /** Connections (clients) in all. */
  connections: number;
  /** Requests per trip on a connection (redis-benchmark -P); 1 otherwise. */
  pipeline: number;
  /** Each trip's prices, for `pipeline` requests (path.ts xenTripPrices, linux-path.ts linuxTripPrices). */
  trips: TripPrice[];
  pcpus: number;
  /**
   * Who carries the packets, ahead of the servers: Domain-0's vCPUs, a server's vif on vCPU server mod
   * their number; or Linux's softirq on every core, a connection's flow on queue conn mod their number
   * (RSS).
   */
  backends: { count: number; by: 'server' | 'connection' };
  /** Virtual time measured, after the warm-up. */
  durationNs: number;
  warmupNs: number;
  /** Draws each op's CPU: exponential about its cost, as a request's work varies (workload.ts's bursts). */
  rng: Rng;
  /** Serve one request in the appliance (its code runs: pages are written). */
  serve(server: Domain): void;
}

export interface LoadResult {
  requests: number;
  per_s: number;
  p50_us: number;
  p99_us: number;
  /** CPU per request in the guests and in Domain-0, µs. */
  guest_us: number;
  dom0_us: number;
  per_server: { name: string; requests: number }[];
}

interface Job {
  left: number;
  done: () => void;
}

interface Vcpu {
  queue: Job[];
  head: number;
  busyNs: number;
  dom0: boolean;
}

/** A binary heap of timers by time (ties by order of arming). */
class Timers {
  private h: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;
  arm(at: number, fire: () => void): void {
    const h = this.h;
    h.push({ at, seq: this.seq++, fire });
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  get nextAt(): number {
    return this.h[0]?.at ?? Infinity;
  }
  pop(): () => void {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.fire;
  }
  private less(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

/** Run the load for warm-up plus duration; counts what completes in the measured window. */
export function runLoad(c: CostModel, s: LoadSpec): LoadResult {
  if (s.servers.length === 0) throw new RangeError('runLoad needs a server');
  const trips = s.trips;
  const halfRtt = (c.background(() => c.us('wire_rtt')) * 1000) / 2;
  const guests: Vcpu[] = s.servers.map(() => ({ queue: [], head: 0, busyNs: 0, dom0: false }));
  const dom0: Vcpu[] = Array.from({ length: s.backends.count }, () => ({ queue: [], head: 0, busyNs: 0, dom0: true }));
  const all = [...dom0, ...guests];
  const timers = new Timers();
  const start = s.warmupNs;
  const end = s.warmupNs + s.durationNs;
  let now = 0;
  const latencies: number[] = [];
  const served = s.servers.map(() => 0);
  let busyAtStart: number[] | null = null;

  // A stage with no work (Linux's replies leave in the process's own context) is passed at once, not
  // queued behind the backend's other work.
  const enqueue = (v: Vcpu, ns: number, done: () => void): void => {
    if (ns <= 0) done();
    else v.queue.push({ left: ns, done });
  };

  const trip = (conn: number, server: number, k: number, sentAt: number): void => {
    const t = trips[k]!;
    const back = dom0[(s.backends.by === 'server' ? server : conn) % dom0.length]!;
    timers.arm(now + halfRtt, () =>
      enqueue(back, t.in, () =>
        enqueue(guests[server]!, t.guest + (t.op > 0 ? Math.max(1, s.rng.exp(t.op)) : 0), () => {
          if (EXCHANGES[s.app][k]!.op) for (let i = 0; i < s.pipeline; i++) s.serve(s.servers[server]!);
          enqueue(back, t.out, () =>
            timers.arm(now + halfRtt, () => {
              if (k + 1 < trips.length) return trip(conn, server, k + 1, sentAt);
              if (now > start && now <= end) {
                for (let i = 0; i < s.pipeline; i++) latencies.push(now - sentAt);
                served[server]! += s.pipeline;
              }
              trip(conn, server, 0, now);
            }),
          );
        }),
      ),
    );
  };

  for (let i = 0; i < s.connections; i++) trip(i, i % s.servers.length, 0, 0);

  while (now < end) {
    let busy0 = 0;
    let busyG = 0;
    for (const v of all)
      if (v.head < v.queue.length) {
        if (v.dom0) busy0++;
        else busyG++;
      }
    const rate0 = busy0 === 0 ? 0 : Math.min(1, s.pcpus / busy0);
    const rateG = busyG === 0 ? 0 : Math.min(1, Math.max(0, s.pcpus - busy0) / busyG);
    const rateOf = (v: Vcpu): number => (v.dom0 ? rate0 : rateG);
    let next = Math.min(timers.nextAt, end);
    for (const v of all)
      if (v.head < v.queue.length && rateOf(v) > 0) next = Math.min(next, now + v.queue[v.head]!.left / rateOf(v));
    if (!busyAtStart && next >= start) {
      // Split the step at the start of the window so CPU is counted from there.
      next = Math.max(now, Math.min(next, start));
    }
    const dt = next - now;
    for (const v of all)
      if (v.head < v.queue.length) {
        v.queue[v.head]!.left -= dt * rateOf(v);
        v.busyNs += dt * rateOf(v);
      }
    now = next;
    if (!busyAtStart && now >= start) busyAtStart = all.map((v) => v.busyNs);
    for (const v of all) {
      while (v.head < v.queue.length && v.queue[v.head]!.left <= 1e-6) {
        const j = v.queue[v.head++]!;
        j.done();
      }
      if (v.head > 1024) {
        v.queue = v.queue.slice(v.head);
        v.head = 0;
      }
    }
    while (timers.nextAt <= now) timers.pop()();
  }

  const n = latencies.length;
  latencies.sort((a, b) => a - b);
  const pct = (q: number): number => (n === 0 ? 0 : latencies[Math.min(n - 1, Math.floor(q * n))]! / 1000);
  const used = (v: Vcpu, i: number): number => v.busyNs - (busyAtStart?.[i] ?? 0);
  const dom0Ns = dom0.reduce((a, v, i) => a + used(v, i), 0);
  const guestNs = guests.reduce((a, v, i) => a + used(v, dom0.length + i), 0);
  return {
    requests: n,
    per_s: n / (s.durationNs / 1e9),
    p50_us: pct(0.5),
    p99_us: pct(0.99),
    guest_us: n === 0 ? 0 : guestNs / n / 1000,
    dom0_us: n === 0 ? 0 : dom0Ns / n / 1000,
    per_server: s.servers.map((d, i) => ({ name: d.name, requests: served[i]! })),
  };
}
