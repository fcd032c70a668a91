// The hypervisor facade: the host, its domains, virtual time, the event bus, subsystems, snapshots and
// the invariant check. Operations on domains live beside it (lifecycle.ts, mm/access.ts); subsystems
// (scheduler, IpC, libraries) plug in through the Subsystem interface so this file stays the hub. They
// follow the domains through the hooks of that interface; the event bus (emit) only feeds output.

import { DOM0, Domain, DomainSnapshot, isHeld, isZombie } from './domain.js';
import { checkDomainShape } from './domain-shape.js';
import { checkOverrides, CostModel, CostOverrides } from './cost-model.js';
import { EngineError, fail } from './errors.js';
import { DEFAULT_HOST, HostConfig, ImageConfig } from './image.js';
import { suggest } from './suggest.js';
import { Accounting } from './mm/accounting.js';
import { FrameTable, FrameSnapshot } from './mm/frames.js';
import { ChunkSnapshot, Memory, Region } from './mm/p2m.js';
import { hashInts } from './hash.js';
import { checkHost } from './host-shape.js';
import type { Rec } from './validate.js';
import { Rng } from './rng.js';
import { Waiting, waitingToSnapshot } from './waiting.js';

export const STATE_FORMAT = 'kylinx-sh-state';
export const STATE_VERSION = 1;

/** One thing that happened in the engine, for the event log and for command output. */
export interface EngineEvent {
  /** created, forked, cow, exited, reaped, destroyed, paused, unpaused, renamed, signal, blocked, woke, ... */
  kind: string;
  domid: number;
  name: string;
  text: string;
  /** Virtual time, ns. */
  t: number;
  /** What it carried, for --json (a wake-up: the call and what it returned; a reparenting: the new parent). */
  data?: EventData;
}

export type EventData = Record<string, string | number | boolean | null>;

/**
 * How an exiting pVM's parent was told (SIGCHLD, KylinX Table 2): over the pair's link, over a link made
 * by first contact for it, or relayed by Domain-0 when no link could be made.
 */
export interface ParentNotice {
  via: 'link' | 'first-contact' | 'domain-0';
}

/** How a domain came to be: booted from its image, forked, or restored from a checkpoint (recycling). */
export type DomainOrigin = 'boot' | 'fork' | 'restore';

/** A part of the engine with its own state (scheduler, IpC, libraries, XenStore). */
export interface Subsystem {
  readonly name: string;
  save(): unknown;
  load(data: unknown): void;
  /** Invariant problems; empty when all is well. */
  check(): string[];
  /** A cheaper stand-in for JSON.stringify(save()) in fingerprints; equal states, equal strings. */
  fingerprint?(): string;
  /** Regions held by the host rather than a pVM (library masters, shm segments), for the memory check. */
  heldRegions?(): Iterable<Region>;
  /** A new pVM's record entered the domain table (create), before any onCreate maps what its image asks for. */
  onInsert?(d: Domain): void;
  /** A pVM is about to be created from `image`, `framesLeft` frames free after its own memory: throw to refuse (nothing changed yet). */
  prepareCreate?(image: ImageConfig, framesLeft: number): void;
  /** A pVM was just created with its memory: map what its image asks for; returns the modeled µs this adds. */
  onCreate?(d: Domain): number;
  /**
   * A new domain is complete (created with its libraries, a fork's child, restored from a checkpoint): the
   * toolstack's own work for it (XenStore entries); returns the modeled µs this adds.
   */
  onBuilt?(d: Domain, how: DomainOrigin): number;
  /** A child was forked: inherit what a child inherits. */
  onFork?(parent: Domain, child: Domain): void;
  /**
   * A pVM is about to stop (exit or killed by a signal; not destroy), its channels still open: tell its
   * parent (SIGCHLD). Returns how the parent was told, or null when nobody was (see ParentNotice).
   */
  beforeExit?(d: Domain): ParentNotice | null;
  /** A pVM stopped running (exit or killed): release what it held, tell its peers. */
  onExit?(d: Domain): void;
  /** A pVM record is going away (reaped or destroyed). */
  onRemove?(d: Domain): void;
  /** A line for the hypervisor's console ring (conring.ts) at virtual time `t`. */
  onPrintk?(t: number, text: string): void;
  /** A blocked pVM was woken. */
  onWake?(d: Domain): void;
  /** A pVM stopped running: paused by the toolstack (xl pause) or stopped by a signal (SIGSTOP). */
  onPause?(d: Domain): void;
  /** A pVM runs again: the last of its pause references went (xl unpause, SIGCONT); see Hypervisor.hold. */
  onUnpause?(d: Domain): void;
  /** Why a paused pVM must stay paused (a VM fork's parent), or null: xl unpause asks. */
  holdsPaused?(d: Domain): string | null;
  /** A pVM blocked in a call (d.waiting says which). */
  onBlock?(d: Domain): void;
}

