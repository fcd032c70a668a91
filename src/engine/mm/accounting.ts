// Memory accounting by Linux's smaps definitions (Documentation/filesystems/proc.rst):
//   Size    the region's size;
//   Rss     pages resident (all of a pVM's memory is populated, so Rss = Size);
//   Pss     each page's size divided by the number of mappings of it, summed, with Linux's fixed point:
//           (PAGE_SIZE << 12) / mapcount per page, summed, then >> 12 and shown in whole KiB (truncated);
//   Shared  pages mapped more than once; Private: pages mapped once.
// "Mapped" counts p2m entries of pVMs only: a library's master copy held by Domain-0 or an unattached
// shm segment keeps frames alive but maps them in no pVM, as the page cache does on Linux.
//
// Cost: one pass over the distinct chunks (O(distinct frames)) and one over the chunk ids of every
// region; a chunk shared by 100,000 pVMs is summed once, so `tree` with 100k forks stays fast.

import { CHUNK_PAGES, Memory, Region } from './p2m.js';
import { PAGE_KIB, PAGE_SIZE } from './frames.js';

const PSS_SHIFT = 12;

/** Raw sums for one chunk as mapped in one p2m (pss in bytes << PSS_SHIFT). */
interface ChunkSums {
  pages: number;
  pss: number;
  shared: number;
}

export interface Smaps {
  region: string;
  size_kib: number;
  rss_kib: number;
  pss_kib: number;
  shared_kib: number;
  private_kib: number;
}

/** A region's smaps before truncation, so totals can be truncated once, as smaps_rollup does. */
export interface SmapsRaw {
  region: string;
  pages: number;
  pssShifted: number;
  sharedPages: number;
}

export class Accounting {
  private gen = -1;
  private sums = new Map<number, ChunkSums>();

  constructor(private readonly mem: Memory) {}

  /** Recompute mapping counts if anything changed since the last call. `regions` are all pVM mappings. */
  refresh(regions: () => Iterable<Region>): void {
    if (this.gen === this.mem.generation) return;
    const refs = new Map<number, number>();
    for (const r of regions()) for (const id of r.p2m) refs.set(id, (refs.get(id) ?? 0) + 1);
    const mapcount = new Uint32Array(this.mem.frames.highWater);
    for (const [id, n] of refs) {
      const fr = this.mem.chunkFramesOf(id);
      for (let i = 0; i < CHUNK_PAGES; i++) if (fr[i]! >= 0) mapcount[fr[i]!]! += n;
    }
    let saved = 0;
    let shared = 0;
    for (let f = 0; f < mapcount.length; f++) {
      const mc = mapcount[f]!;
      if (mc >= 2) {
        shared++;
        saved += mc - 1;
      }
    }
    this.savedPages = saved;
    this.sharedFrames = shared;
    this.sums = new Map();
    for (const id of refs.keys()) {
      const fr = this.mem.chunkFramesOf(id);
      const s: ChunkSums = { pages: 0, pss: 0, shared: 0 };
      for (let i = 0; i < CHUNK_PAGES; i++) {
        const f = fr[i]!;
        if (f < 0) continue;
        const mc = mapcount[f]!;
        s.pages++;
        s.pss += Math.floor((PAGE_SIZE << PSS_SHIFT) / mc);
        if (mc >= 2) s.shared++;
      }
      this.sums.set(id, s);
    }
    this.mapcounts = mapcount;
    this.gen = this.mem.generation;
  }

  /** Pages that would be copies without sharing: sum of (mapcount - 1), xl info's sharing_freed_memory. */
  savedPages = 0;
  /** Frames mapped more than once, xl info's sharing_used_memory. */
  sharedFrames = 0;
  /** Mapping count of every frame below the high-water mark (valid after refresh). */
  mapcounts = new Uint32Array(0);

  raw(r: Region): SmapsRaw {
    const out: SmapsRaw = { region: r.name, pages: 0, pssShifted: 0, sharedPages: 0 };
    for (const id of r.p2m) {
      const s = this.sums.get(id);
      if (!s) continue;
      out.pages += s.pages;
      out.pssShifted += s.pss;
      out.sharedPages += s.shared;
    }
    return out;
  }

  static present(raw: SmapsRaw): Smaps {
    return {
      region: raw.region,
      size_kib: raw.pages * PAGE_KIB,
      rss_kib: raw.pages * PAGE_KIB,
      pss_kib: Math.floor(raw.pssShifted / 2 ** PSS_SHIFT / 1024),
      shared_kib: raw.sharedPages * PAGE_KIB,
      private_kib: (raw.pages - raw.sharedPages) * PAGE_KIB,
    };
  }

  static sum(name: string, raws: SmapsRaw[]): SmapsRaw {
    const t: SmapsRaw = { region: name, pages: 0, pssShifted: 0, sharedPages: 0 };
    for (const r of raws) {
      t.pages += r.pages;
      t.pssShifted += r.pssShifted;
      t.sharedPages += r.sharedPages;
    }
    return t;
  }
}
