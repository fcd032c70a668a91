// pVM lifecycle: create, fork, exit, wait, termination, destroy, pause, rename, the pool.
// (Signals and their actions live in ipc/signal.ts; a terminating one ends here in terminate().)
//
// Every operation validates everything first and only then changes state, so a failing call leaves the
// engine exactly as it was. Each returns the modeled latency (cost.ts) with what it did.

import { bootCost, destroyCost, forkCost, restoreCost, us } from './cost.js';
import { DOM0, Domain, isZombie, pagesOf, Shutdown } from './domain.js';
import { fail } from './errors.js';
import type { Hypervisor, ParentNotice } from './hypervisor.js';
import { ImageConfig, imageMaxMem, imageMaxVcpus, REGION_ORDER } from './image.js';
import type { RegionKind } from './mm/p2m.js';
import { waitsOn } from './waiting.js';

export interface Timed {
  latencyUs: number;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export function validateName(hv: Hypervisor, name: string): void {
  if (!NAME_RE.test(name) || name.length > 64) {
    fail('EINVAL', `'${name}' is not a valid pVM name (a letter, then letters, digits, '.', '-' or '_'; at most 64)`);
  }
  if (hv.hasName(name)) fail('EEXIST', `a pVM named '${name}' exists already`);
}

function freeName(hv: Hypervisor, base: string): string {
  if (!hv.hasName(base)) return base;
  for (let k = 2; ; k++) if (!hv.hasName(`${base}-${k}`)) return `${base}-${k}`;
}

function roomFor(hv: Hypervisor, n: number): void {
  const live = hv.liveCount - 1;
  if (live + n > hv.host.max_domains) {
    fail(
      'ENOSPC',
      `${n} more pVM${n === 1 ? '' : 's'} would make ${live + n}, above this host's max_domains (${hv.host.max_domains})`,
    );
  }
}

function takeShell(hv: Hypervisor): boolean {
  if (hv.pool > 0) {
    hv.pool--;
    return true;
  }
  return false;
}

// ---- create --------------------------------------------------------------------------------------

export interface Created extends Timed {
  domain: Domain;
  fromPool: boolean;
}

export interface CreateOptions {
  /** The pVM's name; without one, the image's name (made unique with -2, -3, ...). */
  name?: string | undefined;
  /** 'restore': the domain comes from a checkpoint (recycling, dl/recycle.ts): no shell, no domain build, no guest boot. */
  how?: 'boot' | 'restore';
}

/** Create a pVM from an image with all of its memory populated, as Xen does. */
export function create(hv: Hypervisor, image: ImageConfig, { name, how = 'boot' }: CreateOptions = {}): Created {
  const pvmName = name ?? freeName(hv, image.name);
  if (name !== undefined) validateName(hv, name);
  roomFor(hv, 1);
  const sizes = {
    text: image.text_kb,
    data: image.data_kb,
    bss: image.bss_kb,
    heap: image.heap_kb,
    stack: image.stack_kb,
  };
  const pages = Object.values(sizes).reduce((a, b) => a + b / 4, 0);
  if (pages > hv.frames.free) {
    fail('ENOMEM', `${image.name} needs ${pages} frames (${image.memory} MiB), the host has ${hv.frames.free} free`);
  }
  // Subsystems (libraries) refuse here, before anything changes.
  for (const s of hv.subsystems) s.prepareCreate?.(image, hv.frames.free - pages);
  const live = hv.liveCount;
  const fromPool = how === 'boot' && takeShell(hv);
  const domid = hv.nextDomid++;
  const regions = REGION_ORDER.filter((r) => sizes[r] > 0).map((r) =>
    hv.mem.populate(r, (r === 'text' ? 'ro' : 'cow') as RegionKind, sizes[r] / 4),
  );
  const d: Domain = {
    domid,
    name: pvmName,
    image,
    parent: DOM0,
    children: [],
    family: domid,
    forks: 0,
    // xl.cfg's maxvcpus and maxmem: the vCPUs it has (vcpus of them up) and the most it may hold.
    vcpus: imageMaxVcpus(image),
    memMiB: imageMaxMem(image),
    regions,
    paused: false,
    shutdown: null,
    waiting: null,
    createdNs: hv.nowNs,
  };
  hv.insert(d);
  hv.dom0.children.push(domid);
  let latencyUs = how === 'restore' ? restoreCost(pages) : bootCost(pages, hv.host.toolstack, live, fromPool);
  hv.emit(
    'created',
    d,
    `created ${d.name} (domid ${domid}) from image ${image.name}, ${image.memory} MiB${fromPool ? ', from the pool' : ''}${how === 'restore' ? ', restored from the checkpoint' : ''}`,
  );
  for (const s of hv.subsystems) s.onInsert?.(d);
  for (const s of hv.subsystems) latencyUs += s.onCreate?.(d) ?? 0;
  return { domain: d, fromPool, latencyUs };
}

// ---- fork ----------------------------------------------------------------------------------------

export interface Forked extends Timed {
  parent: Domain;
  children: { domain: Domain; latencyUs: number; fromPool: boolean }[];
}

/**
 * KylinX do_fork, n times: each child shares its parent's text read-only and everything writable
 * copy-on-write (shm stays shared writable); O(chunks) per child in the engine.
 */
export function fork(hv: Hypervisor, parent: Domain, n: number): Forked {
  hv.requireActive(parent, 'fork');
  if (!Number.isInteger(n) || n < 1) fail('EINVAL', `the number of children must be a whole number from 1, not ${n}`);
  roomFor(hv, n);
  const pages = pagesOf(parent);
  const out: Forked = { parent, children: [], latencyUs: 0 };
  for (let i = 0; i < n; i++) {
    const live = hv.liveCount;
    const fromPool = takeShell(hv);
    const domid = hv.nextDomid++;
    const child: Domain = {
      domid,
      name: freeName(hv, `${parent.name}.${++parent.forks}`),
      image: parent.image,
      parent: parent.domid,
      children: [],
      family: parent.family,
      forks: 0,
      vcpus: parent.vcpus,
      memMiB: parent.memMiB,
      regions: parent.regions.map((r) => hv.mem.share(r)),
      paused: false,
      shutdown: null,
      waiting: null,
      createdNs: hv.nowNs,
    };
    hv.insert(child);
    parent.children.push(domid);
    for (const s of hv.subsystems) s.onFork?.(parent, child);
    const latencyUs = forkCost(pages, hv.host.toolstack, live, fromPool);
    out.children.push({ domain: child, latencyUs, fromPool });
    out.latencyUs += latencyUs;
    hv.emit('forked', child, `${parent.name} forked ${child.name} (domid ${domid}): ${pages} pages shared`);
  }
  return out;
}

// ---- exit, wait, reaping -------------------------------------------------------------------------

/** What a termination did besides stopping the pVM: how its parent was told, and whether a waiting parent reaped it. */
export interface Terminated {
  told: ParentNotice | null;
  reapedByWaiter: boolean;
}

/**
 * A pVM stops: its memory is released (a zombie holds only its exit status), its children go to the
 * family root (or Domain-0), and its parent is told: a parent blocked in wait reaps it at once;
 * Domain-0, the toolstack, always reaps at once.
 */
export function terminate(hv: Hypervisor, d: Domain, sd: Shutdown): Terminated {
  let told: ParentNotice | null = null;
  for (const s of hv.subsystems) told = s.beforeExit?.(d) ?? told;
  for (const s of hv.subsystems) s.onExit?.(d);
  for (const r of d.regions) hv.mem.release(r);
  d.regions = [];
  d.shutdown = sd;
  d.waiting = null;
  d.paused = false;
  reparentChildren(hv, d);
  const how = sd.signal ? `killed by ${sd.signal}` : `exited with status ${sd.status}`;
  hv.emit('exited', d, `${d.name} ${how}`);
  const parent = hv.domains.get(d.parent)!;
  if (parent.domid === DOM0) {
    reap(hv, parent, d);
  } else if (waitsOn(parent.waiting, 'wait', d.domid)) {
    reap(hv, parent, d);
    hv.wake(parent, `${parent.name} woke: wait returned ${d.name} (status ${sd.status})`);
    return { told, reapedByWaiter: true };
  }
  return { told, reapedByWaiter: false };
}

function reparentChildren(hv: Hypervisor, d: Domain): void {
  const root = hv.domains.get(d.family);
  const heir = root && root.domid !== d.domid && !isZombie(root) ? root : hv.dom0;
  for (const c of d.children) {
    const child = hv.domains.get(c)!;
    child.parent = heir.domid;
    heir.children.push(c);
    hv.emit('reparented', child, `${child.name} orphaned: its parent is now ${heir.name}`);
  }
  d.children = [];
  // A zombie handed to Domain-0 is reaped by the toolstack at once.
  if (heir.domid === DOM0)
    for (const c of [...heir.children]) {
      const z = hv.domains.get(c)!;
      if (isZombie(z)) reap(hv, heir, z);
    }
}

/** Remove an exited child's record and return its status. */
function reap(hv: Hypervisor, parent: Domain, child: Domain): number {
  parent.children = parent.children.filter((c) => c !== child.domid);
  for (const s of hv.subsystems) s.onRemove?.(child);
  hv.remove(child);
  hv.emit('reaped', child, `${parent.name} reaped ${child.name} (status ${child.shutdown!.status})`);
  return child.shutdown!.status;
}

export function exit(hv: Hypervisor, d: Domain, status: number): Timed & Terminated {
  hv.requireActive(d, 'exit');
  if (!Number.isInteger(status) || status < 0 || status > 255)
    fail('EINVAL', `exit status must be 0-255, not ${status}`);
  const t = terminate(hv, d, { reason: 'poweroff', status, signal: null });
  return { ...t, latencyUs: us('signal_default') };
}

export interface Waited extends Timed {
  reaped: { name: string; domid: number; status: number } | null;
  blocked: boolean;
}

/** wait(): reap an exited child (the given one, or any), or block until one exits. */
export function wait(hv: Hypervisor, parent: Domain, child?: Domain): Waited {
  hv.requireActive(parent, 'wait');
  if (child && child.parent !== parent.domid) fail('ECHILD', `${child.name} is not a child of ${parent.name}`);
  const kids = child ? [child] : parent.children.map((c) => hv.domains.get(c)!);
  if (kids.length === 0) fail('ECHILD', `${parent.name} has no children to wait for`);
  const zombie = kids.find(isZombie);
  if (zombie) {
    const status = reap(hv, parent, zombie);
    return {
      reaped: { name: zombie.name, domid: zombie.domid, status },
      blocked: false,
      latencyUs: us('signal_default'),
    };
  }
  hv.block(parent, { call: 'wait', on: child ? child.name : 'a child', child: child ? child.domid : null });
  return { reaped: null, blocked: true, latencyUs: us('hypercall') };
}

// ---- destroy, pause, rename, pool ----------------------------------------------------------------

/** xl destroy: the domain goes away at once, exited or not; its children are orphaned. */
export function destroy(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be destroyed');
  const pages = pagesOf(d);
  if (!isZombie(d)) {
    for (const s of hv.subsystems) s.onExit?.(d);
    for (const r of d.regions) hv.mem.release(r);
    d.regions = [];
    reparentChildren(hv, d);
  }
  const parent = hv.domains.get(d.parent)!;
  parent.children = parent.children.filter((c) => c !== d.domid);
  for (const s of hv.subsystems) s.onRemove?.(d);
  hv.remove(d);
  hv.emit('destroyed', d, `destroyed ${d.name} (domid ${d.domid}): ${pages} pages released`);
  return { latencyUs: destroyCost(pages) };
}

export function pause(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be paused');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  if (d.paused) fail('EINVAL', `${d.name} is paused already`);
  d.paused = true;
  hv.emit('paused', d, `paused ${d.name}`);
  for (const s of hv.subsystems) s.onPause?.(d);
  return { latencyUs: us('pause') };
}

export function unpause(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 is never paused');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  if (!d.paused) fail('EINVAL', `${d.name} is not paused`);
  d.paused = false;
  hv.emit('unpaused', d, `unpaused ${d.name}`);
  for (const s of hv.subsystems) s.onUnpause?.(d);
  return { latencyUs: us('unpause') };
}

export function rename(hv: Hypervisor, d: Domain, name: string): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be renamed');
  validateName(hv, name);
  const old = d.name;
  hv.rename(d, name);
  hv.emit('renamed', d, `renamed ${old} to ${name}`);
  return { latencyUs: us('rename') };
}

export const POOL_MAX = 4096;

/** Set the number of pre-created shells; creating each costs shell creation now instead of at fork. */
export function setPool(hv: Hypervisor, n: number): Timed {
  if (!Number.isInteger(n) || n < 0 || n > POOL_MAX) fail('EINVAL', `pool size must be 0-${POOL_MAX}, not ${n}`);
  const added = Math.max(0, n - hv.pool);
  hv.pool = n;
  return { latencyUs: us('shell_create', added) };
}
