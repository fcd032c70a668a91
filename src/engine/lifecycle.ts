// pVM lifecycle: create, fork, exit, wait, termination, destroy, pause, rename, the pool.
// (Signals and their actions live in ipc/signal.ts; a terminating one ends here in terminate().)
//
// Every operation validates everything first and only then changes state, so a failing call leaves the
// engine exactly as it was. Each returns the modeled latency (cost.ts) with what it did.

import { bootCost, destroyCost, forkCost, restoreCost } from './cost-model.js';
import { DOM0, Domain, isHeld, isZombie, pagesOf, Shutdown } from './domain.js';
import { Ending, endingOf, endingText } from './ending.js';
import { fail } from './errors.js';
import type { Hypervisor, ParentNotice } from './hypervisor.js';
import { ImageConfig, imageMaxMem, imageMaxVcpus, REGION_ORDER } from './image.js';
import type { Region, RegionKind } from './mm/p2m.js';
import { dispositionOf } from './signals.js';
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

/** The name itself if free, else the lowest free `base-k`. */
export function freeName(hv: Hypervisor, base: string): string {
  if (!hv.hasName(base)) return base;
  return hv.freeSuffixed(base);
}

/**
 * The record of parent's next child, entered in the domain table and the parent's children: the next
 * domid, the name `parent.k`, the parent's image, family, vCPUs and memory size, running, with `regions`
 * (how the child maps the parent's memory is the caller's mechanism: a KylinX fork and Nephele's clone
 * share it copy-on-write, Xen's VM fork starts from holes).
 */
export function childOf(hv: Hypervisor, parent: Domain, regions: Region[]): Domain {
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
    regions,
    paused: false,
    stopped: false,
    shutdown: null,
    waiting: null,
    createdNs: hv.nowNs,
  };
  hv.insert(child);
  parent.children.push(domid);
  return child;
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
    stopped: false,
    shutdown: null,
    waiting: null,
    createdNs: hv.nowNs,
  };
  hv.insert(d);
  hv.dom0.children.push(domid);
  let latencyUs = how === 'restore' ? restoreCost(hv.cost, pages) : bootCost(hv.cost, pages, fromPool);
  hv.emit(
    'created',
    d,
    `created ${d.name} (domid ${domid}) from image ${image.name}, ${image.memory} MiB${fromPool ? ', from the pool' : ''}${how === 'restore' ? ', restored from the checkpoint' : ''}`,
  );
  for (const s of hv.subsystems) s.onInsert?.(d);
  for (const s of hv.subsystems) latencyUs += s.onCreate?.(d) ?? 0;
  for (const s of hv.subsystems) latencyUs += s.onBuilt?.(d, how) ?? 0;
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
    const fromPool = takeShell(hv);
    const child = childOf(
      hv,
      parent,
      parent.regions.map((r) => hv.mem.share(r)),
    );
    const domid = child.domid;
    for (const s of hv.subsystems) s.onFork?.(parent, child);
    let latencyUs = forkCost(hv.cost, pages, fromPool);
    for (const s of hv.subsystems) latencyUs += s.onBuilt?.(child, 'fork') ?? 0;
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
 * A parent that leaves no zombies: Domain-0 (the toolstack reaps at once), and a pVM whose image ignores
 * SIGCHLD (POSIX: SIG_IGN for SIGCHLD, like SA_NOCLDWAIT, makes children vanish as they end, and wait
 * blocks until every child is gone, then fails with ECHILD; wait(2), NOTES).
 */
export function reapsAtOnce(parent: Domain): boolean {
  return parent.domid === DOM0 || dispositionOf(parent.image, 'SIGCHLD') === 'ignore';
}

/**
 * A pVM stops: its memory is released (a zombie holds only how it ended), its children go to the family
 * root (or Domain-0), and its parent is told: a parent that reaps at once does; a parent blocked in wait
 * reaps it if it can run (a paused or stopped one reaps it when it runs again).
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
  d.stopped = false;
  const heir = reparentChildren(hv, d);
  hv.emit('exited', d, `${d.name} ${endingText(endingOf(sd))}`);
  const parent = hv.domains.get(d.parent)!;
  let reapedByWaiter = false;
  if (reapsAtOnce(parent)) {
    reap(hv, parent, d);
    if (parent.domid !== DOM0) finishWait(hv, parent);
  } else reapedByWaiter = waitsOn(parent.waiting, 'wait', d.domid) !== null && finishWait(hv, parent);
  // The heir, blocked in wait for any child, may now have a zombie it was handed.
  if (heir) finishWait(hv, heir);
  return { told, reapedByWaiter };
}

/**
 * d's children go to its family root (Domain-0 when the root is d or gone). Returns the heir when it is
 * a pVM that got children (its wait may now have one to reap: the caller asks, once d is dealt with).
 */
