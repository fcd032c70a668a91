// The IpC subsystem's state, at the bottom of ipc/: its tables (event channels, grant tables, pair links,
// pipes, message queues, shm segments, signal state), the records they hold and the id counters. Every
// mechanism file (link.ts, pipe.ts, msg.ts, shm.ts, signal.ts) works on an IpcState and imports only
// downwards; the subsystem (subsystem.ts) extends it with the hooks, snapshots and the invariant check.

import { GrantTables } from '../mm/grant.js';
import type { Region } from '../mm/p2m.js';
import { EventChannels } from './evtchn.js';
import type { Ring } from './vchan.js';

/** A pair link: one event channel plus a dedicated shared page between two pVMs of a family (link.ts). */
export interface Link {
  /** The side that granted the page (the parent, or the side that made first contact). */
  a: number;
  b: number;
  portA: number;
  portB: number;
  page: Region;
  /** a's grant of the page to b, and b's mapping of it. */
  ref: number;
  handle: number;
  lineal: boolean;
}

/** A pipe: a vchan ring from a writer pVM to a reader pVM (pipe.ts). */
export interface Pipe {
  id: number;
  writer: number;
  reader: number;
  family: number;
  ring: Ring;
  /** The ring's pages (held by the IpC subsystem), granted by the reader; null once the read end is gone. */
  pages: Region | null;
  refs: number[];
  /** The writer's mappings of the ring pages (empty once the write end is closed). */
  handles: number[];
  writerOpen: boolean;
  readerOpen: boolean;
  /** Bytes through the pipe so far, for `ipcs`. */
  bytesIn: number;
  bytesOut: number;
}

export interface Message {
  type: number;
  /** The bytes as latin1 (one char per byte). */
  bytes: string;
}

/** A System V message queue (msg.ts). */
export interface MsgQueue {
  id: number;
  key: number;
  family: number;
  /** Creator (msg_perm.cuid's pVM). */
  creator: number;
  qbytes: number;
  messages: Message[];
  /** Bytes queued (msg_cbytes). */
  cbytes: number;
  /** Blocked receivers and senders, in the order they blocked. */
  receivers: number[];
  senders: number[];
  sent: number;
  received: number;
}

/** A System V shared memory segment (shm.ts). */
export interface Segment {
  id: number;
  key: number;
  family: number;
  creator: number;
  bytes: number;
  master: Region;
  /** Attached pVMs, in attach order. */
  attachers: number[];
}

/** A pVM's signal counters and the signals pending while it is stopped (signal.ts). */
export interface SignalStats {
  /** Signals that reached the pVM, and those its handlers ran. */
  delivered: number;
  handled: number;
  pending: string[];
}

export class IpcState {
  evtchn: EventChannels;
  grants = new GrantTables();
  links = new Map<string, Link>();
  pipes = new Map<number, Pipe>();
  queues = new Map<number, MsgQueue>();
  segments = new Map<number, Segment>();
  signals = new Map<number, SignalStats>();
  /** Names of gone pVMs (reaped or destroyed) that a pipe, queue or segment still names, by domid. */
  gone = new Map<number, string>();
  nextPipe = 1;
  nextMsq = 1;
  nextShm = 1;

  constructor(portLimit: number) {
    this.evtchn = new EventChannels(portLimit);
  }
}

/** Domids the IpC objects name: pipe ends, queue and segment creators and families. */
export function namedDomids(ipc: IpcState): Set<number> {
  const s = new Set<number>();
  for (const p of ipc.pipes.values()) s.add(p.writer).add(p.reader).add(p.family);
  for (const q of ipc.queues.values()) s.add(q.creator).add(q.family);
  for (const g of ipc.segments.values()) s.add(g.creator).add(g.family);
  return s;
}

/** A domain is going away: keep its name while an object names it; forget names nobody names any more. */
export function rememberName(ipc: IpcState, domid: number, name: string): void {
  if (namedDomids(ipc).has(domid)) ipc.gone.set(domid, name);
}

/** An object went: forget the gone names no object names any more. */
export function forgetUnnamed(ipc: IpcState): void {
  if (ipc.gone.size === 0) return;
  const named = namedDomids(ipc);
  for (const id of [...ipc.gone.keys()]) if (!named.has(id)) ipc.gone.delete(id);
}

/**
 * How outputs name a domain an IpC object names: a live one (or a zombie) by its name; a gone one by
 * the name it had and its domid ("web.1 (domid 4)"), never a bare number.
 */
export function nameOf(domains: ReadonlyMap<number, { name: string }>, ipc: IpcState, domid: number): string {
  const live = domains.get(domid);
  if (live) return live.name;
  const was = ipc.gone.get(domid);
  return was === undefined ? `domain ${domid}` : `${was} (domid ${domid})`;
}
