// System V message queues (msgget(2), msgsnd(2), msgrcv(2); Linux ipc/msg.c), with keys per family.
//
// msgtyp 0 takes the first message, > 0 the first of that type, < 0 the first of the lowest type not above
// |msgtyp|. A message longer than the receiver's size is E2BIG and stays queued, unless MSG_NOERROR cuts
// it. A send that would pass the queue's byte limit (msg_qbytes, MSGMNB 16384) waits, or is EAGAIN with
// IPC_NOWAIT; a receive with nothing matching waits, or is ENOMSG. A send hands its message straight to
// the first waiting receiver it matches (Linux's pipelined_send); a receive that frees room lets waiting
// senders in, in the order they blocked. A woken pVM is notified over its link with the waker.
// A waiter that is paused or stopped is passed over (the message is queued, the room left) and tries
// again when it runs (resumeMsgrcv, resumeMsgsnd), as a stopped process's msgrcv returns only once it runs.

import { Domain, isHeld, isZombie } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { hexKey, IPC_PRIVATE } from './keys.js';
import { consumeAt, contactIfRoom, notify } from './link.js';
import { requireFamily } from './trust.js';
import { fromLatin1, fromUtf8, latin1, quote } from './vchan.js';
import { waitsOn, type WaitMsgrcv, type WaitMsgsnd } from '../waiting.js';
import type { IpcState, Message, MsgQueue } from './state.js';

export const MSGMAX = 8192;
export const MSGMNB = 16384;
export const MSGMNI = 32000;

export function queueById(ipc: IpcState, id: number): MsgQueue {
  const q = ipc.queues.get(id);
  if (!q)
    fail(
      'EINVAL',
      `no message queue with msqid ${id}${ipc.queues.size ? ` (queues: ${[...ipc.queues.keys()].join(', ')})` : ''}`,
    );
  return q;
}

// ---- msgget --------------------------------------------------------------------------------------

/** msgget's request: the key, IPC_CREAT (create) and IPC_EXCL (excl). */
export interface MsgGet {
  key: number;
  create: boolean;
  excl: boolean;
}

export function msgget(
  hv: Hypervisor,
  ipc: IpcState,
  d: Domain,
  { key, create, excl }: MsgGet,
): { queue: MsgQueue; created: boolean; latencyUs: number } {
  hv.requireActive(d, 'msgget');
  const have =
    key === IPC_PRIVATE ? undefined : [...ipc.queues.values()].find((q) => q.family === d.family && q.key === key);
  if (have) {
    if (create && excl)
      fail('EEXIST', `message queue ${have.id} has key ${hexKey(key)} in this family already (--excl)`);
    return { queue: have, created: false, latencyUs: hv.cost.us('ipc_call') };
  }
  if (!create && key !== IPC_PRIVATE)
    fail('ENOENT', `no message queue with key ${hexKey(key)} in ${d.name}'s family (add --create to make one)`);
  if (ipc.queues.size >= MSGMNI) fail('ENOSPC', `the host has ${MSGMNI} message queues already (MSGMNI)`);
  const q: MsgQueue = {
    id: ipc.nextMsq++,
    key,
    family: d.family,
    creator: d.domid,
    qbytes: MSGMNB,
    messages: [],
    cbytes: 0,
    receivers: [],
    senders: [],
    sent: 0,
    received: 0,
  };
  ipc.queues.set(q.id, q);
  hv.emit('msgget', d, `${d.name} created message queue ${q.id} (key ${hexKey(key)})`);
  return { queue: q, created: true, latencyUs: hv.cost.us('ipc_call') + hv.cost.us('msg_op') };
}

// ---- msgsnd --------------------------------------------------------------------------------------

export interface MsgSent {
  queue: MsgQueue;
  /** Handed straight to this waiting receiver. */
  to: string | null;
  blocked: boolean;
  latencyUs: number;
}

/** msgsnd's message and flags: its type, its bytes, IPC_NOWAIT (nowait). */
export interface MsgSend {
  type: number;
  bytes: Uint8Array;
  nowait: boolean;
}

