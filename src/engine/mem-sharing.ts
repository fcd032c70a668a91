// Xen's VM fork (mem_sharing, XEN_DOMCTL_MEM_SHARING_OP_FORK, Xen 4.14; the paper's related work: fork
// about 0.7 ms), a baseline beside KylinX's fork: `fork --xen`.
//   - The parent is paused and stays paused while it has forks (Xen requires it: the forks read its
//     memory); unpause is refused until the last fork goes.
//   - The child is a new domain whose p2m starts empty: nothing is shared or copied at fork. Its pages
//     fill on fault (mem_sharing_fork_page): a read maps the parent's frame shared, a write copies it.
//     So `mem` shows a fresh fork with Rss 0, growing as it touches memory.
//   - The fork copies the vCPU state and no more: it gets no KylinX IpC channel with its parent (that is
//     KylinX's fork), no XenStore entries (the hypervisor's fork has no devices), and it inherits what the
//     scheduler and the library bookkeeping need (its vCPUs; the parent's libraries, as holes).
// Should the parent go (killed) while forks remain, their holes fill with fresh zeroed frames.

import { DOM0, type Domain, isZombie, region } from './domain.js';
import { fail } from './errors.js';
import type { Hypervisor, Subsystem } from './hypervisor.js';
import { childOf } from './lifecycle.js';
import type { HoleFiller, Region } from './mm/p2m.js';
import { arr, record } from './validate.js';

export const MEM_SHARING = 'mem_sharing';

/** Modeled cost of one VM fork: the domctl, an empty domain, the vCPU context and HVM state copied. */
function xenForkCost(hv: Hypervisor): number {
  return hv.cost.us('hypercall') + hv.cost.us('shell_create') + hv.cost.us('state_pass');
}

export class MemSharing implements Subsystem, HoleFiller {
  readonly name = MEM_SHARING;
  /** Fork child domid -> parent domid. */
  readonly forks = new Map<number, number>();
  /** Which fork child a region belongs to (rebuilt when the domains are reloaded). */
  private owner = new WeakMap<Region, number>();

  constructor(private readonly hv: Hypervisor) {
    hv.mem.holes = this;
  }

  forksOf(parent: Domain): number[] {
    return [...this.forks].filter(([, p]) => p === parent.domid).map(([c]) => c);
  }

  /** Why the parent may not be unpaused (null when it may). */
  holdsPaused(d: Domain): string | null {
    const n = this.forksOf(d).length;
    return n > 0
      ? `${d.name} has ${n} VM fork${n === 1 ? '' : 's'} (mem_sharing): the parent stays paused while they exist`
      : null;
  }

  // ---- faults --------------------------------------------------------------------------------------

  fill(r: Region, page: number, write: boolean): number {
    const child = this.ownerOf(r);
    const parentId = child === undefined ? undefined : this.forks.get(child);
    const parent = parentId === undefined ? undefined : this.hv.domains.get(parentId);
    const from = parent && !isZombie(parent) ? region(parent, r.name) : undefined;
    const frames = this.hv.frames;
    if (!from || page >= from.pages) {
      const f = frames.alloc();
      frames.write(f);
      return f;
    }
    const pf = this.hv.mem.frameOf(from, page);
    if (write && r.kind === 'cow') {
      const f = frames.alloc();
      frames.copy(pf, f);
      return f;
    }
    frames.get(pf);
    return pf;
  }

  private ownerOf(r: Region): number | undefined {
    const known = this.owner.get(r);
    if (known !== undefined) return known;
    for (const c of this.forks.keys())
      for (const x of this.hv.domains.get(c)?.regions ?? [])
        if (x === r) {
          this.owner.set(r, c);
          return c;
        }
    return undefined;
  }

  // ---- hooks ---------------------------------------------------------------------------------------

  onRemove(d: Domain): void {
    this.forks.delete(d.domid);
  }

  check(): string[] {
    const p: string[] = [];
    for (const [c, parent] of this.forks) {
      if (!this.hv.domains.has(c)) p.push(`VM fork ${c} does not exist`);
      const pd = this.hv.domains.get(parent);
      if (pd && !isZombie(pd) && !pd.paused) p.push(`${pd.name} has VM forks and is not paused`);
    }
    return p;
  }

  save(): [number, number][] {
    return [...this.forks];
  }

  load(data: unknown): void {
    this.forks.clear();
    this.owner = new WeakMap();
    this.hv.mem.holes = this;
    const list = arr(record({ forks: data ?? [] }, 'mem_sharing'), 'forks', 'mem_sharing');
    for (const [i, v] of list.entries()) {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x) && (x as number) > 0))
        fail('EINVAL', `state: mem_sharing[${i}] must be [child domid, parent domid]`);
      this.forks.set(v[0] as number, v[1] as number);
    }
  }
}

export interface XenForked {
  parent: Domain;
  children: Domain[];
  paused: boolean;
  latencyUs: number;
}

/** `fork --xen`: n VM forks of `parent`, which is paused (if it was not) and stays paused. */
export function xenFork(
  hv: Hypervisor,
  ms: MemSharing,
  parent: Domain,
  n: number,
  inherit: (c: Domain) => void,
): XenForked {
  if (parent.domid === DOM0) fail('EINVAL', 'Domain-0 cannot be forked');
  if (isZombie(parent)) fail('ESRCH', `${parent.name} has exited`);
  if (!Number.isInteger(n) || n < 1) fail('EINVAL', `the number of forks must be a whole number from 1, not ${n}`);
  const live = hv.liveCount - 1;
  if (live + n > hv.host.max_domains)
    fail('ENOSPC', `${n} more pVMs would make ${live + n}, above this host's max_domains (${hv.host.max_domains})`);
  let latencyUs = 0;
  const paused = !parent.paused;
  if (paused) {
    hv.emit('paused', parent, `paused ${parent.name} (a VM fork's parent stays paused)`);
    hv.hold(parent, 'controller', true);
    latencyUs += hv.cost.us('pause');
  }
  const children: Domain[] = [];
  for (let i = 0; i < n; i++) {
    const child = childOf(
      hv,
      parent,
      parent.regions.map((r) => hv.mem.populateHoles(r.name, r.kind, r.pages)),
    );
    const domid = child.domid;
    ms.forks.set(domid, parent.domid);
    inherit(child);
    latencyUs += xenForkCost(hv);
    hv.emit('forked', child, `${parent.name} VM-forked ${child.name} (domid ${domid}): its p2m starts empty`);
    children.push(child);
  }
  return { parent, children, paused, latencyUs };
}

export function registerMemSharing(hv: Hypervisor): MemSharing {
  const ms = new MemSharing(hv);
  hv.register(ms);
  return ms;
}
