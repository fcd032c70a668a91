// KylinX pipes: a one-way byte stream from a writer pVM to a reader pVM over a vchan ring (vchan.ts) in
// pages the reader grants to the writer (the reader is libxenvchan's server), notified over the pair's link.
//
// POSIX pipe semantics (pipe(7)): a full ring blocks the writer, an empty one the reader; once the write
// end is closed the reader drains what is left and then reads EOF; once the read end is closed a write
// raises SIGPIPE, and returns EPIPE if the writer catches or ignores it (or, if part of it was written,
// that short count). A read of 0 bytes returns 0 at once. A blocked writer's remaining bytes move into
// the ring as the reader frees space; the read that moves the last of them wakes the writer.
//
// A blocked pVM that is paused or stopped makes no progress: data written for a stopped reader stays in
// the ring, a stopped writer's rest stays out of it, until it runs again (resumeRead, resumeWrite).
//
// A SIGPIPE is never sent from here: a write or close that raises one returns it (HostSignal), and the
// call's boundary (calls.ts, or the IpC exit hook) delivers it once the pipe is consistent, as xv6 acts
// on `killed` on the way back to user space. So a termination never re-enters this file mid-call.

import { Domain, isHeld, isZombie } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { dispositionOf } from '../signals.js';
import { waitsOn, type WaitRead, type WaitWrite } from '../waiting.js';
import { consumeAt, Contact, contactIfRoom, linkOf, notify, requireContact } from './link.js';
import { fromUtf8, quote, Ring, RingSnapshot, VCHAN_RING_BYTES } from './vchan.js';
import type { HostSignal } from './signal.js';
import { forgetUnnamed, type IpcState, type Link, nameOf, type Pipe } from './state.js';

export const RING_MIN = VCHAN_RING_BYTES;
export const RING_MAX = 1 << 20;

export interface PipeSnapshot extends Omit<Pipe, 'ring' | 'pages'> {
  ring: RingSnapshot;
  pages: ReturnType<Hypervisor['mem']['saveRegion']> | null;
}

/** Pages of a ring: the 1024- and 2048-byte rings live in the shared page; larger ones need their own pages. */
export function ringPages(bytes: number): number {
  return bytes <= 2048 ? 1 : bytes / PAGE_SIZE;
}

export function pipeById(ipc: IpcState, ref: string | number): Pipe {
  const text = String(ref);
  const m = /^(?:pipe:)?([0-9]+)$/.exec(text);
  if (!m) fail('EINVAL', `'${text}' is not a pipe (give its number, as pipe printed it: 3 or pipe:3)`);
  const p = ipc.pipes.get(Number(m[1]));
  if (!p) fail('EBADF', `no pipe ${m[1]}${ipc.pipes.size ? ` (pipes: ${[...ipc.pipes.keys()].join(', ')})` : ''}`);
  return p;
}

// ---- pipe ----------------------------------------------------------------------------------------

export interface Created {
  pipe: Pipe;
  firstContact: boolean;
  latencyUs: number;
}