export function msgsnd(
  hv: Hypervisor,
  ipc: IpcState,
  d: Domain,
  q: MsgQueue,
  { type, bytes, nowait }: MsgSend,
): MsgSent {
  hv.requireActive(d, 'msgsnd');
  requireFamily(hv, d, q.family, `message queue ${q.id}`);
  if (!Number.isInteger(type) || type < 1) fail('EINVAL', `message type must be a whole number from 1, not ${type}`);
  if (bytes.length > MSGMAX) fail('EINVAL', `a message holds at most ${MSGMAX} bytes (MSGMAX), not ${bytes.length}`);
  // As Linux's do_msgsnd: room first (even a waiting receiver does not take a message the queue has no room for).
  if (!fits(q, bytes.length) && nowait) {
    fail(
      'EAGAIN',
      `message queue ${q.id} is full (${q.cbytes} of ${q.qbytes} bytes, ${q.messages.length} messages) and --nowait was given`,
    );
  }
  let latencyUs = hv.cost.us('ipc_call') + hv.cost.us('msg_op');
  const msg: Message = { type, bytes: latin1(bytes) };
  if (fits(q, bytes.length)) {
    const put = deliver(hv, ipc, d, q, msg);
    latencyUs += put.latencyUs;
    if (put.to === null) enqueue(q, msg);
    return { queue: q, to: put.to, blocked: false, latencyUs };
  }
  q.senders.push(d.domid);
  hv.block(d, { call: 'msgsnd', on: `queue ${q.id}`, msqid: q.id, type, bytes: bytes.slice() });
  return { queue: q, to: null, blocked: true, latencyUs };
}

function fits(q: MsgQueue, len: number): boolean {
  return q.cbytes + len <= q.qbytes && q.messages.length + 1 <= q.qbytes;
}

function enqueue(q: MsgQueue, m: Message): void {
  q.messages.push(m);
  q.cbytes += m.bytes.length;
  q.sent++;
}

/** The type selector of a waiting receiver. */
function matches(msgtyp: number, type: number): boolean {
  return msgtyp === 0 || (msgtyp > 0 ? type === msgtyp : type <= -msgtyp);
}

/**
 * pipelined_send: the first waiting receiver the message matches takes it; one whose size is too small
 * (without MSG_NOERROR) is woken with E2BIG and the next is tried. Returns who took it.
 */
function deliver(
  hv: Hypervisor,
  ipc: IpcState,
  from: Domain,
  q: MsgQueue,
  m: Message,
): { to: string | null; latencyUs: number } {
  let latencyUs = 0;
  for (const id of [...q.receivers]) {
    const r = hv.domains.get(id)!;
    const w = waitsOn(r.waiting, 'msgrcv', q.id)!;
    if (isHeld(r) || !matches(w.type, m.type)) continue;
    q.receivers = q.receivers.filter((x) => x !== id);
    latencyUs += tell(hv, ipc, from, r);
    if (m.bytes.length > w.size && !w.noerror) {
      wokeE2big(hv, r, q, w, m);
      continue;
    }
    q.sent++;
    wokeReceived(hv, r, q, w, m);
    latencyUs += hv.cost.us('msg_op');
    return { to: r.name, latencyUs };
  }
  return { to: null, latencyUs };
}

function wokeE2big(hv: Hypervisor, r: Domain, q: MsgQueue, w: WaitMsgrcv, m: Message): void {
  hv.wake(
    r,
    `${r.name} woke: msgrcv on queue ${q.id} failed with E2BIG (a ${m.bytes.length}-byte message, room for ${w.size})`,
    { call: 'msgrcv', msqid: q.id, error: 'E2BIG' },
  );
}

/** The receiver gets `m` (cut to its size under MSG_NOERROR); counted as received. */
function wokeReceived(hv: Hypervisor, r: Domain, q: MsgQueue, w: WaitMsgrcv, m: Message): void {
  const got = m.bytes.slice(0, w.size);
  q.received++;
  hv.wake(
    r,
    `${r.name} woke: msgrcv on queue ${q.id} got type ${m.type}, ${got.length} bytes ${quote(fromLatin1(got))}`,
    { call: 'msgrcv', msqid: q.id, type: m.type, bytes: got.length, text: fromUtf8(fromLatin1(got)) },
  );
}