export interface HypervisorSnapshot {
  format: typeof STATE_FORMAT;
  version: number;
  host: HostConfig;
  nowNs: number;
  rng: number;
  nextDomid: number;
  pool: number;
  /** Overridden cost constants (cost-model.ts); absent in states saved before costs could be overridden. */
  costs: CostOverrides;
  frames: FrameSnapshot;
  chunks: ChunkSnapshot;
  domains: DomainSnapshot[];
  subsystems: Record<string, unknown>;
}

export class Hypervisor {
  readonly host: HostConfig;
  readonly rng: Rng;
  /** The cost table with this host's overrides, and the meter commands are explained from. */
  readonly cost: CostModel;
  frames: FrameTable;
  mem: Memory;
  acct: Accounting;
  readonly domains = new Map<number, Domain>();
  private readonly byName = new Map<string, number>();
  /**
   * For `base`, a k such that base-2 .. base-(k-1) are all taken (freeSuffixed's scan starts there): a
   * cache, lowered whenever such a name goes, so the answer is always the lowest free one, as a scan from
   * 2 gives, without 2000 lookups for the 2000th `create daytime`.
   */
  private readonly suffixFrom = new Map<string, number>();
  nextDomid = 1;
  /** Pre-created empty domain shells (LightVM's split toolstack). */
  pool = 0;
  /** Virtual time in ns; only `run` moves it. */
  nowNs = 0;
  readonly subsystems: Subsystem[] = [];
  private events: EngineEvent[] = [];
  private listeners: ((e: EngineEvent) => void)[] = [];

  constructor(host: Partial<HostConfig> = {}, costs: CostOverrides = {}) {
    this.host = { ...DEFAULT_HOST, raw: {}, ...host };
    this.rng = new Rng(this.host.seed);
    this.cost = new CostModel(costs);
    this.frames = new FrameTable(((this.host.memory - this.host.dom0_mem) * 1024) / 4);
    this.mem = new Memory(this.frames);
    this.acct = new Accounting(this.mem);
    this.insert({
      domid: DOM0,
      name: 'Domain-0',
      image: {
        name: 'Domain-0',
        description: 'the control domain',
        memory: this.host.dom0_mem,
        vcpus: this.host.dom0_vcpus,
        text_kb: 0,
        data_kb: 0,
        bss_kb: 0,
        stack_kb: 0,
        heap_kb: 0,
        raw: {},
      },
      parent: DOM0,
      children: [],
      family: DOM0,
      forks: 0,
      vcpus: this.host.dom0_vcpus,
      memMiB: this.host.dom0_mem,
      regions: [],
      paused: false,
      stopped: false,
      shutdown: null,
      waiting: null,
      createdNs: 0,
    });
    this.pool = this.host.pool;
  }

  // ---- domains -------------------------------------------------------------------------------------

  insert(d: Domain): void {
    this.domains.set(d.domid, d);
    this.byName.set(d.name, d.domid);
  }

  remove(d: Domain): void {
    this.domains.delete(d.domid);
    this.byName.delete(d.name);
    this.nameFreed(d.name);
  }

  rename(d: Domain, name: string): void {
    this.byName.delete(d.name);
    this.nameFreed(d.name);
    d.name = name;
    this.byName.set(name, d.domid);
  }

  /** The lowest free `base-k` (k from 2). */
  freeSuffixed(base: string): string {
    let k = this.suffixFrom.get(base) ?? 2;
    while (this.byName.has(`${base}-${k}`)) k++;
    this.suffixFrom.set(base, k);
    return `${base}-${k}`;
  }

