// What a blocked pVM waits for: one variant per blocking call, with what that call needs to finish when
// it is woken (a pipe read its maximum, a write its remaining bytes, a msgrcv its selector and size).
// `waitsOn` is the one test of who waits on what; the conversion to and from a saved state is here too.
//
// A saved wait keeps the shape states have always had, {call, on, detail}, bytes as latin1 text (one
// char per byte, as the rings' snapshots carry them), so states saved before this shape still load.

import type { Ending } from './ending.js';
import { fail } from './errors.js';
import { fromLatin1, latin1 } from './ipc/vchan.js';
import { field, int, nat, obj, Rec, str } from './validate.js';

interface Blocked {
  /** Human-readable object waited on, fixed when the call blocked: "a child", "pipe 3", "queue 2". */
  on: string;
}

/** wait(): for this child (its domid), or for any child (null). */
export interface WaitChild extends Blocked {
  call: 'wait';
  child: number | null;
  /**
   * A child the toolstack destroyed while this wait was on it and the parent could not run (paused or
   * stopped): the wait returns it when the parent runs again (lifecycle.ts finishWait).
   */
  destroyed: { name: string; domid: number; ending: Ending } | null;
}

/** read() on an empty ring: at most `max` bytes (null: as many as are there). */
export interface WaitRead extends Blocked {
  call: 'read';
  pipe: number;
  max: number | null;
}

/** write() on a full ring: the bytes not yet in the ring, of `total`. */
export interface WaitWrite extends Blocked {
  call: 'write';
  pipe: number;
  rest: Uint8Array;
  total: number;
}

/** msgrcv() with nothing matching: the type selector, the receiver's size, MSG_NOERROR. */
export interface WaitMsgrcv extends Blocked {
  call: 'msgrcv';
  msqid: number;
  type: number;
  size: number;
  noerror: boolean;
}

/** msgsnd() on a full queue: the message it will put in. */
export interface WaitMsgsnd extends Blocked {
  call: 'msgsnd';
  msqid: number;
  type: number;
  bytes: Uint8Array;
}

export type Waiting = WaitChild | WaitRead | WaitWrite | WaitMsgrcv | WaitMsgsnd;
export type WaitCall = Waiting['call'];
export type WaitIn<C extends WaitCall> = Extract<Waiting, { call: C }>;

function isIn<C extends WaitCall>(w: Waiting, call: C): w is WaitIn<C> {
  return w.call === call;
}

/** The object a wait is on: the child's domid (null for any), the pipe id or the msqid. */
function objectOf(w: Waiting): number | null {
  switch (w.call) {
    case 'wait':
      return w.child;
    case 'read':
    case 'write':
      return w.pipe;
    case 'msgrcv':
    case 'msgsnd':
      return w.msqid;
  }
}

/**
 * `w` when it is a wait in `call` on object `id` (a child's domid for wait, which also matches a wait for
 * any child; a pipe for read and write; a msqid for msgrcv and msgsnd), else null.
 */
export function waitsOn<C extends WaitCall>(w: Waiting | null | undefined, call: C, id: number): WaitIn<C> | null {
  if (!w || !isIn(w, call)) return null;
  const on = objectOf(w);
  return on === id || (on === null && w.call === 'wait') ? w : null;
}

/** The pipe or queue a wait is on, for the invariant checks (null for wait). */
export function waitObject(w: Waiting): number | null {
  return w.call === 'wait' ? null : objectOf(w);
}

// ---- saved states --------------------------------------------------------------------------------

export interface WaitingSnapshot {
  call: string;
  on: string;
  detail: Record<string, number | string | null>;
}

export function waitingToSnapshot(w: Waiting): WaitingSnapshot {
  const { call, on } = w;
  switch (w.call) {
    case 'wait':
      return { call, on, detail: { child: w.child, ...destroyedToDetail(w.destroyed) } };
    case 'read':
      return { call, on, detail: { pipe: w.pipe, max: w.max } };
    case 'write':
      return { call, on, detail: { pipe: w.pipe, rest: latin1(w.rest), total: w.total } };
    case 'msgrcv':
      return { call, on, detail: { msqid: w.msqid, type: w.type, size: w.size, noerror: w.noerror ? 1 : 0 } };
    case 'msgsnd':
      return { call, on, detail: { msqid: w.msqid, type: w.type, bytes: latin1(w.bytes) } };
  }
}

/** A saved wait, checked field by field (EINVAL naming the field) and made a Waiting. */
export function waitingFromSnapshot(v: Rec, where: string): Waiting {
  const call = str(v, 'call', where);
  const on = str(v, 'on', where);
  const at = `${where}.detail`;
  const d = obj(v, 'detail', where);
  const natOrNull = (k: string): number | null => (field(d, k, 'nat?', at) === null ? null : nat(d, k, at));
  const bytes = (k: string): Uint8Array => {
    const text = str(d, k, at);
    for (let i = 0; i < text.length; i++)
      if (text.charCodeAt(i) > 0xff) fail('EINVAL', `state: ${at}.${k} must hold bytes (latin1 text)`);
    return fromLatin1(text);
  };
  switch (call) {
    case 'wait':
      return { call, on, child: natOrNull('child'), destroyed: destroyedFromDetail(d, at) };
    case 'read':
      return { call, on, pipe: nat(d, 'pipe', at), max: natOrNull('max') };
    case 'write':
      return { call, on, pipe: nat(d, 'pipe', at), rest: bytes('rest'), total: nat(d, 'total', at) };
    case 'msgrcv': {
      const noerror = nat(d, 'noerror', at);
      if (noerror > 1) fail('EINVAL', `state: ${at}.noerror must be 0 or 1`);
      return {
        call,
        on,
        msqid: nat(d, 'msqid', at),
        type: int(d, 'type', at),
        size: nat(d, 'size', at),
        noerror: noerror === 1,
      };
    }
    case 'msgsnd':
      return { call, on, msqid: nat(d, 'msqid', at), type: nat(d, 'type', at), bytes: bytes('bytes') };
    default:
      fail('EINVAL', `state: ${where}.call must be wait, read, write, msgrcv or msgsnd, not ${JSON.stringify(call)}`);
  }
}

/** A destroyed child a wait holds, as detail fields (none when there is none, as states saved before). */
function destroyedToDetail(x: WaitChild['destroyed']): Record<string, number | string> {
  if (!x) return {};
  const how = 'exited' in x.ending ? `exited:${x.ending.exited}` : `signal:${x.ending.signal}`;
  return { destroyed: x.name, destroyed_domid: x.domid, destroyed_how: how };
}

function destroyedFromDetail(d: Rec, at: string): WaitChild['destroyed'] {
  if (d.destroyed === undefined) return null;
  const name = str(d, 'destroyed', at);
  const domid = nat(d, 'destroyed_domid', at);
  const how = /^(?:exited:([0-9]{1,3})|signal:([A-Z0-9]+))$/.exec(str(d, 'destroyed_how', at));
  if (!how) fail('EINVAL', `state: ${at}.destroyed_how must be exited:N or signal:NAME`);
  const ending: Ending = how[1] !== undefined ? { exited: Number(how[1]) & 0xff } : { signal: how[2]! };
  return { name, domid, ending };
}