/** Notify a woken pVM over its link with the waker (Domain-0 relays it when no link can be made). */
function tell(hv: Hypervisor, ipc: IpcState, from: Domain, to: Domain): number {
  if (from.domid === to.domid) return 0;
  const c = contactIfRoom(hv, ipc, from, to);
  if (!c) return hv.cost.us('signal_default');
  notify(hv, ipc, c.link, from.domid);
  consumeAt(ipc, c.link, to.domid);
  return hv.cost.us('evtchn_notify') + c.latencyUs;
}

// ---- msgrcv --------------------------------------------------------------------------------------

export interface Received {
  queue: MsgQueue;
  message: { type: number; text: string; bytes: number; truncated: boolean } | null;
  blocked: boolean;
  /** Senders that got in because this receive made room. */
  woke: string[];
  latencyUs: number;
}

/** msgrcv's selector and flags: msgtyp (type), the receiver's size, IPC_NOWAIT, MSG_NOERROR. */
export interface MsgReceive {
  type: number;
  size: number;
  nowait: boolean;
  noerror: boolean;
}

export function msgrcv(
  hv: Hypervisor,
  ipc: IpcState,
  d: Domain,
  q: MsgQueue,
  { type: msgtyp, size, nowait, noerror }: MsgReceive,
): Received {
  hv.requireActive(d, 'msgrcv');
  requireFamily(hv, d, q.family, `message queue ${q.id}`);
  if (!Number.isInteger(msgtyp)) fail('EINVAL', `message type must be a whole number, not ${msgtyp}`);
  if (!Number.isInteger(size) || size < 0) fail('EINVAL', `size must be 0 or more bytes, not ${size}`);
  const at = pick(q, msgtyp);
  let latencyUs = hv.cost.us('ipc_call');
  if (at < 0) {
    if (nowait) fail('ENOMSG', `no message ${selector(msgtyp)} on queue ${q.id} and --nowait was given`);
    q.receivers.push(d.domid);
    hv.block(d, { call: 'msgrcv', on: `queue ${q.id}`, msqid: q.id, type: msgtyp, size, noerror });
    return { queue: q, message: null, blocked: true, woke: [], latencyUs };
  }
  const m = q.messages[at]!;
  if (m.bytes.length > size && !noerror)
    fail(
      'E2BIG',
      `the message ${selector(msgtyp)} is ${m.bytes.length} bytes, more than the ${size} asked for (add --noerror to cut it)`,
    );
  take(q, at);
  q.received++;
  latencyUs += hv.cost.us('msg_op');
  const got = m.bytes.slice(0, size);
  const woke = admitSenders(hv, ipc, d, q);
  latencyUs += woke.latencyUs;
  return {
    queue: q,
    message: {
      type: m.type,
      text: fromUtf8(fromLatin1(got)),
      bytes: got.length,
      truncated: got.length < m.bytes.length,
    },
    blocked: false,
    woke: woke.names,
    latencyUs,
  };
}

function take(q: MsgQueue, at: number): Message {
  const m = q.messages.splice(at, 1)[0]!;
  q.cbytes -= m.bytes.length;
  return m;
}

/** Index of the message msgtyp selects, or -1. */
export function pick(q: MsgQueue, msgtyp: number): number {
  if (msgtyp === 0) return q.messages.length ? 0 : -1;
  if (msgtyp > 0) return q.messages.findIndex((m) => m.type === msgtyp);
  let best = -1;
  q.messages.forEach((m, i) => {
    if (m.type <= -msgtyp && (best < 0 || m.type < q.messages[best]!.type)) best = i;
  });
  return best;
}

function selector(msgtyp: number): string {
  if (msgtyp === 0) return '(any type)';
  return msgtyp > 0 ? `of type ${msgtyp}` : `of type <= ${-msgtyp}`;
}

/** Room was made: blocked senders retry in the order they blocked; each that gets in wakes. */
function admitSenders(hv: Hypervisor, ipc: IpcState, by: Domain, q: MsgQueue): { names: string[]; latencyUs: number } {
  const names: string[] = [];
  let latencyUs = 0;
  for (const id of [...q.senders]) {
    const s = hv.domains.get(id)!;
    const w = waitsOn(s.waiting, 'msgsnd', q.id)!;
    if (isHeld(s) || !fits(q, w.bytes.length)) continue;
    latencyUs += tell(hv, ipc, by, s) + completeSend(hv, ipc, s, q, w);
    names.push(s.name);
  }
  return { names, latencyUs };
}

