// The IpC subsystem: its state (state.ts) plugged into the hypervisor, with the hooks that keep it right
// as pVMs fork, exit and go away, its snapshots and its invariant check. The mechanisms live one per file
// beside it (link.ts, pipe.ts, msg.ts, shm.ts, signal.ts) and work on the state alone.

import type { Domain } from '../domain.js';
import { DOM0, isZombie } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor, ParentNotice, Subsystem } from '../hypervisor.js';
import { GrantSnapshot, GrantTables } from '../mm/grant.js';
import type { Region, RegionSnapshot } from '../mm/p2m.js';
import { checkIpcShape } from './shape.js';
import { EVTCHN_DEFAULT_PORTS, EventChannels, EvtchnSnapshot } from './evtchn.js';
import { checkLinks, linkAfterFork, unlinkAll } from './link.js';
import { checkQueues, leaveQueues } from './msg.js';
import { checkPipes, closeEndsOf, PipeSnapshot } from './pipe.js';
import { resume } from './resume.js';
import { checkSegments, detachAll, inheritAttachments } from './shm.js';
import { deliverHostSignal, sigchld } from './signal.js';
import {
  IpcState,
  type Link,
  type MsgQueue,
  forgetUnnamed,
  namedDomids,
  rememberName,
  type Segment,
  type SignalStats,
} from './state.js';
import { Ring } from './vchan.js';

export const IPC = 'ipc';

interface IpcSnapshot {
  evtchn: EvtchnSnapshot;
  grants: GrantSnapshot;
  links: (Omit<Link, 'page'> & { page: RegionSnapshot })[];
  pipes: PipeSnapshot[];
  queues: MsgQueue[];
  segments: (Omit<Segment, 'master'> & { master: RegionSnapshot })[];
  signals: [number, SignalStats][];
  /** Absent in states saved before gone pVMs kept their names. */
  gone?: [number, string][];
  next: { pipe: number; msq: number; shm: number };
}

export class Ipc extends IpcState implements Subsystem {
  readonly name = IPC;

  constructor(private readonly hv: Hypervisor) {
    super(portLimit(hv));
  }

  // ---- hooks ----------------------------------------------------------------------------------------

  onFork(parent: Domain, child: Domain): void {
    inheritAttachments(this, child);
    linkAfterFork(this.hv, this, parent, child);
  }

  beforeExit(d: Domain): ParentNotice | null {
    return sigchld(this.hv, this, d);
  }

  /** Close its pipe ends, leave queues and segments, tear down its links, drop family objects if it was the last. */
  onExit(d: Domain): void {
    // SIGPIPEs the closed read ends raised go out once every pipe end of d is closed.
    for (const raised of closeEndsOf(this.hv, this, d)) deliverHostSignal(this.hv, this, raised);
    leaveQueues(this, d);
    detachAll(this, d);
    unlinkAll(this.hv, this, d);
    this.signals.delete(d.domid);
    this.dropFamilyIfGone(d.family, d.domid);
    forgetUnnamed(this);
  }

  onRemove(d: Domain): void {
    this.signals.delete(d.domid);
    rememberName(this, d.domid, d.name);
  }

  /** It runs again: pending signals, then its blocked call goes on (resume.ts). */
  onUnpause(d: Domain): void {
    resume(this.hv, this, d);
  }

  /** Queues and segments belong to a family; they go when its last live pVM does. */
  private dropFamilyIfGone(family: number, leaving: number): void {
    for (const p of this.hv.pvms()) if (p.family === family && p.domid !== leaving && !isZombie(p)) return;
    for (const q of [...this.queues.values()]) if (q.family === family) this.queues.delete(q.id);
    for (const s of [...this.segments.values()]) {
      if (s.family !== family) continue;
      this.hv.mem.release(s.master);
      this.segments.delete(s.id);
    }
  }

  *heldRegions(): Iterable<Region> {
    for (const l of this.links.values()) yield l.page;
    for (const p of this.pipes.values()) if (p.pages) yield p.pages;
    for (const s of this.segments.values()) yield s.master;
  }

  // ---- snapshots ------------------------------------------------------------------------------------