function reparentChildren(hv: Hypervisor, d: Domain): Domain | null {
  const root = hv.domains.get(d.family);
  const heir = root && root.domid !== d.domid && !isZombie(root) ? root : hv.dom0;
  for (const c of d.children) {
    const child = hv.domains.get(c)!;
    child.parent = heir.domid;
    heir.children.push(c);
    hv.emit('reparented', child, `${child.name} orphaned: its parent is now ${heir.name}`, {
      parent: heir.name,
      parent_domid: heir.domid,
    });
  }
  const handed = d.children.length > 0;
  d.children = [];
  if (!handed) return null;
  // A zombie handed to a parent that leaves none (Domain-0, or one ignoring SIGCHLD) is reaped at once.
  if (reapsAtOnce(heir))
    for (const c of [...heir.children]) {
      const z = hv.domains.get(c)!;
      if (isZombie(z)) reap(hv, heir, z);
    }
  return heir.domid === DOM0 ? null : heir;
}

/** Remove an exited child's record; returns how it ended. */
function reap(hv: Hypervisor, parent: Domain, child: Domain): Ending {
  const ending = endingOf(child.shutdown!);
  parent.children = parent.children.filter((c) => c !== child.domid);
  for (const s of hv.subsystems) s.onRemove?.(child);
  hv.remove(child);
  hv.emit('reaped', child, `${parent.name} reaped ${child.name} (${endingText(ending)})`);
  return ending;
}

/**
 * A parent blocked in wait that can run takes what there is now: a child destroyed while it waited, a
 * zombie among the children it waits for, or ECHILD once none is left (the one named is gone, or every
 * child was reaped at once). Returns whether it returned a child; else it woke with ECHILD or waits on.
 */
export function finishWait(hv: Hypervisor, parent: Domain): boolean {
  const w = parent.waiting;
  if (w?.call !== 'wait' || isHeld(parent)) return false;
  if (w.destroyed) {
    wakeWithChild(hv, parent, w.destroyed, ' (destroyed by the toolstack)');
    return true;
  }
  const kids = waitTargets(hv, parent, w.child);
  const zombie = kids.find(isZombie);
  if (zombie) {
    const { name, domid } = zombie;
    wakeWithChild(hv, parent, { name, domid, ending: reap(hv, parent, zombie) }, '');
    return true;
  }
  if (kids.length === 0)
    hv.wake(
      parent,
      `${parent.name} woke: wait failed with ECHILD (${w.child === null ? 'no children left' : `${w.on} is gone`})`,
      { call: 'wait', error: 'ECHILD' },
    );
  return false;
}

function wakeWithChild(hv: Hypervisor, parent: Domain, r: Reaped, note: string): void {
  hv.wake(parent, `${parent.name} woke: wait returned ${r.name} (domid ${r.domid}), ${endingText(r.ending)}${note}`, {
    call: 'wait',
    child: r.name,
    domid: r.domid,
    ...r.ending,
  });
}

/** The children a wait is for: the one named (while it is still this parent's), or all of them. */
function waitTargets(hv: Hypervisor, parent: Domain, child: number | null): Domain[] {
  if (child === null) return parent.children.map((c) => hv.domains.get(c)!);
  const c = hv.domains.get(child);
  return c && c.parent === parent.domid ? [c] : [];
}

/**
 * exit(status): as _exit(2), only the low 8 bits of the status reach the parent (WEXITSTATUS). The cost
 * is the caller's to charge (ipc/exit.ts: how the parent was told).
 */
export function exit(hv: Hypervisor, d: Domain, status: number): Terminated & { status: number } {
  hv.requireActive(d, 'exit');
  if (!Number.isSafeInteger(status)) fail('EINVAL', `exit status must be a whole number, not ${status}`);
  const low = status & 0xff;
  const t = terminate(hv, d, { reason: 'poweroff', status: low, signal: null });
  return { ...t, status: low };
}

/** A child wait() returned, and how it ended. */
export interface Reaped {
  name: string;
  domid: number;
  ending: Ending;
}

export interface Waited {
  reaped: Reaped | null;
  blocked: boolean;
}