/** pipe(): the writer asks for a pipe to the reader; the reader's side grants the ring, the writer maps it. */
export function createPipe(
  hv: Hypervisor,
  ipc: IpcState,
  writer: Domain,
  reader: Domain,
  ringBytes = VCHAN_RING_BYTES,
): Created {
  hv.requireActive(writer, 'create a pipe');
  if (reader.domid === 0) fail('EINVAL', 'a pipe joins two pVMs; Domain-0 cannot be its reader');
  if (isZombie(reader)) fail('ESRCH', `${reader.name} has exited`);
  if (reader.domid === writer.domid) fail('EINVAL', `a pipe joins two pVMs; ${writer.name} is both writer and reader`);
  if (
    !Number.isInteger(ringBytes) ||
    ringBytes < RING_MIN ||
    ringBytes > RING_MAX ||
    (ringBytes & (ringBytes - 1)) !== 0
  ) {
    fail('EINVAL', `ring size must be a power of two from ${RING_MIN} to ${RING_MAX} bytes, not ${ringBytes}`);
  }
  const pages = ringPages(ringBytes);
  const contact = requireContact(hv, ipc, writer, reader, 'open a pipe to', pages);
  if (hv.frames.free < pages)
    fail('ENOMEM', `the ring needs ${pages} free frame${pages === 1 ? '' : 's'}, the host has ${hv.frames.free}`);
  if (ipc.grants.freeEntries(reader.domid) < pages)
    fail('ENOSPC', `${reader.name}'s grant table has no room for ${pages} more entries`);
  const c = contact();
  const id = ipc.nextPipe++;
  const region = hv.mem.populate(`pipe:${id}`, 'shared', pages);
  const refs: number[] = [];
  const handles: number[] = [];
  for (let i = 0; i < pages; i++) {
    refs.push(ipc.grants.grant(reader.domid, writer.domid, hv.mem.frameOf(region, i), false, `pipe ${id} ring`));
    handles.push(ipc.grants.map(writer.domid, reader.domid, refs[i]!, false, true));
  }
  // The ring's grant refs travel in the pair's shared page (libxenvchan publishes them in XenStore).
  hv.mem.write(c.link.page, 0);
  const pipe: Pipe = {
    id,
    writer: writer.domid,
    reader: reader.domid,
    family: writer.family,
    ring: new Ring(ringBytes),
    pages: region,
    refs,
    handles,
    writerOpen: true,
    readerOpen: true,
    bytesIn: 0,
    bytesOut: 0,
  };
  ipc.pipes.set(id, pipe);
  hv.emit('pipe', writer, `pipe ${id}: ${writer.name} -> ${reader.name}, ${ringBytes}-byte ring`);
  const latencyUs =
    hv.cost.us('ipc_call') +
    c.latencyUs +
    hv.cost.us('grant_access', pages) +
    hv.cost.us('shared_page_write') +
    hv.cost.us('grant_map', pages);
  return { pipe, firstContact: c.first, latencyUs };
}

// ---- write ---------------------------------------------------------------------------------------

export interface Written {
  pipe: Pipe;
  /** Bytes now in the ring or handed to the reader. */
  written: number;
  total: number;
  /** The writer now waits for space with this many bytes. */
  blocked: boolean;
  /** The reader was gone: SIGPIPE, to be delivered at the call's return (its default action ends the writer). */
  raised: HostSignal | null;
  latencyUs: number;
}

/** write(): as much as fits goes in; a waiting reader is handed data; the rest blocks the writer. */
export function writePipe(hv: Hypervisor, ipc: IpcState, pipe: Pipe, bytes: Uint8Array): Written {
  const writer = hv.domains.get(pipe.writer)!;
  if (!pipe.writerOpen) fail('EBADF', `pipe ${pipe.id}'s write end is closed`);
  hv.requireActive(writer, 'write');
  if (!pipe.readerOpen) {
    const disp = dispositionOf(writer.image, 'SIGPIPE');
    if (disp !== 'default') {
      fail(
        'EPIPE',
        `pipe ${pipe.id} has no reader (${nameOf(hv.domains, ipc, pipe.reader)} closed it); SIGPIPE is ${disp === 'catch' ? "caught by the image's handler" : 'ignored'} by ${writer.name}`,
      );
    }
    return {
      pipe,
      written: 0,
      total: bytes.length,
      blocked: false,
      raised: { target: writer.domid, sig: 'SIGPIPE', why: `write on pipe ${pipe.id} with no reader` },
      latencyUs: hv.cost.us('ipc_call') + hv.cost.us('signal_default'),
    };
  }
  const out = pushBytes(hv, ipc, pipe, bytes);
  const latencyUs = hv.cost.us('ipc_call') + hv.cost.us('ring_byte', out.moved) + out.latencyUs;
  if (out.done < bytes.length) {
    pipe.ring.writerWants = true;
    hv.block(writer, {
      call: 'write',
      on: `pipe ${pipe.id}`,
      pipe: pipe.id,
      rest: bytes.slice(out.done),
      total: bytes.length,
    });
  }
  return {
    pipe,
    written: out.done,
    total: bytes.length,
    blocked: out.done < bytes.length,
    raised: null,
    latencyUs,
  };
}

/**
 * Move bytes into the ring, handing data to a reader blocked on it, until all are in or the ring is full.
 * Returns how many of `bytes` went in, bytes copied, and the cost of notifications.
 */
