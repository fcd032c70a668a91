// The 'apps' subsystem: what the appliances keep and answer. A pVM whose image's workload is redis, http,
// dns or daytime has an AppData: its data in its heap pages (pages.ts), the count of requests it served
// (http, dns and daytime keep it on heap page 0), and for redis the last snapshot and a BGSAVE in
// progress. A fork's child gets its parent's page map (shared page arrays, as its frames are shared):
// from then on what either writes is its own.
//
// BGSAVE is Redis's fork-based snapshot: the appliance itself calls fork() (KylinX: do_fork in Domain-0,
// guest-initiated), the child writes its pages to the snapshot and exits while the parent keeps serving;
// the snapshot is the child's data, which is the parent's at fork time whatever the parent writes after.
// Writing takes the child rdb_entry per key of virtual time; the parent notices the child is done (Redis's
// serverCron) when time has run past that: after `run`, or before its next request (settle).

import { DOM0, type Domain, isZombie } from '../domain.js';
import { fail } from '../errors.js';
import type { DomainOrigin, Hypervisor, Subsystem } from '../hypervisor.js';
import type { ImageConfig } from '../image.js';
import { exit, fork, wait } from '../lifecycle.js';
import type { Region } from '../mm/p2m.js';
import { arr, int, nat, record, str } from '../validate.js';
import { zoneEntries } from './dns.js';
import { STATS_PAGE } from './http.js';
import {
  allEntries,
  checkPages,
  dataRegion,
  type Entry,
  ENTRY_HEADER,
  PAGE_BYTES,
  pageBytes,
  pageOf,
  slotIndex,
  withEntry,
} from './pages.js';
import { GENERATED_VALUE, KEYSPACE } from './generated.js';
import { parseZone } from './zone.js';

export const APP_KINDS = ['redis', 'http', 'dns', 'daytime'] as const;
export type AppKind = (typeof APP_KINDS)[number];

/** What Redis's BGSAVE wrote: the entries, and when the fork was taken and the file finished. */
export interface Rdb {
  forkedNs: number;
  savedNs: number;
  entries: Entry[];
}

export interface AppData {
  kind: AppKind;
  pages: Map<number, Entry[]>;
  /**
   * Pages whose entry arrays this pVM alone holds, so a write may change them in place; any other page's
   * array may be its parent's or child's (fork hands the map over) and is copied on write, as its frame
   * is. Not state: after a load every pVM holds its own arrays.
   */
  owned: Set<number>;
  /** Bytes each page's entries take (pageBytes), kept as they change so a SET need not sum its page. Not state. */
  bytes: Map<number, number>;
  /**
   * run's generated SETs (requests.ts), by benchmark key number: 1 when the key holds GENERATED_VALUE on a
   * page this pVM owns, computed for a heap of `settledPages` pages. Another such SET then changes no entry
   * and only writes the frame, so it skips finding its key (millions of SETs per run). Not state; dropped
   * (null) whenever the page map or its ownership may change otherwise: writePage, a fork, a resized heap.
   */
  settled: Uint8Array | null;
  settledPages: number;
  served: number;
  rdb: Rdb | null;
  /** The BGSAVE child writing now, and when it is done. */
  /** A BGSAVE in progress; `killed`: its child died before it was done, and waits to be reaped. */
  bgsave: { child: number; forkedNs: number; doneNs: number; killed?: boolean } | null;
  /** In a BGSAVE child: the parent it writes the snapshot for. */
  savingFor: number | null;
}

export function appKindOf(d: Domain): AppKind | null {
  return appKindOfImage(d.image);
}

interface AppSnapshot {
  domid: number;
  kind: AppKind;
  pages: [number, Entry[]][];
  served: number;
  rdb: Rdb | null;
  bgsave: AppData['bgsave'];
  savingFor: number | null;
}

export class Apps implements Subsystem {
  readonly name = 'apps';
  readonly data = new Map<number, AppData>();

  constructor(private readonly hv: Hypervisor) {}