/**
 * wait(): reap an exited child (the given one, or any), or block until one exits. ECHILD when there is
 * none to wait for. A parent ignoring SIGCHLD never has a zombie: it blocks until its children are gone.
 * The caller charges the cost (ipc/exit.ts).
 */
export function wait(hv: Hypervisor, parent: Domain, child?: Domain): Waited {
  hv.requireActive(parent, 'wait');
  if (child && child.parent !== parent.domid) fail('ECHILD', `${child.name} is not a child of ${parent.name}`);
  const kids = waitTargets(hv, parent, child ? child.domid : null);
  if (kids.length === 0) fail('ECHILD', `${parent.name} has no children to wait for`);
  const zombie = kids.find(isZombie);
  if (zombie) {
    const ending = reap(hv, parent, zombie);
    return {
      reaped: { name: zombie.name, domid: zombie.domid, ending },
      blocked: false,
    };
  }
  hv.block(parent, {
    call: 'wait',
    on: child ? child.name : 'a child',
    child: child ? child.domid : null,
    destroyed: null,
  });
  return { reaped: null, blocked: true };
}

// ---- destroy, pause, rename, pool ----------------------------------------------------------------

/** xl destroy: the domain goes away at once, exited or not; its children are orphaned. */
export function destroy(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be destroyed');
  const pages = pagesOf(d);
  let heir: Domain | null = null;
  if (!isZombie(d)) {
    for (const s of hv.subsystems) s.onExit?.(d);
    for (const r of d.regions) hv.mem.release(r);
    d.regions = [];
    heir = reparentChildren(hv, d);
  }
  const parent = hv.domains.get(d.parent)!;
  const waiter = waitsOn(parent.waiting, 'wait', d.domid);
  parent.children = parent.children.filter((c) => c !== d.domid);
  for (const s of hv.subsystems) s.onRemove?.(d);
  hv.remove(d);
  hv.emit('destroyed', d, `destroyed ${d.name} (domid ${d.domid}): ${pages} pages released`);
  // A parent blocked in wait for it gets it back as killed (by SIGKILL, as xl destroy ends a domain), now
  // or, paused or stopped, when it runs again; one that reaps at once has nothing to get back.
  if (waiter && !reapsAtOnce(parent) && !waiter.destroyed)
    waiter.destroyed = { name: d.name, domid: d.domid, ending: d.shutdown ? endingOf(d.shutdown) : { signal: 'KILL' } };
  if (parent.domid !== DOM0) finishWait(hv, parent);
  if (heir && heir !== parent) finishWait(hv, heir);
  return { latencyUs: destroyCost(hv.cost, pages) };
}

export function pause(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be paused');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  if (d.paused) fail('EINVAL', `${d.name} is paused already`);
  hv.emit('paused', d, `paused ${d.name}`);
  hv.hold(d, 'controller', true);
  return { latencyUs: hv.cost.us('pause') };
}

export function unpause(hv: Hypervisor, d: Domain): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 is never paused');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  if (!d.paused)
    fail(
      'EINVAL',
      d.stopped
        ? `${d.name} is not paused but stopped by a signal (kill -CONT ${d.name} resumes it)`
        : `${d.name} is not paused`,
    );
  const held = hv.pausedBy(d);
  if (held) fail('EBUSY', held);
  hv.emit('unpaused', d, `unpaused ${d.name}${d.stopped ? ' (still stopped by a signal until SIGCONT)' : ''}`);
  // The toolstack's reference only: a pVM also stopped by SIGSTOP stays stopped (Xen's controller pause
  // count is apart from the others), and its pending signals wait for SIGCONT.
  hv.hold(d, 'controller', false);
  return { latencyUs: hv.cost.us('unpause') };
}

export function rename(hv: Hypervisor, d: Domain, name: string): Timed {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be renamed');
  validateName(hv, name);
  const old = d.name;
  hv.rename(d, name);
  hv.emit('renamed', d, `renamed ${old} to ${name}`);
  return { latencyUs: hv.cost.us('rename') };
}

export const POOL_MAX = 4096;

/** Set the number of pre-created shells; creating each costs shell creation now instead of at fork. */
export function setPool(hv: Hypervisor, n: number): Timed {
  if (!Number.isInteger(n) || n < 0 || n > POOL_MAX) fail('EINVAL', `pool size must be 0-${POOL_MAX}, not ${n}`);
  const added = Math.max(0, n - hv.pool);
  hv.pool = n;
  return { latencyUs: hv.cost.us('shell_create', added) };
}