  private nameFreed(name: string): void {
    const m = /^(.+)-([0-9]+)$/.exec(name);
    if (!m) return;
    const at = this.suffixFrom.get(m[1]!);
    if (at !== undefined && Number(m[2]) < at) this.suffixFrom.set(m[1]!, Number(m[2]));
  }

  get dom0(): Domain {
    return this.domains.get(DOM0)!;
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  /** Find a pVM by name or domid, or fail with a did-you-mean. */
  lookup(ref: string): Domain {
    const byName = this.byName.get(ref);
    if (byName !== undefined) return this.domains.get(byName)!;
    if (/^[0-9]+$/.test(ref)) {
      const d = this.domains.get(Number(ref));
      if (d) return d;
      fail('ENOENT', `no pVM with domid ${ref}`);
    }
    const near = suggest(ref, this.byName.keys());
    fail('ENOENT', `no pVM named '${ref}'${near ? ` (did you mean '${near}'?)` : ''}`);
  }

  /** Every domain, Domain-0 first, then by domid. */
  list(): Domain[] {
    const all = [...this.domains.values()];
    // Domains are inserted in domid order (a saved state is loaded in that order too): sort only if not.
    for (let i = 1; i < all.length; i++)
      if (all[i - 1]!.domid > all[i]!.domid) return all.sort((a, b) => a.domid - b.domid);
    return all;
  }

  /** pVMs only (not Domain-0). */
  *pvms(): IterableIterator<Domain> {
    for (const d of this.domains.values()) if (d.domid !== DOM0) yield d;
  }

  get liveCount(): number {
    return this.domains.size;
  }

  /** A pVM making a call must be running: not exited, paused or already blocked in another call. */
  requireActive(d: Domain, what: string): void {
    if (d.domid === DOM0) fail('EINVAL', `Domain-0 cannot ${what}`);
    if (isZombie(d)) fail('ESRCH', `${d.name} has exited (a zombie until its parent waits for it)`);
    if (d.paused) fail('EBUSY', `${d.name} is paused (unpause ${d.name} first)`);
    if (d.stopped) fail('EBUSY', `${d.name} is stopped by a signal (kill -CONT ${d.name} first)`);
    if (d.waiting) fail('EBUSY', `${d.name} is blocked in ${d.waiting.call} on ${d.waiting.on}`);
  }

  // ---- events --------------------------------------------------------------------------------------

  emit(kind: string, d: Domain, text: string, data?: EventData): void {
    const e: EngineEvent = { kind, domid: d.domid, name: d.name, text, t: this.nowNs, ...(data ? { data } : {}) };
    this.events.push(e);
    for (const l of this.listeners) l(e);
  }

  /** printk: a line for the console ring (xl dmesg), at the current virtual time. */
  printk(text: string): void {
    for (const s of this.subsystems) s.onPrintk?.(this.nowNs, text);
  }

  /** Events since the last drain (the command layer drains after every command). */
  drainEvents(): EngineEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  /** A display's feed of events (the console's log); subsystems use the hooks instead. */
  onEvent(l: (e: EngineEvent) => void): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  // ---- pausing -------------------------------------------------------------------------------------

  /**
   * Take or drop one of a pVM's two pause references: the toolstack's (xl pause, Xen's controller pause
   * count) or job control's (SIGSTOP / SIGCONT). Each is cleared only by its own: the pVM runs when
   * neither is held. The hooks hear the transitions: onPause when it stops running, onUnpause when it
   * runs again (where its pending signals and its blocked call go on).
   */
  hold(d: Domain, by: 'controller' | 'signal', on: boolean): void {
    const was = isHeld(d);
    if (by === 'controller') d.paused = on;
    else d.stopped = on;
    const now = isHeld(d);
    if (!was && now) for (const s of this.subsystems) s.onPause?.(d);
    if (was && !now) for (const s of this.subsystems) s.onUnpause?.(d);
  }

  // ---- blocking ------------------------------------------------------------------------------------

  /** `d` blocks in a call: it waits for `w` until the matching call wakes it. */
  block(d: Domain, w: Waiting): void {
    d.waiting = w;
    this.emit('blocked', d, `${d.name} blocks in ${w.call} on ${w.on}`);
    for (const s of this.subsystems) s.onBlock?.(d);
  }

  /** Why `d` must stay paused, if a subsystem holds it so (null: it may be unpaused). */
  pausedBy(d: Domain): string | null {
    for (const s of this.subsystems) {
      const why = s.holdsPaused?.(d);
      if (why) return why;
    }
    return null;
  }

  /** `d`'s blocked call returns: `data` says what it returned (the call, bytes, a child, an errno). */
  wake(d: Domain, text: string, data: EventData): void {
    d.waiting = null;
    this.emit('woke', d, text, data);
    for (const s of this.subsystems) s.onWake?.(d);
  }

  // ---- subsystems ----------------------------------------------------------------------------------

  register(s: Subsystem): void {
    this.subsystems.push(s);
  }

  /** Every p2m list on the host: pVM regions and host-held ones. */
  *allRegions(): IterableIterator<Region> {
    yield* this.pvmRegions();
    for (const s of this.subsystems) if (s.heldRegions) yield* s.heldRegions();
  }

  *pvmRegions(): IterableIterator<Region> {
    for (const d of this.domains.values()) yield* d.regions;
  }

  /** pvmRegions as a walk (accounting's refresh over 100,000 pVMs: no generator step per region). */
  private readonly walkPvmRegions = (visit: (r: Region) => void): void => {
    for (const d of this.domains.values()) for (const r of d.regions) visit(r);
  };

  /** Accounting, brought up to date with the memory. */
  accounting(): Accounting {
    this.acct.refresh(this.walkPvmRegions);
    return this.acct;
  }

  // ---- invariants ----------------------------------------------------------------------------------

  /** Every invariant of DESIGN.md §2.7; returns the problems found (empty when the engine is sound). */
  check(): string[] {
    const p: string[] = [];
    p.push(...this.mem.check(this.allRegions()));
    // The incremental mapping counts against a count from scratch (only over sound p2m lists).
    if (p.length === 0) p.push(...this.acct.check(this.walkPvmRegions));
    if (this.frames.free + this.frames.used !== this.frames.total) p.push('free + used frames != total');
    const dom0 = this.domains.get(DOM0);
    if (!dom0) p.push('Domain-0 is missing');
    for (const [name, id] of this.byName) {
      if (this.domains.get(id)?.name !== name) p.push(`name index maps '${name}' to ${id}, which is named otherwise`);
    }
    if (this.byName.size !== this.domains.size) p.push('name index and domain table differ in size');
    for (const d of this.domains.values()) {
      if (d.domid >= this.nextDomid && d.domid !== DOM0)
        p.push(`${d.name} has domid ${d.domid} >= next domid ${this.nextDomid}`);
      if (d.domid === DOM0) continue;
      const parent = this.domains.get(d.parent);
      if (!parent) p.push(`${d.name}'s parent ${d.parent} does not exist`);
      else if (!parent.children.includes(d.domid))
        p.push(`${d.name} is not among its parent ${parent.name}'s children`);
      if (parent && parent.domid !== DOM0 && parent.family !== d.family)
        p.push(`${d.name} is in family ${d.family}, its parent in ${parent.family}`);
      if (isZombie(d) && d.regions.length > 0) p.push(`zombie ${d.name} still holds memory`);
      if (isZombie(d) && d.children.length > 0) p.push(`zombie ${d.name} still has children`);
      if (isZombie(d) && isHeld(d)) p.push(`zombie ${d.name} still holds a pause reference`);
      if (isZombie(d) && d.parent === DOM0)
        p.push(`zombie ${d.name} has Domain-0 as parent (the toolstack reaps at once)`);
      for (const c of d.children) {
        if (this.domains.get(c)?.parent !== d.domid) p.push(`${d.name} lists child ${c}, whose parent is another`);
      }
    }
    for (const c of dom0?.children ?? [])
      if (this.domains.get(c)?.parent !== DOM0) p.push(`Domain-0 lists child ${c}, whose parent is another`);
    for (const s of this.subsystems) p.push(...s.check().map((x) => `${s.name}: ${x}`));
    return p;
  }

  // ---- snapshots -----------------------------------------------------------------------------------

  save(): HypervisorSnapshot {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      host: this.host,
      nowNs: this.nowNs,
      rng: this.rng.save(),
      nextDomid: this.nextDomid,
      pool: this.pool,
      costs: this.cost.overrides(),
      frames: this.frames.save(),
      chunks: this.mem.save(),
      domains: this.list().map((d) => ({
        ...d,
        children: [...d.children],
        regions: d.regions.map((r) => this.mem.saveRegion(r)),
        waiting: d.waiting && waitingToSnapshot(d.waiting),
      })),
      subsystems: Object.fromEntries(this.subsystems.map((s) => [s.name, s.save()])),
    };
  }