  /** d's appliance data, or a one-line error naming what it serves instead. */
  /**
   * The appliance data of a `kind` server, for a client's request; `refused` is the client's own words
   * for a refused connection (null: the caller makes no connection, it reads what the server keeps).
   */
  require(d: Domain, kind: AppKind, refused: string | null): AppData {
    if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
    const a = this.data.get(d.domid);
    if (!a || a.kind !== kind) {
      const what = a
        ? `it serves ${a.kind}`
        : d.domid === DOM0
          ? 'it runs the toolstack, not an appliance'
          : `its image runs no ${kind} server (workload = "${String(d.image.raw.workload ?? 'idle')}")`;
      if (refused === null) fail('ENOENT', `${d.name} is not a ${kind} appliance (${what})`);
      fail('ECONNREFUSED', `${refused}: Connection refused (${d.name}: ${what})`);
    }
    if (d.paused) fail('EBUSY', `${d.name} is paused and cannot answer (unpause ${d.name} first)`);
    if (a.savingFor !== null) {
      if (refused === null) fail('ENOENT', `${d.name} is a BGSAVE child: it only saves`);
      fail('ECONNREFUSED', `${refused}: Connection refused (${d.name} is a BGSAVE child: it only saves)`);
    }
    return a;
  }

  // ---- hooks ---------------------------------------------------------------------------------------

  /** An appliance with `workers` forks them at boot: refuse here, before anything changes, if they cannot be. */
  prepareCreate(image: ImageConfig, framesLeft: number): void {
    const n = workersOf(image);
    if (n === 0) return;
    const after = this.hv.liveCount - 1 + 1 + n;
    if (after > this.hv.host.max_domains)
      fail(
        'ENOSPC',
        `${image.name} forks ${n} worker${n === 1 ? '' : 's'} at boot (workers = ${n}): that makes ${after} pVMs, above this host's max_domains (${this.hv.host.max_domains})`,
      );
    // Each fork takes a frame or two (the pair's channel page); leave a margin so no fork fails half-way.
    if (framesLeft < n * WORKER_FRAMES)
      fail('ENOMEM', `${image.name} forks ${n} workers at boot and the host has ${framesLeft} frames free after it`);
  }

  /** A booted appliance with `workers` forks them itself (guest-initiated): the boot includes their forks. */
  onBuilt(d: Domain, how: DomainOrigin): number {
    const n = how === 'boot' ? workersOf(d.image) : 0;
    if (n === 0 || !this.data.has(d.domid)) return 0;
    const f = fork(this.hv, d, n);
    this.hv.emit('workers', d, `${d.name} forked ${n} worker${n === 1 ? '' : 's'} at boot (workers = ${n})`);
    return f.latencyUs;
  }

  onCreate(d: Domain): number {
    const kind = appKindOf(d);
    if (!kind) return 0;
    const a: AppData = {
      kind,
      pages: new Map(),
      owned: new Set(),
      bytes: new Map(),
      settled: null,
      settledPages: 0,
      served: 0,
      rdb: null,
      bgsave: null,
      savingFor: null,
    };
    this.data.set(d.domid, a);
    if (kind === 'dns' && Array.isArray(d.image.raw.zone)) {
      // The server loads its zone into its heap at boot (part of the 3 ms guest boot).
      const r = dataRegion(d);
      for (const e of zoneEntries(parseZone(d.image.raw.zone as string[]))) {
        const page = pageOf(e[0], r.pages);
        this.hv.mem.write(r, page);
        const next = withEntry(a.pages.get(page), e[0], e[1]);
        a.pages.set(page, next);
        a.bytes.set(page, pageBytes(next));
      }
    }
    return 0;
  }

  onFork(parent: Domain, child: Domain): void {
    const a = this.data.get(parent.domid);
    if (!a) return;
    a.owned.clear(); // the child holds the same arrays now
    a.settled = null;
    this.data.set(child.domid, {
      ...a,
      pages: new Map(a.pages),
      owned: new Set(),
      bytes: new Map(a.bytes),
      settled: null,
      bgsave: null,
      savingFor: null,
    });
  }