function pushBytes(
  hv: Hypervisor,
  ipc: IpcState,
  pipe: Pipe,
  bytes: Uint8Array,
): { done: number; moved: number; latencyUs: number } {
  let done = 0;
  let moved = 0;
  let latencyUs = 0;
  for (;;) {
    const n = pipe.ring.put(bytes.subarray(done));
    if (n > 0) {
      done += n;
      moved += n;
      pipe.bytesIn += n;
      hv.mem.write(pipe.pages!, 0);
      latencyUs += notifyReader(hv, ipc, pipe);
    }
    const reader = hv.domains.get(pipe.reader);
    const w = waitsOn(reader?.waiting, 'read', pipe.id);
    if (!reader || !w || isHeld(reader) || pipe.ring.ready() === 0) break;
    completeRead(hv, ipc, pipe, reader, w);
    if (done >= bytes.length) break;
  }
  return { done, moved, latencyUs };
}

/** vchan: the writer notifies only if the reader asked to be told (it waits, or has not read yet). */
function notifyReader(hv: Hypervisor, ipc: IpcState, pipe: Pipe): number {
  if (!pipe.ring.readerWants) return 0;
  pipe.ring.readerWants = false;
  return tell(hv, ipc, pipe.writer, pipe.reader);
}

function notifyWriter(hv: Hypervisor, ipc: IpcState, pipe: Pipe): number {
  if (!pipe.ring.writerWants) return 0;
  pipe.ring.writerWants = false;
  return tell(hv, ipc, pipe.reader, pipe.writer);
}

/** Notify `to` over the pair's link (first contact if it was torn down and there is room). */
function tell(hv: Hypervisor, ipc: IpcState, from: number, to: number): number {
  const a = hv.domains.get(from)!;
  const b = hv.domains.get(to)!;
  const c: Contact | null = contactIfRoom(hv, ipc, a, b);
  if (!c) return hv.cost.us('signal_default');
  notify(hv, ipc, c.link, from);
  return hv.cost.us('evtchn_notify') + c.latencyUs;
}

/** A reader blocked on an empty ring takes what is there now and wakes. */
function completeRead(hv: Hypervisor, ipc: IpcState, pipe: Pipe, reader: Domain, w: WaitRead): void {
  const got = pipe.ring.get(w.max ?? pipe.ring.size);
  pipe.bytesOut += got.length;
  pipe.ring.readerWants = pipe.ring.ready() === 0;
  consumeLink(ipc, pipe);
  hv.wake(
    reader,
    `${reader.name} woke: read on pipe ${pipe.id} returned ${got.length} byte${got.length === 1 ? '' : 's'} ${quote(got)}`,
    { call: 'read', pipe: pipe.id, bytes: got.length, data: fromUtf8(got) },
  );
}

function consumeLink(ipc: IpcState, pipe: Pipe): void {
  const link: Link | undefined = linkOf(ipc, pipe.writer, pipe.reader);
  if (link) consumeAt(ipc, link, pipe.reader);
}

// ---- read ----------------------------------------------------------------------------------------

export interface ReadResult {
  pipe: Pipe;
  data: Uint8Array;
  eof: boolean;
  blocked: boolean;
  /** A blocked writer finished its write with this read. */
  wokeWriter: boolean;
  latencyUs: number;
}

/** read(): what is ready (up to max); EOF once the writer closed; else block. */
export function readPipe(hv: Hypervisor, ipc: IpcState, pipe: Pipe, max?: number): ReadResult {
  const reader = hv.domains.get(pipe.reader)!;
  if (!pipe.readerOpen) fail('EBADF', `pipe ${pipe.id}'s read end is closed`);
  hv.requireActive(reader, 'read');
  if (max !== undefined && (!Number.isInteger(max) || max < 0))
    fail('EINVAL', `read size must be 0 or more bytes, not ${max}`);
  consumeLink(ipc, pipe);
  let latencyUs = hv.cost.us('ipc_call');
  // read(2) of 0 bytes returns 0 at once, data or not (pipe_read's first check).
  if (max === 0) return { pipe, data: new Uint8Array(0), eof: false, blocked: false, wokeWriter: false, latencyUs };
  if (pipe.ring.ready() === 0) {
    if (!pipe.writerOpen)
      return { pipe, data: new Uint8Array(0), eof: true, blocked: false, wokeWriter: false, latencyUs };
    pipe.ring.readerWants = true;
    hv.block(reader, { call: 'read', on: `pipe ${pipe.id}`, pipe: pipe.id, max: max ?? null });
    return { pipe, data: new Uint8Array(0), eof: false, blocked: true, wokeWriter: false, latencyUs };
  }
  const data = pipe.ring.get(max ?? pipe.ring.size);
  pipe.bytesOut += data.length;
  hv.mem.write(pipe.pages!, 0);
  latencyUs += hv.cost.us('ring_byte', data.length);
  const woke = refillFromWriter(hv, ipc, pipe);
  latencyUs += woke.latencyUs;
  if (pipe.ring.ready() === 0) pipe.ring.readerWants = true;
  return { pipe, data, eof: false, blocked: false, wokeWriter: woke.done, latencyUs };
}