/** A blocked sender's message goes in (or straight to a waiting receiver); the sender wakes. */
function completeSend(hv: Hypervisor, ipc: IpcState, s: Domain, q: MsgQueue, w: WaitMsgsnd): number {
  const m: Message = { type: w.type, bytes: latin1(w.bytes) };
  q.senders = q.senders.filter((x) => x !== s.domid);
  const put = deliver(hv, ipc, s, q, m);
  if (put.to === null) enqueue(q, m);
  hv.wake(s, `${s.name} woke: msgsnd of ${m.bytes.length} bytes (type ${m.type}) to queue ${q.id} completed`, {
    call: 'msgsnd',
    msqid: q.id,
    type: m.type,
    bytes: m.bytes.length,
  });
  return put.latencyUs;
}

// ---- a blocked call goes on when its pVM runs again -----------------------------------------------

/** A receiver runs again: a message queued meanwhile that it selects is taken (or E2BIG), else it waits on. */
export function resumeMsgrcv(hv: Hypervisor, ipc: IpcState, r: Domain, w: WaitMsgrcv): void {
  const q = ipc.queues.get(w.msqid)!;
  const at = pick(q, w.type);
  if (at < 0) return;
  q.receivers = q.receivers.filter((x) => x !== r.domid);
  const m = q.messages[at]!;
  if (m.bytes.length > w.size && !w.noerror) return wokeE2big(hv, r, q, w, m);
  take(q, at);
  wokeReceived(hv, r, q, w, m);
  admitSenders(hv, ipc, r, q);
}

/** A sender runs again: its message goes in if the queue has room now, else it waits on. */
export function resumeMsgsnd(hv: Hypervisor, ipc: IpcState, s: Domain, w: WaitMsgsnd): void {
  const q = ipc.queues.get(w.msqid)!;
  if (fits(q, w.bytes.length)) completeSend(hv, ipc, s, q, w);
}

/** A pVM stops: it leaves every queue's waiters. */
export function leaveQueues(ipc: IpcState, d: Domain): void {
  for (const q of ipc.queues.values()) {
    q.receivers = q.receivers.filter((x) => x !== d.domid);
    q.senders = q.senders.filter((x) => x !== d.domid);
  }
}

export function checkQueues(hv: Hypervisor, ipc: IpcState): string[] {
  const p: string[] = [];
  for (const q of ipc.queues.values()) {
    const tag = `queue ${q.id}`;
    const bytes = q.messages.reduce((s, m) => s + m.bytes.length, 0);
    if (bytes !== q.cbytes) p.push(`${tag} counts ${q.cbytes} bytes, its messages hold ${bytes}`);
    if (q.cbytes > q.qbytes) p.push(`${tag} holds ${q.cbytes} bytes, above its limit ${q.qbytes}`);
    for (const m of q.messages) if (m.type < 1) p.push(`${tag} holds a message of type ${m.type}`);
    const live = [...hv.pvms()].some((d) => d.family === q.family && !isZombie(d));
    if (!live) p.push(`${tag} outlived its family ${q.family}`);
    for (const [list, call] of [
      [q.receivers, 'msgrcv'],
      [q.senders, 'msgsnd'],
    ] as const) {
      for (const id of list) {
        if (!waitsOn(hv.domains.get(id)?.waiting, call, q.id))
          p.push(`${tag} lists ${id} as waiting in ${call}, which it is not`);
      }
    }
    if (new Set(q.receivers).size !== q.receivers.length || new Set(q.senders).size !== q.senders.length)
      p.push(`${tag} lists a waiter twice`);
  }
  for (const d of hv.domains.values()) {
    const w = d.waiting;
    if (w?.call === 'msgrcv' || w?.call === 'msgsnd') {
      const q = ipc.queues.get(w.msqid);
      if (!q || !(w.call === 'msgrcv' ? q.receivers : q.senders).includes(d.domid))
        p.push(`${d.name} waits in ${w.call} on queue ${w.msqid}, which does not list it`);
    }
  }
  return p;
}