  onExit(d: Domain): void {
    const a = this.data.get(d.domid);
    if (!a) return;
    this.data.delete(d.domid);
    // A BGSAVE child that dies before it is done leaves no snapshot; its parent notices at its next
    // serverCron (settle), reaps it and says the save failed, as Redis's checkChildrenDone does.
    if (a.savingFor !== null) {
      const p = this.data.get(a.savingFor);
      if (p?.bgsave?.child === d.domid) p.bgsave.killed = true;
    }
  }

  onRemove(d: Domain): void {
    this.onExit(d);
  }

  // ---- requests ------------------------------------------------------------------------------------

  /** Write one page of d's data through copy-on-write; returns whether it broke sharing. */
  writePage(d: Domain, a: AppData, page: number, next: Entry[]): boolean {
    return this.writePageOf(d, dataRegion(d), a, page, next);
  }

  /** writePage with d's data region at hand (run's requests: no lookup per request). */
  writePageOf(d: Domain, r: Region, a: AppData, page: number, next: Entry[]): boolean {
    const copied = this.writeFrame(d, r, page);
    a.settled = null;
    if (next.length === 0) a.pages.delete(page);
    else a.pages.set(page, next);
    a.owned.add(page);
    a.bytes.set(page, pageBytes(next));
    return copied;
  }

  /**
   * Set one key on its page (run's generated SETs): in place when the page's array is this pVM's own,
   * else on a copy. ENOMEM (nothing changed) when the page would overflow or a frame is lacking.
   */
  setEntry(d: Domain, r: Region, a: AppData, page: number, key: string, value: string): boolean {
    const cur = a.pages.get(page);
    // Most SETs update a key already there: look for it by identity before searching by order.
    let at = -1;
    if (cur) for (let i = 0; i < cur.length && at < 0; i++) if (cur[i]![0] === key) at = i;
    if (at < 0) at = cur ? slotIndex(cur, key) : 0;
    const present = cur !== undefined && at < cur.length && cur[at]![0] === key;
    const grows = value.length - (present ? cur[at]![1].length : -key.length - ENTRY_HEADER);
    const used = bytesOf(a, page);
    if (used + grows > PAGE_BYTES) fail('ENOMEM', `${d.name}: heap page ${page} is full`);
    const copied = this.writeFrame(d, r, page);
    if (!cur || !a.owned.has(page)) {
      a.pages.set(page, withEntry(cur, key, value));
      a.owned.add(page);
    } else if (present) {
      // Most generated SETs write the value the key holds: the entry stays (no new tuple per request).
      if (cur[at]![1] !== value) cur[at] = [key, value];
    } else cur.splice(at, 0, [key, value]);
    if (grows !== 0) a.bytes.set(page, used + grows);
    return copied;
  }

  /**
   * run's generated SET of benchmark key n (`key`, on `page`) to GENERATED_VALUE: setEntry, or only the
   * frame's write when the key is settled (it already holds that value on a page this pVM owns, where
   * setEntry would change nothing else).
   */
  setGenerated(d: Domain, r: Region, a: AppData, page: number, n: number, key: string): boolean {
    if (a.settled === null || a.settledPages !== r.pages) {
      a.settled = new Uint8Array(KEYSPACE);
      a.settledPages = r.pages;
    }
    if (a.settled[n] === 1) return this.writeFrame(d, r, page);
    const copied = this.setEntry(d, r, a, page, key, GENERATED_VALUE);
    a.settled[n] = 1;
    return copied;
  }

  /** Write a page's frame through copy-on-write, or ENOMEM with nothing changed. */
  private writeFrame(d: Domain, r: Region, page: number): boolean {
    if (this.hv.frames.free === 0 && this.hv.mem.framesNeeded(r, page, 1) > 0)
      fail('ENOMEM', `${d.name}: out of machine frames for the copy-on-write break this write needs`);
    return this.hv.mem.write(r, page) === 'copied';
  }

  /** Count a served request on the stats page (http, dns, daytime). */
  countRequest(d: Domain, a: AppData): boolean {
    return this.countRequestOn(d, dataRegion(d), a);
  }

  countRequestOn(d: Domain, r: Region, a: AppData): boolean {
    const copied = this.writeFrame(d, r, STATS_PAGE);
    a.served++;
    return copied;
  }

