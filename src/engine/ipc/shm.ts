// System V shared memory (shmget(2), shmat(2), shmdt(2)), keys per family.
//
// A segment is a set of frames the IpC subsystem holds (its master region); each attached pVM maps them
// as a region `shm:<id>` of kind 'shared', so a write by one is seen by all (p2m.ts), `mem` shows it, and
// fork hands it to the child as Linux does (the foundation's fork shares every region keeping its kind).
// Attaching asks the segment's creator, over the pair's link, to share its pages (first contact for a
// non-lineal pair). Without IPC_RMID in the API, a segment lives as long as its family has a live pVM.

import { Domain, isZombie, region } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { PAGE_SIZE } from '../mm/frames.js';
import { hexKey, IPC_PRIVATE } from './keys.js';
import { consumeAt, notify, requireContact } from './link.js';
import { requireFamily } from './trust.js';
import type { IpcState, Segment } from './state.js';

export const SHMMNI = 4096;
/** Largest segment this model takes (Linux's SHMMAX is effectively unlimited; frames are the real limit). */
export const SHMMAX = 1 << 30;

export function shmName(id: number): string {
  return `shm:${id}`;
}

export function segmentById(ipc: IpcState, id: number): Segment {
  const s = ipc.segments.get(id);
  if (!s)
    fail(
      'EINVAL',
      `no shared memory segment with shmid ${id}${ipc.segments.size ? ` (segments: ${[...ipc.segments.keys()].join(', ')})` : ''}`,
    );
  return s;
}

