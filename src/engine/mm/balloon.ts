// xl mem-set and mem-max on a pVM: the guest's balloon driver gives heap pages back to Xen or takes
// more, up to the domain's maximum (xl mem-max). Mini-OS balloons its heap; text, data, bss, stack and
// linked libraries stay. A page given back drops this pVM's mapping of its frame; the frame is freed
// only if nobody else maps it (p2m.ts resize): ballooning a forked child out of pages it still shares
// with its parent frees nothing the parent maps, it only stops sharing them.

import { DOM0, isZombie, pagesOf, region, type Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';

const PAGES_PER_MIB = 256;

/** The pages a pVM keeps whatever the balloon does: all but its heap, and one heap page. */
export function floorPages(d: Domain): number {
  const heap = region(d, 'heap');
  return pagesOf(d) - (heap ? heap.pages : 0) + 1;
}

export interface Ballooned {
  /** Pages the pVM holds now, before. */
  from: number;
  to: number;
  /** Frames returned to the free pool (or taken from it, negative). */
  framesFreed: number;
}

/** xl mem-set: make the pVM hold `mib` MiB, moving its heap's end. Validates everything first. */
export function memSet(hv: Hypervisor, d: Domain, mib: number): Ballooned {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 memory is reserved whole in this model (dom0_mem in the host file)');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  const heap = region(d, 'heap');
  if (!heap) fail('EINVAL', `${d.name} has no heap to balloon`);
  if (mib > d.memMiB)
    fail('EINVAL', `${mib} MiB is above ${d.name}'s maximum of ${d.memMiB} MiB (raise it with mem-max first)`);
  const from = pagesOf(d);
  const to = mib * PAGES_PER_MIB;
  const floor = floorPages(d);
  if (to < floor)
    fail(
      'EINVAL',
      `${d.name} cannot go below ${Math.ceil(floor / PAGES_PER_MIB)} MiB: its text, data, bss, stack and libraries take ${floor - 1} pages and its heap keeps one`,
    );
  const freeBefore = hv.frames.free;
  hv.mem.resize(heap, heap.pages + (to - from));
  return { from, to, framesFreed: hv.frames.free - freeBefore };
}

/** xl mem-max: the most the pVM may hold; not below what it holds now (libxl refuses that). */
export function memMax(d: Domain, mib: number): void {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 memory is reserved whole in this model (dom0_mem in the host file)');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  const now = Math.ceil(pagesOf(d) / PAGES_PER_MIB);
  if (mib < now)
    fail(
      'EINVAL',
      `memory_static_max must be greater than or equal to memory_dynamic_max: ${d.name} holds ${now} MiB (mem-set it lower first)`,
    );
  d.memMiB = mib;
}