  /**
   * BGSAVE: the appliance forks (guest-initiated do_fork); the child will take rdb_entry per key to write
   * the snapshot. Returns the fork's latency, which the request waits for (Redis replies after fork()).
   */
  bgsave(d: Domain, a: AppData): { child: Domain; latencyUs: number } {
    if (a.bgsave) fail('EBUSY', 'ERR Background save already in progress');
    const f = fork(this.hv, d, 1);
    const child = f.children[0]!.domain;
    const keys = allEntries(a.pages).length;
    const writeUs = this.hv.cost.background(() => this.hv.cost.us('rdb_entry', keys));
    a.bgsave = { child: child.domid, forkedNs: this.hv.nowNs, doneNs: this.hv.nowNs + Math.round(writeUs * 1000) };
    this.data.get(child.domid)!.savingFor = d.domid;
    this.hv.emit(
      'bgsave',
      d,
      `${d.name}: Background saving started by pid ${child.domid} (${child.name}, ${keys} keys)`,
    );
    return { child, latencyUs: f.latencyUs };
  }

  /**
   * Every BGSAVE child whose time is up writes its snapshot, exits, and is reaped by its parent; one that
   * was killed first is reaped, and the save reported failed (the last snapshot stays).
   */
  settle(): void {
    for (const [domid, a] of [...this.data]) {
      const b = a.bgsave;
      if (b?.killed) {
        this.reapKilled(domid, a, b.child);
        continue;
      }
      if (!b || this.hv.nowNs < b.doneNs) continue;
      const parent = this.hv.domains.get(domid)!;
      const child = this.hv.domains.get(b.child)!;
      if (child.paused || child.waiting) continue; // it writes on once it runs again
      const c = this.data.get(b.child)!;
      a.rdb = { forkedNs: b.forkedNs, savedNs: b.doneNs, entries: allEntries(c.pages) };
      a.bgsave = null;
      this.hv.cost.background(() => {
        exit(this.hv, child, 0);
        if (!parent.paused && !parent.waiting && isZombie(child)) wait(this.hv, parent, child);
      });
      this.hv.emit(
        'bgsave',
        parent,
        `${parent.name}: Background saving terminated with success (${a.rdb.entries.length} keys)`,
      );
    }
  }

  private reapKilled(domid: number, a: AppData, childId: number): void {
    const parent = this.hv.domains.get(domid)!;
    if (parent.paused || parent.waiting) return; // it notices when it runs again
    const child = this.hv.domains.get(childId);
    const ending =
      child && isZombie(child) ? this.hv.cost.background(() => wait(this.hv, parent, child).reaped?.ending) : undefined;
    a.bgsave = null;
    this.hv.emit(
      'bgsave',
      parent,
      `${parent.name}: Background saving terminated ${ending && 'signal' in ending ? `by signal SIG${ending.signal}` : 'with error'} (no snapshot written; the last one stays)`,
    );
  }

  // ---- invariants and snapshots ------------------------------------------------------------------------

  check(): string[] {
    const p: string[] = [];
    for (const [domid, a] of this.data) {
      const d = this.hv.domains.get(domid);
      if (!d || isZombie(d)) {
        p.push(`domid ${domid} has appliance data but is not running`);
        continue;
      }
      if (appKindOf(d) !== a.kind)
        p.push(`${d.name} keeps ${a.kind} data but its image runs ${String(d.image.raw.workload)}`);
      const r = d.regions.find((x) => x.name === 'heap') ?? d.regions.find((x) => x.name === 'bss');
      p.push(...checkPages(d.name, a.pages, r?.pages ?? 0));
      for (const [n, pg] of a.pages)
        if (bytesOf(a, n) !== pageBytes(pg))
          p.push(`${d.name}'s page ${n} counts ${bytesOf(a, n)} bytes, holds ${pageBytes(pg)}`);
      if (a.bgsave && !a.bgsave.killed) {
        const c = this.data.get(a.bgsave.child);
        if (!c || c.savingFor !== domid) p.push(`${d.name}'s BGSAVE child ${a.bgsave.child} is not saving for it`);
      }
      if (
        a.savingFor !== null &&
        this.data.get(a.savingFor)?.bgsave?.child !== domid &&
        this.hv.domains.has(a.savingFor)
      )
        p.push(`${d.name} saves for ${a.savingFor}, which is not waiting for it`);
    }
    for (const d of this.hv.pvms())
      if (!isZombie(d) && appKindOf(d) && !this.data.has(d.domid) && d.domid !== DOM0)
        p.push(`${d.name} runs ${appKindOf(d)} but has no appliance data`);
    return p;
  }

