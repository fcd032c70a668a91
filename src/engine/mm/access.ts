// What a pVM does to its memory and what the host reports about it: touch (write pages, breaking
// copy-on-write sharing), peek (read a page's content token) and smaps-style accounting.

import { cowCost } from '../cost-model.js';
import { Domain, isZombie, region } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { suggest } from '../suggest.js';
import { Accounting, Smaps, SmapsRaw } from './accounting.js';
import { PAGE_KIB } from './frames.js';
import type { Region } from './p2m.js';

export function findRegion(d: Domain, name: string): Region {
  const r = region(d, name);
  if (r) return r;
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited and holds no memory`);
  const names = d.regions.map((x) => x.name);
  const near = suggest(name, names);
  fail(
    'ENOENT',
    `${d.name} has no region '${name}'${near ? ` (did you mean '${near}'?)` : ` (regions: ${names.join(', ')})`}`,
  );
}

export interface Touched {
  region: string;
  first: number;
  pages: number;
  copied: number;
  inPlace: number;
  latencyUs: number;
}

/** Write `count` pages of a region from `first`: each a CoW break if the frame is shared, else in place. */
export function touch(hv: Hypervisor, d: Domain, regionName: string, first: number, count: number | 'all'): Touched {
  hv.requireActive(d, 'write memory');
  const r = findRegion(d, regionName);
  const n = count === 'all' ? r.pages - first : count;
  if (!Number.isInteger(first) || first < 0 || first >= r.pages)
    fail('EINVAL', `offset ${first} is outside ${r.name} (pages 0-${r.pages - 1})`);
  if (!Number.isInteger(n) || n < 1) fail('EINVAL', `the number of pages must be at least 1, not ${n}`);
  if (first + n > r.pages)
    fail('EINVAL', `${r.name} of ${d.name} has ${r.pages} pages; pages ${first}-${first + n - 1} do not fit`);
  if (r.kind === 'ro') fail('EFAULT', `${r.name} of ${d.name} is read-only (code is shared, never written)`);
  const need = hv.mem.framesNeeded(r, first, n);
  if (need > hv.frames.free)
    fail('ENOMEM', `writing needs ${need} new frames for copy-on-write, the host has ${hv.frames.free} free`);
  let copied = 0;
  for (let p = first; p < first + n; p++) if (hv.mem.write(r, p) === 'copied') copied++;
  if (copied > 0) hv.emit('cow', d, `${d.name}: ${copied} copy-on-write break${copied === 1 ? '' : 's'} in ${r.name}`);
  return {
    region: r.name,
    first,
    pages: n,
    copied,
    inPlace: n - copied,
    latencyUs: cowCost(hv.cost, copied, n - copied),
  };
}

export interface Peeked {
  region: string;
  page: number;
  frame: number;
  token: number;
  mapcount: number;
}

export function peek(hv: Hypervisor, d: Domain, regionName: string, page: number): Peeked {
  const r = findRegion(d, regionName);
  const frame = hv.mem.frameOf(r, page);
  const acct = hv.accounting();
  return { region: r.name, page, frame, token: hv.frames.token[frame]!, mapcount: acct.mapcounts[frame]! };
}

export interface DomainSmaps {
  regions: Smaps[];
  total: Smaps;
}

/** smaps per region and the rollup (Pss summed before truncation, as smaps_rollup does). */
export function smaps(hv: Hypervisor, d: Domain): DomainSmaps {
  const acct = hv.accounting();
  const raws: SmapsRaw[] = d.regions.map((r) => acct.raw(r));
  return { regions: raws.map(Accounting.present), total: Accounting.present(Accounting.sum('total', raws)) };
}

/** The rollup alone (smaps(hv, d).total), without the per-region records: for tables of every pVM. */
export function smapsTotal(hv: Hypervisor, d: Domain): Smaps {
  const acct = hv.accounting();
  const raw: SmapsRaw = { region: 'total', sizePages: 0, pages: 0, pssShifted: 0, sharedPages: 0 };
  for (const r of d.regions) acct.addRegion(r, raw);
  return Accounting.present(raw);
}

export interface HostMemory {
  total_kib: number;
  dom0_kib: number;
  used_kib: number;
  free_kib: number;
  shared_kib: number;
  saved_kib: number;
}

/** Host totals: xl info's total/free memory and sharing_used/freed_memory. */
export function hostMemory(hv: Hypervisor): HostMemory {
  const acct = hv.accounting();
  return {
    total_kib: hv.host.memory * 1024,
    dom0_kib: hv.host.dom0_mem * 1024,
    used_kib: hv.frames.used * PAGE_KIB,
    free_kib: hv.frames.free * PAGE_KIB,
    shared_kib: acct.sharedFrames * PAGE_KIB,
    saved_kib: acct.savedPages * PAGE_KIB,
  };
}

/** Pages of `a` that map the very same frames as `b` in the region of the same name (fork sharing). */
export function pagesSharedWith(hv: Hypervisor, a: Domain, b: Domain): number {
  let n = 0;
  for (let k = 0; k < a.regions.length; k++) {
    const ra = a.regions[k]!;
    // A child's regions are its parent's, in the same order, unless one linked or attached more.
    const same = b.regions[k];
    const rb = same !== undefined && same.name === ra.name ? same : region(b, ra.name);
    if (!rb) continue;
    const pages = Math.min(ra.pages, rb.pages);
    for (let c = 0; c * 512 < pages; c++) {
      const inChunk = Math.min(512, pages - c * 512);
      if (ra.p2m[c] === rb.p2m[c]) {
        n += inChunk;
        continue;
      }
      const fa = hv.mem.chunkFramesOf(ra.p2m[c]!);
      const fb = hv.mem.chunkFramesOf(rb.p2m[c]!);
      for (let i = 0; i < inChunk; i++) if (fa[i] === fb[i] && fa[i]! >= 0) n++;
    }
  }
  return n;
}