/** A size as typed: bytes, or with a K/M/G suffix (KiB, MiB, GiB). */
export function parseSize(text: string): number {
  const m = /^([0-9]+)([KMG]?)(i?B)?$/i.exec(text);
  if (!m) fail('EINVAL', `'${text}' is not a size (bytes, or 64K, 1M)`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** shmget's request: the key, the size in bytes, IPC_CREAT (create) and IPC_EXCL (excl). */
export interface ShmGet {
  key: number;
  bytes: number;
  create: boolean;
  excl: boolean;
}

export function shmget(
  hv: Hypervisor,
  ipc: IpcState,
  d: Domain,
  { key, bytes, create, excl }: ShmGet,
): { segment: Segment; created: boolean; latencyUs: number } {
  hv.requireActive(d, 'shmget');
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > SHMMAX)
    fail('EINVAL', `segment size must be 1 byte to ${SHMMAX / 1024 ** 3} GiB, not ${bytes}`);
  const have =
    key === IPC_PRIVATE ? undefined : [...ipc.segments.values()].find((s) => s.family === d.family && s.key === key);
  if (have) {
    if (create && excl) fail('EEXIST', `segment ${have.id} has key ${hexKey(key)} in this family already (--excl)`);
    if (bytes > have.bytes)
      fail(
        'EINVAL',
        `segment ${have.id} (key ${hexKey(key)}) is ${have.bytes} bytes, smaller than the ${bytes} asked for`,
      );
    return { segment: have, created: false, latencyUs: hv.cost.us('ipc_call') };
  }
  if (!create && key !== IPC_PRIVATE)
    fail('ENOENT', `no shared memory segment with key ${hexKey(key)} in ${d.name}'s family (add --create to make one)`);
  if (ipc.segments.size >= SHMMNI) fail('ENOSPC', `the host has ${SHMMNI} shared memory segments already (SHMMNI)`);
  const pages = Math.ceil(bytes / PAGE_SIZE);
  if (pages > hv.frames.free) fail('ENOMEM', `the segment needs ${pages} frames, the host has ${hv.frames.free} free`);
  const id = ipc.nextShm++;
  const segment: Segment = {
    id,
    key,
    family: d.family,
    creator: d.domid,
    bytes,
    master: hv.mem.populate(shmName(id), 'shared', pages),
    attachers: [],
  };
  ipc.segments.set(id, segment);
  hv.emit(
    'shmget',
    d,
    `${d.name} created shared memory segment ${id} (key ${hexKey(key)}, ${bytes} bytes, ${pages} page${pages === 1 ? '' : 's'})`,
  );
  return { segment, created: true, latencyUs: hv.cost.us('ipc_call') + hv.cost.us('page_populate', pages) };
}

/** shmat(): the segment's frames appear in the pVM as region shm:<id>, shared writable. */
export function shmat(
  hv: Hypervisor,
  ipc: IpcState,
  d: Domain,
  s: Segment,
): { firstContact: boolean; latencyUs: number } {
  hv.requireActive(d, 'shmat');
  requireFamily(hv, d, s.family, `shared memory segment ${s.id}`);
  if (region(d, shmName(s.id)))
    fail('EINVAL', `${d.name} has segment ${s.id} attached already (this model maps a segment once per pVM)`);
  const creator = hv.domains.get(s.creator);
  const viaCreator = creator && !isZombie(creator) && creator.domid !== d.domid ? creator : null;
  const contact = viaCreator ? requireContact(hv, ipc, d, viaCreator, 'attach shared memory of') : null;
  let latencyUs = hv.cost.us('ipc_call') + hv.cost.us('page_share', s.master.pages);
  let first = false;
  if (contact && viaCreator) {
    const c = contact();
    first = c.first;
    notify(hv, ipc, c.link, d.domid);
    consumeAt(ipc, c.link, viaCreator.domid);
    latencyUs += c.latencyUs + hv.cost.us('shared_page_write') + hv.cost.us('evtchn_notify');
  } else latencyUs += hv.cost.us('hypercall');
  d.regions.push(hv.mem.share(s.master, 'shared', shmName(s.id)));
  s.attachers.push(d.domid);
  hv.emit('shmat', d, `${d.name} attached segment ${s.id} (${s.master.pages} pages shared writable)`);
  return { firstContact: first, latencyUs };
}

export function shmdt(hv: Hypervisor, _ipc: IpcState, d: Domain, s: Segment): { latencyUs: number } {
  hv.requireActive(d, 'shmdt');
  // Another family's segment is refused as shmat refuses it, before anything about it is told.
  requireFamily(hv, d, s.family, `shared memory segment ${s.id}`);
  const r = region(d, shmName(s.id));
  if (!r) fail('EINVAL', `${d.name} has no segment ${s.id} attached`);
  hv.mem.release(r);
  d.regions = d.regions.filter((x) => x !== r);
  s.attachers = s.attachers.filter((x) => x !== d.domid);
  hv.emit('shmdt', d, `${d.name} detached segment ${s.id}`);
  return { latencyUs: hv.cost.us('ipc_call') + hv.cost.us('hypercall') + hv.cost.us('page_free', s.master.pages) };
}

/** A forked child inherited its parent's attachments with its regions. */
export function inheritAttachments(ipc: IpcState, child: Domain): void {
  for (const r of child.regions) {
    const m = /^shm:([0-9]+)$/.exec(r.name);
    const s = m ? ipc.segments.get(Number(m[1])) : undefined;
    if (s && !s.attachers.includes(child.domid)) s.attachers.push(child.domid);
  }
}

/** A pVM stops: its regions go with it (lifecycle releases them); it is no longer an attacher. */
export function detachAll(ipc: IpcState, d: Domain): void {
  for (const s of ipc.segments.values()) s.attachers = s.attachers.filter((x) => x !== d.domid);
}

export function checkSegments(hv: Hypervisor, ipc: IpcState): string[] {
  const p: string[] = [];
  for (const s of ipc.segments.values()) {
    const tag = `segment ${s.id}`;
    if (s.master.pages !== Math.ceil(s.bytes / PAGE_SIZE))
      p.push(`${tag} holds ${s.master.pages} pages for ${s.bytes} bytes`);
    const live = [...hv.pvms()].some((d) => d.family === s.family && !isZombie(d));
    if (!live) p.push(`${tag} outlived its family ${s.family}`);
    for (const id of s.attachers) {
      const d = hv.domains.get(id);
      if (!d || !region(d, shmName(s.id))) p.push(`${tag} lists ${id} as attached, which maps no ${shmName(s.id)}`);
    }
  }
  for (const d of hv.pvms()) {
    for (const r of d.regions) {
      const m = /^shm:([0-9]+)$/.exec(r.name);
      if (!m) continue;
      const s = ipc.segments.get(Number(m[1]));
      if (!s) p.push(`${d.name} maps ${r.name}, which is not a segment`);
      else if (!s.attachers.includes(d.domid)) p.push(`${d.name} maps ${r.name} but is not among its attachers`);
      else if (
        r.kind !== 'shared' ||
        r.p2m.length !== s.master.p2m.length ||
        r.p2m.some((c, i) => c !== s.master.p2m[i])
      )
        p.push(`${d.name}'s ${r.name} does not map the segment's frames`);
    }
  }
  return p;
}