/** Space was freed: a writer blocked on this pipe moves more bytes in, and wakes when all are in. */
function refillFromWriter(hv: Hypervisor, ipc: IpcState, pipe: Pipe): { done: boolean; latencyUs: number } {
  // The writer may be gone already (exited or destroyed, its end closed): nobody waits then.
  const writer = hv.domains.get(pipe.writer);
  const w = waitsOn(writer?.waiting, 'write', pipe.id);
  if (!pipe.writerOpen || !writer || !w || isHeld(writer)) return { done: false, latencyUs: 0 };
  let latencyUs = notifyWriter(hv, ipc, pipe);
  const n = pipe.ring.put(w.rest);
  pipe.bytesIn += n;
  latencyUs += hv.cost.us('ring_byte', n);
  const total = w.total;
  if (n === w.rest.length) {
    wokeWritten(hv, writer, pipe, total);
    return { done: true, latencyUs };
  }
  w.rest = w.rest.subarray(n);
  pipe.ring.writerWants = true;
  return { done: false, latencyUs };
}

function wokeWritten(hv: Hypervisor, writer: Domain, pipe: Pipe, total: number): void {
  hv.wake(writer, `${writer.name} woke: write of ${total} byte${total === 1 ? '' : 's'} to pipe ${pipe.id} completed`, {
    call: 'write',
    pipe: pipe.id,
    bytes: total,
    written: total,
  });
}

// ---- a blocked call goes on when its pVM runs again -----------------------------------------------

/** A reader blocked on an empty ring runs again: what was written meanwhile, or EOF, or it waits on. */
export function resumeRead(hv: Hypervisor, ipc: IpcState, reader: Domain, w: WaitRead): void {
  const pipe = ipc.pipes.get(w.pipe)!;
  if (pipe.ring.ready() > 0) {
    completeRead(hv, ipc, pipe, reader, w);
    refillFromWriter(hv, ipc, pipe);
  } else if (!pipe.writerOpen) wokeEof(hv, ipc, pipe, reader);
}

/**
 * A writer blocked on a full ring runs again: its rest goes in as far as there is room (a reader waiting
 * takes it); the reader gone, it returns what it wrote or EPIPE, and raises SIGPIPE (to be delivered).
 */
export function resumeWrite(hv: Hypervisor, ipc: IpcState, writer: Domain, w: WaitWrite): HostSignal | null {
  const pipe = ipc.pipes.get(w.pipe)!;
  if (!pipe.readerOpen) return brokenWrite(hv, writer, pipe, w);
  const out = pushBytes(hv, ipc, pipe, w.rest);
  if (out.done === w.rest.length) wokeWritten(hv, writer, pipe, w.total);
  else {
    w.rest = w.rest.subarray(out.done);
    pipe.ring.writerWants = true;
  }
  return null;
}

/**
 * A blocked write whose reader went: pipe_write sends SIGPIPE and returns the bytes written so far, or
 * EPIPE if none were (what the writer sees if SIGPIPE does not end it).
 */
function brokenWrite(hv: Hypervisor, writer: Domain, pipe: Pipe, w: WaitWrite): HostSignal {
  const written = w.total - w.rest.length;
  const returned =
    written > 0 ? `returned ${written} of ${w.total} bytes (the reader closed)` : 'failed with EPIPE (no reader)';
  hv.wake(writer, `${writer.name} woke: write of ${w.total} bytes to pipe ${pipe.id} ${returned}`, {
    call: 'write',
    pipe: pipe.id,
    bytes: w.total,
    written,
    error: written > 0 ? null : 'EPIPE',
  });
  return { target: writer.domid, sig: 'SIGPIPE', why: `pipe ${pipe.id} lost its reader` };
}