  save(): IpcSnapshot {
    const mem = this.hv.mem;
    return {
      evtchn: this.evtchn.save(),
      grants: this.grants.save(),
      links: [...this.links.values()].map((l) => ({ ...l, page: mem.saveRegion(l.page) })),
      pipes: [...this.pipes.values()].map((p) => ({
        ...p,
        refs: [...p.refs],
        handles: [...p.handles],
        ring: p.ring.save(),
        pages: p.pages ? mem.saveRegion(p.pages) : null,
      })),
      queues: [...this.queues.values()].map((q) => ({
        ...q,
        messages: q.messages.map((m) => ({ ...m })),
        receivers: [...q.receivers],
        senders: [...q.senders],
      })),
      segments: [...this.segments.values()].map((s) => ({
        ...s,
        attachers: [...s.attachers],
        master: mem.saveRegion(s.master),
      })),
      signals: [...this.signals].map(([d, s]) => [d, { ...s, pending: [...s.pending] }]),
      gone: [...this.gone],
      next: { pipe: this.nextPipe, msq: this.nextMsq, shm: this.nextShm },
    };
  }

  load(data: unknown): void {
    if (data === undefined) return;
    if (typeof data !== 'object' || data === null) fail('EINVAL', 'state has no valid ipc section');
    checkIpcShape(data, (domid) => this.hv.domains.has(domid));
    const s = data as IpcSnapshot;
    const mem = this.hv.mem;
    this.evtchn = EventChannels.load(s.evtchn, portLimit(this.hv));
    this.grants = GrantTables.load(s.grants);
    this.links = new Map(
      s.links.map((l) => [`${Math.min(l.a, l.b)}-${Math.max(l.a, l.b)}`, { ...l, page: mem.loadRegion(l.page) }]),
    );
    this.pipes = new Map(
      s.pipes.map((p) => [
        p.id,
        {
          ...p,
          refs: [...p.refs],
          handles: [...p.handles],
          ring: Ring.load(p.ring),
          pages: p.pages ? mem.loadRegion(p.pages) : null,
        },
      ]),
    );
    this.queues = new Map(
      s.queues.map((q) => [
        q.id,
        { ...q, messages: q.messages.map((m) => ({ ...m })), receivers: [...q.receivers], senders: [...q.senders] },
      ]),
    );
    this.segments = new Map(
      s.segments.map((x) => [x.id, { ...x, attachers: [...x.attachers], master: mem.loadRegion(x.master) }]),
    );
    this.signals = new Map(s.signals.map(([d, x]) => [d, { ...x, pending: [...x.pending] }]));
    this.gone = new Map(s.gone ?? []);
    this.nextPipe = s.next.pipe;
    this.nextMsq = s.next.msq;
    this.nextShm = s.next.shm;
  }

  // ---- invariants -----------------------------------------------------------------------------------

  check(): string[] {
    const hv = this.hv;
    const running = (domid: number): boolean => {
      const d = hv.domains.get(domid);
      return d !== undefined && !isZombie(d) && domid !== DOM0;
    };
    const p = [
      ...this.evtchn.check(running),
      ...this.grants.check(running),
      ...checkLinks(hv, this),
      ...checkPipes(hv, this),
      ...checkQueues(hv, this),
      ...checkSegments(hv, this),
    ];
    // Every port and grant belongs to a link or a pipe: nothing leaks when its user goes.
    const ports = new Set<string>();
    for (const l of this.links.values()) ports.add(`${l.a}:${l.portA}`).add(`${l.b}:${l.portB}`);
    for (const d of this.evtchn.domains())
      for (const port of this.evtchn.portsOf(d))
        if (!ports.has(`${d}:${port.port}`))
          p.push(`port ${port.port} of domain ${d} (${port.use}) belongs to no link`);
    const refs = new Set<string>();
    for (const l of this.links.values()) refs.add(`${l.a}:${l.ref}`);
    for (const pipe of this.pipes.values()) for (const r of pipe.refs) refs.add(`${pipe.reader}:${r}`);
    for (const d of this.grants.domains())
      for (const e of this.grants.entriesOf(d))
        if (!refs.has(`${d}:${e.ref}`)) p.push(`grant ${e.ref} of domain ${d} (${e.use}) belongs to no link or pipe`);
    const named = namedDomids(this);
    for (const [d, name] of this.gone) {
      if (hv.domains.has(d)) p.push(`domain ${d} is live but kept as gone '${name}'`);
      if (!named.has(d)) p.push(`gone '${name}' (domid ${d}) is named by no pipe, queue or segment`);
    }
    for (const [d, s] of this.signals) {
      if (!running(d)) p.push(`domain ${d} is gone but keeps signal state`);
      if (new Set(s.pending).size !== s.pending.length) p.push(`domain ${d} has a signal pending twice`);
    }
    return p;
  }
}

/** Ports per domain: the host's evtchn_ports (a state saved before the key existed has libxl's default). */
function portLimit(hv: Hypervisor): number {
  return hv.host.evtchn_ports ?? EVTCHN_DEFAULT_PORTS;
}
