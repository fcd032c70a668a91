// Nephele's clone (EuroSys'23, "Nephele: Extending Virtualization Environments for Cloning Unikernel-
// based VMs"), a baseline beside KylinX's fork: `clone <pvm> [n]`.
//   - The guest itself issues the clone hypercall (the parent must be running); the hypervisor makes n
//     children whose memory is shared copy-on-write with the parent, and the parent runs on.
//   - Cloning is allowed per family up to the image's `max_clones` (Nephele's xl option; 0, the default,
//     turns it off): the clones of a family, living, never exceed it.
//   - xencloned, a daemon in dom0, then clones what the toolstack made for the parent: its XenStore
//     entries (the domain's directories, its devices' frontends and backends, the console), node by node
//     with the child's domid (xs/subsystem.ts), and the devices connect as they would at boot. On a noxs
//     host there are no entries to clone.
// A clone gets no KylinX IpC channel with its parent (that is KylinX's fork); it inherits its vCPUs, the
// parent's libraries and shm attachments.

import { forkCost } from './cost-model.js';
import { DOM0, type Domain, isZombie, pagesOf } from './domain.js';
import { fail } from './errors.js';
import type { Hypervisor, Subsystem } from './hypervisor.js';
import type { KeySpec } from './image.js';
import { childOf } from './lifecycle.js';
import { arr, record } from './validate.js';

export const CLONE_IMAGE_KEYS: Record<string, KeySpec> = {
  max_clones: {
    type: 'int',
    min: 0,
    max: 4096,
    summary: "clones a family of this image may have (Nephele's max_clones; 0, the default: cloning is off)",
  },
};

export const NEPHELE = 'nephele';

/** Which pVMs are clones, of whom. */
export class Clones implements Subsystem {
  readonly name = NEPHELE;
  readonly of = new Map<number, number>();

  constructor(private readonly hv: Hypervisor) {}

  /** Living clones in a family. */
  inFamily(family: number): number {
    let n = 0;
    for (const c of this.of.keys()) {
      const d = this.hv.domains.get(c);
      if (d && d.family === family && !isZombie(d)) n++;
    }
    return n;
  }

  onRemove(d: Domain): void {
    this.of.delete(d.domid);
  }

  check(): string[] {
    return [...this.of.keys()].filter((c) => !this.hv.domains.has(c)).map((c) => `clone ${c} does not exist`);
  }

  save(): [number, number][] {
    return [...this.of];
  }

  load(data: unknown): void {
    this.of.clear();
    for (const [i, v] of arr(record({ clones: data ?? [] }, 'nephele'), 'clones', 'nephele').entries()) {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x) && (x as number) > 0))
        fail('EINVAL', `state: nephele[${i}] must be [clone domid, parent domid]`);
      this.of.set(v[0] as number, v[1] as number);
    }
  }
}

export function maxClones(d: Domain): number {
  const v = d.image.raw.max_clones;
  return typeof v === 'number' ? v : 0;
}

export interface Cloned {
  parent: Domain;
  children: { domain: Domain; latencyUs: number }[];
  latencyUs: number;
}

/** What a clone inherits besides its memory, and xencloned's work for it (its µs). */
export interface CloneHooks {
  inherit(child: Domain): void;
  xencloned(parent: Domain, child: Domain): number;
}

/** The clone hypercall issued by `parent`, for n children. */
export function clone(hv: Hypervisor, clones: Clones, parent: Domain, n: number, hooks: CloneHooks): Cloned {
  if (parent.domid === DOM0) fail('EINVAL', 'Domain-0 does not clone itself');
  hv.requireActive(parent, 'clone (the guest issues the hypercall)');
  if (!Number.isInteger(n) || n < 1) fail('EINVAL', `the number of clones must be a whole number from 1, not ${n}`);
  const max = maxClones(parent);
  if (max === 0)
    fail(
      'EPERM',
      `${parent.name}'s image sets no max_clones: cloning is off (Nephele's default); create ${parent.image.name} max_clones=8 allows it`,
    );
  const have = clones.inFamily(parent.family);
  if (have + n > max)
    fail(
      'ENOSPC',
      `${parent.name}'s family has ${have} of its ${max} clones (max_clones); ${n} more would be ${have + n}`,
    );
  const live = hv.liveCount - 1;
  if (live + n > hv.host.max_domains)
    fail('ENOSPC', `${n} more pVMs would make ${live + n}, above this host's max_domains (${hv.host.max_domains})`);
  const pages = pagesOf(parent);
  const out: Cloned = { parent, children: [], latencyUs: 0 };
  for (let i = 0; i < n; i++) {
    const child = childOf(
      hv,
      parent,
      parent.regions.map((r) => hv.mem.share(r)),
    );
    const domid = child.domid;
    clones.of.set(domid, parent.domid);
    hooks.inherit(child);
    // The hypercall: an empty domain, the memory shared copy-on-write, state passed, the clone unpaused.
    const latencyUs = forkCost(hv.cost, pages, false) + hooks.xencloned(parent, child);
    out.children.push({ domain: child, latencyUs });
    out.latencyUs += latencyUs;
    hv.emit('forked', child, `${parent.name} cloned ${child.name} (domid ${domid}): ${pages} pages shared`);
  }
  return out;
}

export function registerClones(hv: Hypervisor): Clones {
  const c = new Clones(hv);
  hv.register(c);
  return c;
}