  /**
   * A digest of everything save() would write, without building the JSON: the bulk (frame contents and
   * chunk maps) is hashed straight from the typed arrays. Equal states give equal fingerprints; the fuzzer
   * uses it to prove a failed command changed nothing at a fraction of the cost of serializing.
   */
  fingerprint(): string {
    const light = {
      nowNs: this.nowNs,
      rng: this.rng.save(),
      nextDomid: this.nextDomid,
      pool: this.pool,
      costs: this.cost.overrides(),
      domains: this.list().map((d) => ({
        ...d,
        regions: d.regions.map((r) => [r.name, r.kind, r.pages, hashInts(r.p2m)]),
        waiting: d.waiting && waitingToSnapshot(d.waiting),
      })),
      subsystems: this.subsystems.map((s) => (s.fingerprint ? s.fingerprint() : s.save())),
    };
    return `${JSON.stringify(light)}|${this.frames.fingerprint()}|${this.mem.fingerprint()}`;
  }

  /**
   * Restore a saved state into this hypervisor (constructed with the saved host config and the same
   * subsystems registered). Throws EINVAL with the reason for a document that is not a state of ours.
   */
  load(s: StateDocument): void {
    this.nowNs = s.nowNs;
    this.rng.restore(s.rng);
    this.nextDomid = s.nextDomid;
    this.pool = s.pool;
    this.cost.load(s.costs);
    this.frames = FrameTable.load(s.frames);
    this.mem = Memory.load(this.frames, s.chunks);
    this.acct = new Accounting(this.mem);
    this.domains.clear();
    this.byName.clear();
    this.suffixFrom.clear();
    for (const [i, v] of s.domains.entries()) {
      const ds = checkDomainShape(v, i); // a hand-edited record is refused here, not inside a later command
      this.insert({ ...ds, regions: ds.regions.map((r, j) => this.mem.loadRegion(r, `domains[${i}].regions[${j}]`)) });
    }
    for (const sub of this.subsystems) sub.load(s.subsystems[sub.name]);
  }
}