function wokeEof(hv: Hypervisor, ipc: IpcState, pipe: Pipe, reader: Domain): void {
  consumeLink(ipc, pipe);
  hv.wake(reader, `${reader.name} woke: read on pipe ${pipe.id} returned EOF (the writer closed)`, {
    call: 'read',
    pipe: pipe.id,
    bytes: 0,
    eof: true,
  });
}

// ---- close ---------------------------------------------------------------------------------------

export type End = 'read' | 'write';

export function parseEnd(text: string): End {
  const t = text.toLowerCase();
  if (['read', 'r', 'reader', 'in'].includes(t)) return 'read';
  if (['write', 'w', 'writer', 'out'].includes(t)) return 'write';
  fail('EINVAL', `'${text}' is not a pipe end (read or write)`);
}

/** What closing an end did: its cost and the SIGPIPE it raised at a writer waiting for space. */
export interface Closed {
  latencyUs: number;
  raised: HostSignal | null;
}

/** close() of one end by the pVM that holds it. */
export function closePipe(hv: Hypervisor, ipc: IpcState, pipe: Pipe, end: End): Closed {
  const owner = hv.domains.get(end === 'write' ? pipe.writer : pipe.reader)!;
  if (end === 'write' ? !pipe.writerOpen : !pipe.readerOpen)
    fail('EBADF', `pipe ${pipe.id}'s ${end} end is closed already`);
  hv.requireActive(owner, `close pipe ${pipe.id}`);
  const c = end === 'write' ? { latencyUs: endWrite(hv, ipc, pipe), raised: null } : endRead(hv, ipc, pipe);
  return { latencyUs: hv.cost.us('ipc_call') + c.latencyUs, raised: c.raised };
}

/** The write end goes: the writer unmaps the ring; a reader waiting on an empty ring reads EOF. */
export function endWrite(hv: Hypervisor, ipc: IpcState, pipe: Pipe): number {
  pipe.writerOpen = false;
  let latencyUs = unmapWriter(hv, ipc, pipe);
  const reader = hv.domains.get(pipe.reader);
  if (reader && pipe.readerOpen && waitsOn(reader.waiting, 'read', pipe.id)) {
    latencyUs += tell(hv, ipc, pipe.writer, pipe.reader);
    // A paused or stopped reader reads the EOF when it runs again.
    if (!isHeld(reader)) wokeEof(hv, ipc, pipe, reader);
  }
  hv.emit('pipe', hv.domains.get(pipe.writer) ?? hv.dom0, `pipe ${pipe.id}: write end closed`);
  dropIfClosed(hv, ipc, pipe);
  return latencyUs;
}

/** The read end goes: the ring is torn down; a writer waiting for space gets EPIPE, and SIGPIPE is raised. */
export function endRead(hv: Hypervisor, ipc: IpcState, pipe: Pipe): Closed {
  pipe.readerOpen = false;
  let latencyUs = unmapWriter(hv, ipc, pipe);
  if (pipe.pages) {
    for (const ref of pipe.refs) ipc.grants.revoke(pipe.reader, ref);
    latencyUs += hv.cost.us('grant_access', pipe.refs.length);
    hv.mem.release(pipe.pages);
    pipe.pages = null;
    pipe.refs = [];
  }
  hv.emit('pipe', hv.domains.get(pipe.reader) ?? hv.dom0, `pipe ${pipe.id}: read end closed`);
  const writer = hv.domains.get(pipe.writer);
  const w = waitsOn(writer?.waiting, 'write', pipe.id);
  let raised: HostSignal | null = null;
  // A paused or stopped writer finds the reader gone when it runs again.
  if (writer && w && pipe.writerOpen && !isHeld(writer)) {
    latencyUs += hv.cost.us('signal_default');
    raised = brokenWrite(hv, writer, pipe, w);
  }
  dropIfClosed(hv, ipc, pipe);
  return { latencyUs, raised };
}

function unmapWriter(hv: Hypervisor, ipc: IpcState, pipe: Pipe): number {
  const n = pipe.handles.length;
  for (const h of pipe.handles) ipc.grants.unmap(pipe.writer, h);
  pipe.handles = [];
  return hv.cost.us('grant_unmap', n);
}