  save(): AppSnapshot[] {
    return [...this.data].map(([domid, a]) => ({
      domid,
      kind: a.kind,
      pages: [...a.pages].sort((x, y) => x[0] - y[0]).map(([n, pg]) => [n, pg.map((e) => [e[0], e[1]] as const)]),
      served: a.served,
      rdb: a.rdb,
      bgsave: a.bgsave,
      savingFor: a.savingFor,
    }));
  }

  load(v: unknown): void {
    this.data.clear();
    if (v === undefined) return; // a state saved before the appliances answered
    if (!Array.isArray(v)) fail('EINVAL', 'state: apps must be a list');
    v.forEach((x, i) => {
      const w = `state: apps[${i}]`;
      const o = record(x, w);
      const kind = str(o, 'kind', w);
      if (!(APP_KINDS as readonly string[]).includes(kind)) fail('EINVAL', `${w}.kind: no appliance '${kind}'`);
      const pages = new Map<number, Entry[]>();
      for (const pg of arr(o, 'pages', w)) {
        if (!Array.isArray(pg) || typeof pg[0] !== 'number' || !Array.isArray(pg[1]))
          fail('EINVAL', `${w}.pages: bad page`);
        pages.set(
          pg[0],
          (pg[1] as unknown[]).map((e) => entryOf(e, w)),
        );
      }
      this.data.set(nat(o, 'domid', w), {
        kind: kind as AppKind,
        pages,
        owned: new Set(pages.keys()),
        bytes: new Map([...pages].map(([n, pg]) => [n, pageBytes(pg)])),
        settled: null,
        settledPages: 0,
        served: nat(o, 'served', w),
        rdb: rdbOf(o.rdb, w),
        bgsave: bgsaveOf(o.bgsave, w),
        savingFor: o.savingFor === null ? null : nat(o, 'savingFor', w),
      });
    });
  }
}

/** Frames a worker's fork may take besides shared pages (IpC's channel page, with a margin). */
const WORKER_FRAMES = 4;

function workersOf(image: ImageConfig): number {
  const n = image.raw.workers;
  return typeof n === 'number' && appKindOfImage(image) !== null ? n : 0;
}

function appKindOfImage(image: ImageConfig): AppKind | null {
  const w = image.raw.workload;
  return typeof w === 'string' && (APP_KINDS as readonly string[]).includes(w) ? (w as AppKind) : null;
}

function bytesOf(a: AppData, page: number): number {
  return a.bytes.get(page) ?? 0;
}

function entryOf(e: unknown, w: string): Entry {
  if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'string')
    fail('EINVAL', `${w}: an entry must be [key, value]`);
  return [e[0], e[1]];
}

function rdbOf(v: unknown, w: string): Rdb | null {
  if (v === null) return null;
  const o = record(v, `${w}.rdb`);
  return {
    forkedNs: int(o, 'forkedNs', `${w}.rdb`),
    savedNs: int(o, 'savedNs', `${w}.rdb`),
    entries: arr(o, 'entries', `${w}.rdb`).map((e) => entryOf(e, `${w}.rdb`)),
  };
}

function bgsaveOf(v: unknown, w: string): AppData['bgsave'] {
  if (v === null) return null;
  const o = record(v, `${w}.bgsave`);
  return {
    child: nat(o, 'child', `${w}.bgsave`),
    forkedNs: int(o, 'forkedNs', `${w}.bgsave`),
    doneNs: int(o, 'doneNs', `${w}.bgsave`),
    ...(o.killed === true ? { killed: true } : {}),
  };
}