/**
 * A state document with its outer shape checked: the host read into a HostConfig (missing keys take the
 * defaults, as a new Hypervisor does), the bulk and the records left for their loaders to check as they
 * read them (FrameTable.load, Memory.load, checkDomainShape, each subsystem's load).
 */
export interface StateDocument {
  host: HostConfig;
  nowNs: number;
  rng: number;
  nextDomid: number;
  pool: number;
  costs: CostOverrides;
  frames: Rec;
  chunks: Rec;
  domains: unknown[];
  subsystems: Rec;
}

/** Validate the outer shape of a state document before trusting it. */
export function validateSnapshot(doc: unknown): StateDocument {
  const bad = (why: string): never => {
    throw new EngineError('EINVAL', why);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return bad('not a kylinx-sh state (expected a JSON object)');
  const o: Rec = { ...doc };
  if (o.format !== STATE_FORMAT)
    bad(`not a kylinx-sh state (format is ${JSON.stringify(o.format)}, expected "${STATE_FORMAT}")`);
  if (o.version !== STATE_VERSION)
    bad(`state version ${JSON.stringify(o.version)} is not supported (this kylinx-sh reads version ${STATE_VERSION})`);
  const section = (k: string): Rec => {
    const v = o[k];
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : bad(`state has no valid '${k}'`);
  };
  const number = (k: string): number => {
    const v = o[k];
    return typeof v === 'number' ? v : bad(`state has no valid '${k}'`);
  };
  const host = section('host');
  const frames = section('frames');
  const chunks = section('chunks');
  const subsystems = section('subsystems');
  const nowNs = number('nowNs');
  const rng = number('rng');
  const nextDomid = number('nextDomid');
  const pool = number('pool');
  const domains = Array.isArray(o.domains) ? o.domains : bad("state has no valid 'domains'");
  const costs = checkOverrides(o.costs, 'state: costs');
  return { host: checkHost(host), nowNs, rng, nextDomid, pool, costs, frames, chunks, domains, subsystems };
}
