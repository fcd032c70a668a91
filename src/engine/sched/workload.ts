// Appliance workloads: what a pVM's vCPUs do while virtual time runs.
//
// `idle` never runs; `cpu` is always runnable (a CPU hog); `http`, `redis`, `dns` and `daytime` serve
// requests that arrive as a Poisson process at `rate` per second (split over the vCPUs). Each request is
// a CPU burst of exponentially distributed length whose mean is the guest's share of the network path
// for that request (net/path.ts: netfront, lwIP and events for its packets, and the app's op, from the
// cost model) unless the image sets `burst_us`; at its end the appliance's own code serves it
// (apps/requests.ts: a redis SET writes the page of its key's slot, the others count themselves on their
// stats page), and it writes `dirty_pages` more heap pages at random (connection buffers), all through
// the same copy-on-write path as `touch`: so sharing between a parent and its forks decays while time
// runs. Domain-0's share of each request (the packets through netback) is Domain-0's vCPUs' work,
// scheduled like the guests' (net/netback.ts). Requests that find `backlog` others waiting are dropped,
// as a full listen queue would.
//
// Every vCPU draws from its own seeded stream (host seed, domid, vCPU), so what arrives at one pVM does
// not depend on how the others were scheduled: BOOST on and off see the same requests.

import { region, type Domain } from '../domain.js';
import type { Hypervisor } from '../hypervisor.js';
import type { CfgValue } from '../image.js';
import type { Region } from '../mm/p2m.js';
import type { LinkedLibraries } from '../ports.js';
import { Rng } from '../rng.js';
import { NS_PER_S, NS_PER_US } from '../clock.js';
import type { CostModel } from '../cost-model.js';
import { serveGenerated } from '../apps/requests.js';
import { Apps, type AppKind } from '../apps/subsystem.js';
import { guestPacketValueUs, packetsOf } from '../net/path.js';
import { W_CPU, W_IDLE, W_NETBACK, W_REQUESTS, type WorkState } from './state.js';

export interface WorkloadDefaults {
  /** Requests per second (whole pVM). */
  rate: number;
  /** Heap pages a request writes at random besides its own data (connection buffers). */
  dirty_pages: number;
}

/**
 * The workloads and their defaults. Rates are modest (a class demo needs a few hundred requests per pVM
 * per minute, not production load) so that a host of 100 pVMs simulates an hour in a few seconds; any
 * image or `create` may set its own. A request's CPU comes from the network path and the app's op
 * (cost.ts), or from `burst_us`.
 */
export const WORKLOADS: Record<string, WorkloadDefaults | null> = {
  idle: null,
  cpu: null,
  http: { rate: 5, dirty_pages: 2 },
  redis: { rate: 10, dirty_pages: 0 },
  dns: { rate: 5, dirty_pages: 1 },
  daytime: { rate: 1, dirty_pages: 0 },
};

const OP = { redis: 'redis_op', http: 'http_op', dns: 'dns_op', daytime: 'daytime_op' } as const;
const PACKETS: Record<AppKind, number> = { redis: 0, http: 0, dns: 0, daytime: 0 };
for (const app of Object.keys(PACKETS) as AppKind[]) {
  const n = packetsOf(app);
  PACKETS[app] = n.in + n.out;
}

/**
 * The guest's CPU for one request of an appliance: its packets through netfront, lwIP and events, and its
 * op (µs), as net/path.ts's guestUs prices them; read with value(), so nothing is charged to a meter and
 * a request costs a few lookups (run serves millions of them).
 */
export function requestBurstUs(c: CostModel, app: AppKind): number {
  return PACKETS[app] * guestPacketValueUs(c) + c.value(OP[app]);
}

export interface WorkParams {
  kind: number;
  name: string;
  /** The appliance that serves the requests (its code runs at each burst's end), or null. */
  app: AppKind | null;
  /** The mean burst is the network path's price for a request of `app`, read from the cost model per request (burst_us not set). */
  pathPriced: boolean;
  /**
   * That price (ns) and the cost model's version it was computed at: pricing it afresh for every request
   * was a tenth of `run`'s time; a `cost` command changes the version, so the next request reprices.
   */
  priceNs: number;
  priceVersion: number;
  /** Mean inter-arrival per vCPU, ns. */
  gapNs: number;
  burstNs: number;
  dirtyPages: number;
  backlog: number;
  libCallFrac: number;
}

const num = (raw: Record<string, CfgValue>, k: string, d: number): number =>
  typeof raw[k] === 'number' ? (raw[k] as number) : d;

const APP_WORKLOADS: readonly string[] = ['redis', 'http', 'dns', 'daytime'];

/** A domain's workload parameters from its image keys (create's key=value overrides included). */
export function workParams(d: Domain, cost: CostModel): WorkParams {
  const raw = d.image.raw;
  const name = typeof raw.workload === 'string' ? raw.workload : 'idle';
  const def = WORKLOADS[name] ?? null;
  const kind = name === 'cpu' ? W_CPU : def === null ? W_IDLE : W_REQUESTS;
  const rate = num(raw, 'rate', def?.rate ?? 0);
  const vcpus = Math.max(1, d.vcpus);
  const app = APP_WORKLOADS.includes(name) ? (name as AppKind) : null;
  const burstUs = typeof raw.burst_us === 'number' ? raw.burst_us : app ? requestBurstUs(cost, app) : 0;
  return {
    kind: kind === W_REQUESTS && rate === 0 ? W_IDLE : kind,
    name,
    app,
    pathPriced: app !== null && typeof raw.burst_us !== 'number',
    priceNs: 0,
    priceVersion: -1,
    gapNs: rate > 0 ? (NS_PER_S * vcpus) / rate : Infinity,
    burstNs: burstUs * NS_PER_US,
    dirtyPages: num(raw, 'dirty_pages', def?.dirty_pages ?? 0),
    backlog: num(raw, 'backlog', 128),
    libCallFrac: num(raw, 'lib_call_frac', 0.3),
  };
}

