// The shape of a saved domain record, checked before load() inserts it: a hand-edited state with a
// missing image, a string where the parent's domid belongs or a children list that is not a list is
// refused at load (EINVAL naming the field), not left to fail inside a later command. The record is
// read into typed values field by field; its regions are read by the p2m (Memory.loadRegion).

import { type Domain, type Shutdown, SHUTDOWN_LETTERS, type ShutdownReason } from './domain.js';
import { fail } from './errors.js';
import { checkRaw } from './host-shape.js';
import type { ImageConfig } from './image.js';
import { arr, bool, field, int, nat, natList, obj, Rec, record, str } from './validate.js';
import { waitingFromSnapshot } from './waiting.js';

/** A saved domain with everything but its regions checked and typed. */
export type CheckedDomain = Omit<Domain, 'regions'> & { regions: unknown[] };

export function checkDomainShape(v: unknown, i: number): CheckedDomain {
  const where = `domains[${i}]`;
  const d = record(v, where);
  const name = str(d, 'name', where);
  if (name === '') field({ name: null }, 'name', 'str', where);
  const shutdown = field(d, 'shutdown', 'obj?', where);
  const waiting = field(d, 'waiting', 'obj?', where);
  return {
    domid: nat(d, 'domid', where),
    name,
    image: checkImage(obj(d, 'image', where), `${where}.image`),
    parent: nat(d, 'parent', where),
    children: natList(d, 'children', where),
    family: nat(d, 'family', where),
    forks: nat(d, 'forks', where),
    vcpus: vcpuCount(d, where),
    memMiB: nat(d, 'memMiB', where),
    regions: arr(d, 'regions', where),
    paused: bool(d, 'paused', where),
    // A state saved before job control had its own pause reference: SIGSTOP set `paused` then.
    stopped: d.stopped === undefined ? false : bool(d, 'stopped', where),
    shutdown: shutdown === null ? null : checkShutdown(record(shutdown, `${where}.shutdown`), `${where}.shutdown`),
    waiting: waiting === null ? null : waitingFromSnapshot(record(waiting, `${where}.waiting`), `${where}.waiting`),
    createdNs: nat(d, 'createdNs', where),
  };
}

/** 1-256 (an image's at most 128, Domain-0's 256): the scheduler and the port tables make one record each. */
function vcpuCount(d: Rec, where: string): number {
  const n = nat(d, 'vcpus', where);
  if (n < 1 || n > 256) fail('EINVAL', `state: ${where}.vcpus must be from 1 to 256, not ${n}`);
  return n;
}

function isReason(v: string): v is ShutdownReason {
  return Object.prototype.hasOwnProperty.call(SHUTDOWN_LETTERS, v);
}

function checkShutdown(s: Rec, where: string): Shutdown {
  const reason = str(s, 'reason', where);
  if (!isReason(reason))
    fail('EINVAL', `state: ${where}.reason must be one of ${Object.keys(SHUTDOWN_LETTERS).join(', ')}`);
  const signal = field(s, 'signal', 'str?', where) === null ? null : str(s, 'signal', where);
  return { reason, status: int(s, 'status', where), signal };
}

function checkImage(img: Rec, where: string): ImageConfig {
  const raw = checkRaw(obj(img, 'raw', where), `${where}.raw`);
  return {
    name: str(img, 'name', where),
    description: str(img, 'description', where),
    memory: nat(img, 'memory', where),
    vcpus: nat(img, 'vcpus', where),
    text_kb: nat(img, 'text_kb', where),
    data_kb: nat(img, 'data_kb', where),
    bss_kb: nat(img, 'bss_kb', where),
    stack_kb: nat(img, 'stack_kb', where),
    heap_kb: nat(img, 'heap_kb', where),
    raw,
  };
}