function dropIfClosed(hv: Hypervisor, ipc: IpcState, pipe: Pipe): void {
  if (pipe.writerOpen || pipe.readerOpen) return;
  if (pipe.pages) {
    for (const ref of pipe.refs) ipc.grants.revoke(pipe.reader, ref);
    hv.mem.release(pipe.pages);
    pipe.pages = null;
    pipe.refs = [];
  }
  ipc.pipes.delete(pipe.id);
  forgetUnnamed(ipc);
}

/** A pVM stops: every pipe end it holds is closed, as exit closes a process's descriptors. Returns the SIGPIPEs raised. */
export function closeEndsOf(hv: Hypervisor, ipc: IpcState, d: Domain): HostSignal[] {
  // Teardown in the toolstack: what it costs is no part of the latency of the exit or kill that caused it.
  return hv.cost.background(() => closeEnds(hv, ipc, d));
}

function closeEnds(hv: Hypervisor, ipc: IpcState, d: Domain): HostSignal[] {
  const raised: HostSignal[] = [];
  for (const p of [...ipc.pipes.values()]) {
    if (p.writer === d.domid && p.writerOpen) endWrite(hv, ipc, p);
    if (p.reader === d.domid && p.readerOpen && ipc.pipes.has(p.id)) {
      const c = endRead(hv, ipc, p);
      if (c.raised) raised.push(c.raised);
    }
  }
  return raised;
}

// ---- invariants ----------------------------------------------------------------------------------

export function checkPipes(hv: Hypervisor, ipc: IpcState): string[] {
  const p: string[] = [];
  for (const pipe of ipc.pipes.values()) {
    const tag = `pipe ${pipe.id}`;
    p.push(...pipe.ring.check().map((x) => `${tag}: ${x}`));
    if (!pipe.writerOpen && !pipe.readerOpen) p.push(`${tag} has both ends closed but still exists`);
    const w = hv.domains.get(pipe.writer);
    const r = hv.domains.get(pipe.reader);
    if (pipe.writerOpen && (!w || isZombie(w))) p.push(`${tag}'s write end is open but its writer is gone`);
    if (pipe.readerOpen && (!r || isZombie(r))) p.push(`${tag}'s read end is open but its reader is gone`);
    if (pipe.readerOpen !== (pipe.pages !== null))
      p.push(
        `${tag}: ring pages ${pipe.pages ? 'held' : 'released'} with the read end ${pipe.readerOpen ? 'open' : 'closed'}`,
      );
    const want = pipe.pages && pipe.writerOpen ? pipe.refs.length : 0;
    if (pipe.handles.length !== want)
      p.push(`${tag}: the writer maps ${pipe.handles.length} ring pages, expected ${want}`);
    for (const ref of pipe.refs) {
      const e = ipc.grants.entry(pipe.reader, ref);
      if (!e || e.domid !== pipe.writer)
        p.push(`${tag}: ring grant ${ref} of ${pipe.reader} is missing or not for the writer`);
    }
    // Only a waiter that can run must have been served; a paused or stopped one is served when it runs.
    if (w && !isHeld(w) && waitsOn(w.waiting, 'write', pipe.id) && (pipe.ring.free() !== 0 || !pipe.readerOpen))
      p.push(`${tag}: the writer is blocked while the ring has ${pipe.ring.free()} bytes free or no reader`);
    if (r && !isHeld(r) && waitsOn(r.waiting, 'read', pipe.id) && (pipe.ring.ready() !== 0 || !pipe.writerOpen))
      p.push(`${tag}: the reader is blocked while ${pipe.ring.ready()} bytes are ready or the writer closed`);
    if (pipe.bytesIn - pipe.bytesOut !== pipe.ring.ready())
      p.push(`${tag}: ${pipe.bytesIn} bytes in, ${pipe.bytesOut} out, but ${pipe.ring.ready()} in the ring`);
  }
  for (const d of hv.domains.values()) {
    const w = d.waiting;
    if (w?.call === 'read' || w?.call === 'write') {
      const pipe = ipc.pipes.get(w.pipe);
      if (!pipe || (w.call === 'read' ? pipe.reader : pipe.writer) !== d.domid)
        p.push(`${d.name} is blocked on pipe ${w.pipe}, which it does not hold`);
    }
  }
  return p;
}