/** A per-vCPU seed from the host seed, the domid and the vCPU number (a 32-bit integer hash). */
export function streamSeed(hostSeed: number, domid: number, vcpu: number): number {
  let h = (hostSeed ^ 0x9e3779b9) >>> 0;
  for (const x of [domid, vcpu]) {
    h = Math.imul(h ^ x, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

export function newWork(p: WorkParams, seed: number, now: number): WorkState {
  const rng = new Rng(seed);
  const w: WorkState = {
    kind: p.kind,
    rng,
    nextArrivalNs: 0,
    queue: [],
    burstLeftNs: 0,
    burstArrivalNs: 0,
    burstLib: null,
    carried: 0,
    deliverTo: -1,
    served: 0,
    dropped: 0,
    failed: 0,
    written: 0,
    cow: 0,
  };
  if (p.kind === W_REQUESTS) w.nextArrivalNs = now + gap(w, p);
  return w;
}

function gap(w: WorkState, p: WorkParams): number {
  return Math.max(1, Math.round(w.rng.exp(p.gapNs)));
}

/** Requests that arrived by `now` join the queue (or are dropped when it is full): returns how many joined. */
export function admit(w: WorkState, p: WorkParams, now: number): number {
  let n = 0;
  while (w.nextArrivalNs <= now) {
    if (w.queue.length < p.backlog) {
      w.queue.push(w.nextArrivalNs);
      n++;
    } else w.dropped++;
    w.nextArrivalNs += gap(w, p);
  }
  return n;
}

/** Start serving the next queued request, if any: returns whether a burst is now in progress. */
export function startBurst(
  w: WorkState,
  p: WorkParams,
  d: Domain,
  dl: LinkedLibraries | null,
  cost: CostModel,
): boolean {
  if (w.queue.length === 0) return false;
  w.burstArrivalNs = w.queue.shift()!;
  // Priced now, so `cost http_op=...` reaches appliances already running.
  const mean = p.pathPriced ? pathPriceNs(p, cost) : p.burstNs;
  w.burstLeftNs = Math.max(1, Math.round(w.rng.exp(mean)));
  w.burstLib = null;
  if (w.rng.next() < p.libCallFrac && dl) {
    const libs = dl.linkedLibraries(d);
    if (libs.length > 0) w.burstLib = libs[w.rng.int(libs.length)]!;
  }
  return true;
}

/** The mean burst of a path-priced request, from the cost model at its current version. */
function pathPriceNs(p: WorkParams, cost: CostModel): number {
  if (p.priceVersion !== cost.version) {
    p.priceNs = requestBurstUs(cost, p.app!) * NS_PER_US;
    p.priceVersion = cost.version;
  }
  return p.priceNs;
}

/** Whether the vCPU has CPU work now (its domain permitting). */
export function hasWork(w: WorkState, now: number): boolean {
  if (w.kind === W_CPU) return true;
  if (w.kind === W_NETBACK) return w.burstLeftNs > 0 || w.queue.length > 0;
  if (w.kind !== W_REQUESTS) return false;
  return w.burstLeftNs > 0 || w.queue.length > 0 || w.nextArrivalNs <= now;
}

/** The region requests write: the heap, else bss, else data. */
export function dirtyRegion(d: Domain): Region | undefined {
  return region(d, 'heap') ?? region(d, 'bss') ?? region(d, 'data');
}

/** The apps subsystem of an engine, found once. */
const appsOf = new WeakMap<Hypervisor, Apps | null>();
function appsIn(hv: Hypervisor): Apps | null {
  let a = appsOf.get(hv);
  if (a === undefined) {
    a = hv.subsystems.find((s): s is Apps => s instanceof Apps) ?? null;
    appsOf.set(hv, a);
  }
  return a;
}

/**
 * The burst in progress finished: the appliance serves the request (its page written), then the request
 * writes its buffer pages (a CoW break where the frame is shared), and is counted. Out of frames for a
 * copy, the request fails (ENOMEM) and the page keeps its old frame. Returns the response latency, or -1
 * when the request failed.
 */
export function completeBurst(
  hv: Hypervisor,
  d: Domain,
  r: Region | undefined,
  w: WorkState,
  p: WorkParams,
  now: number,
): number {
  w.burstLeftNs = 0;
  w.burstLib = null;
  const apps = p.app ? appsIn(hv) : null;
  if (apps) {
    const out = serveGenerated(apps, d, r, w.rng);
    if (out === 'failed') {
      w.failed++;
      return -1;
    }
    // A BGSAVE child only saves: what reaches it is not served (nor counted).
    if (out === 'not-served') return -1;
    w.written++;
    if (out === 'copied') w.cow++;
  }
  if (r && r.pages > 0 && p.dirtyPages > 0) {
    for (let k = 0; k < p.dirtyPages; k++) {
      const page = w.rng.int(r.pages);
      if (hv.frames.free === 0 && hv.mem.framesNeeded(r, page, 1) > 0) {
        w.failed++;
        return -1;
      }
      if (hv.mem.write(r, page) === 'copied') w.cow++;
      w.written++;
    }
  }
  w.served++;
  return now - w.burstArrivalNs;
}
