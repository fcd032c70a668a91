// Memory accounting by Linux's smaps definitions (Documentation/filesystems/proc.rst):
//   Size    the region's size;
//   Rss     pages resident (all of a pVM's memory is populated, so Rss = Size, except in the child of a
//           Xen VM fork, whose p2m starts empty and fills on fault: mem-sharing.ts);
//   Pss     each page's size divided by the number of mappings of it, summed, with Linux's fixed point:
//           (PAGE_SIZE << 12) / mapcount per page, summed, then >> 12 and shown in whole KiB (truncated);
//   Shared  pages mapped more than once; Private: pages mapped once.
// "Mapped" counts p2m entries of pVMs only: a library's master copy held by Domain-0 or an unattached
// shm segment keeps frames alive but maps them in no pVM, as the page cache does on Linux.
//
// Cost: mapping counts are kept up to date incrementally. A refresh counts the chunk ids of every pVM
// region (O(regions' chunks)), then, for each chunk whose pVM references or frames changed since the
// last refresh (fork, a CoW break, exit: p2m.ts records the changes), takes back what the chunk counted
// and counts it anew: O(changed chunks x 512), not O(every frame on the host). Per-chunk Pss sums are
// made when a region asks for them and kept until some mapping count changes; a chunk shared by 100,000
// pVMs is summed once, so `tree` with 100k forks stays fast, and `touch` sums only its own chunks.

import type { Memory, Region } from './p2m.js';
import { PAGE_KIB, PAGE_SIZE } from './frames.js';

const PSS_SHIFT = 12;

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
  /** Pages the region spans (Size). */
  sizePages: number;
  /** Pages that map a frame (Rss). */
  pages: number;
  pssShifted: number;
  sharedPages: number;
}

/** Calls `visit` with every pVM region (a walk, not an iterator: no object per region for 100,000 pVMs). */
export type RegionWalk = (visit: (r: Region) => void) => void;

export class Accounting {
  private gen = -1;
  // Per chunk id (typed arrays, grown as the host grows): references from pVM p2m lists at the last
  // refresh (and a spare to count the next into), the epoch its sums are of, and its sums.
  private maps = new Uint32Array(0);
  private next = new Uint32Array(0);
  private sumsAt = new Uint32Array(0);
  private chunkPages = new Uint32Array(0);
  private chunkPss = new Float64Array(0);
  private chunkShared = new Uint32Array(0);
  /** Bumped whenever some mapping count changes: every chunk's sums are then stale. */
  private epoch = 1;

  constructor(private readonly mem: Memory) {}

  /** Bring mapping counts up to date if anything changed since the last call. `regions` are all pVM mappings. */
  refresh(regions: RegionWalk): void {
    if (this.gen === this.mem.generation) return;
    const changes = this.mem.takeChunkChanges();
    const ids = this.mem.chunkIdLimit;
    if (this.maps.length < ids) this.grow(Math.max(ids, this.maps.length * 2));
    const now = this.next;
    now.fill(0, 0, ids);
    regions((r) => {
      const p2m = r.p2m;
      for (let c = 0; c < p2m.length; c++) now[p2m[c]!]!++;
    });
    const frames = this.mem.frames.highWater;
    if (this.mapcounts.length < frames) {
      const bigger = new Uint32Array(Math.max(frames, this.mapcounts.length * 2));
      bigger.set(this.mapcounts);
      this.mapcounts = bigger;
    }
    const was = this.maps;
    let moved = false;
    for (let id = 0; id < ids; id++) {
      const before = was[id]!;
      const after = now[id]!;
      const changed = changes.has(id);
      if (before === after && !changed) continue;
      if (!changed) {
        // Same frames, mapped by more or fewer pVMs (fork, exit): one pass with the difference.
        this.count(this.mem.chunkFramesOf(id), after - before);
      } else {
        // Take back what the chunk counted with its frames as they were, then count it as it is.
        if (before > 0) this.count(changes.get(id)!, -before);
        if (after > 0) this.count(this.mem.chunkFramesOf(id), after);
      }
      moved = true;
    }
    this.maps = now;
    this.next = was;
    if (moved) this.epoch++;
    this.gen = this.mem.generation;
  }

  /** Add `n` mappings (negative: remove) of every frame of a chunk, keeping the host totals. */
  private count(fr: Int32Array, n: number): void {
    const mc = this.mapcounts;
    let shared = this.sharedFrames;
    let saved = this.savedPages;
    for (let i = 0; i < fr.length; i++) {
      const f = fr[i]!;
      if (f < 0) continue;
      const a = mc[f]!;
      const b = a + n;
      if (a >= 2) {
        shared--;
        saved -= a - 1;
      }
      if (b >= 2) {
        shared++;
        saved += b - 1;
      }
      mc[f] = b;
    }
    this.sharedFrames = shared;
    this.savedPages = saved;
  }

  private grow(n: number): void {
    const maps = new Uint32Array(n);
    maps.set(this.maps);
    this.maps = maps;
    this.next = new Uint32Array(n);
    this.sumsAt = new Uint32Array(n);
    this.chunkPages = new Uint32Array(n);
    this.chunkPss = new Float64Array(n);
    this.chunkShared = new Uint32Array(n);
  }

  /** Pages, Pss and shared pages of one chunk as mapped now. */
  private sum(id: number): void {
    const fr = this.mem.chunkFramesOf(id);
    const mc = this.mapcounts;
    let pages = 0;
    let pss = 0;
    let shared = 0;
    for (let i = 0; i < fr.length; i++) {
      const f = fr[i]!;
      if (f < 0) continue;
      const m = mc[f]!;
      pages++;
      pss += Math.floor((PAGE_SIZE << PSS_SHIFT) / m);
      if (m >= 2) shared++;
    }
    this.chunkPages[id] = pages;
    this.chunkPss[id] = pss;
    this.chunkShared[id] = shared;
    this.sumsAt[id] = this.epoch;
  }

  /**
   * Mapping counts that differ from a count from scratch (the invariant check; empty when right).
   * `regions` are all pVM mappings, as for refresh.
   */
  check(regions: RegionWalk): string[] {
    this.refresh(regions);
    const frames = this.mem.frames.highWater;
    // Count by chunk first: a chunk shared by many pVMs is walked once.
    const maps = new Map<number, number>();
    regions((r) => {
      for (let c = 0; c < r.p2m.length; c++) maps.set(r.p2m[c]!, (maps.get(r.p2m[c]!) ?? 0) + 1);
    });
    const fresh = new Uint32Array(frames);
    for (const [id, n] of maps) {
      const fr = this.mem.chunkFramesOf(id);
      for (let i = 0; i < fr.length; i++) if (fr[i]! >= 0) fresh[fr[i]!]! += n;
    }
    const p: string[] = [];
    let shared = 0;
    let saved = 0;
    for (let f = 0; f < frames; f++) {
      const n = fresh[f]!;
      if (n >= 2) {
        shared++;
        saved += n - 1;
      }
      if (this.mapcounts[f] !== n && p.length < 5)
        p.push(`accounting counts frame ${f} mapped ${this.mapcounts[f]} times, the p2m lists map it ${n} times`);
    }
    for (let f = frames; f < this.mapcounts.length && p.length < 5; f++)
      if (this.mapcounts[f] !== 0) p.push(`accounting counts frame ${f}, above the high-water mark, mapped`);
    if (shared !== this.sharedFrames || saved !== this.savedPages)
      p.push(
        `accounting totals ${this.sharedFrames} shared frames and ${this.savedPages} saved pages, a count from scratch ${shared} and ${saved}`,
      );
    return p;
  }

  /** Pages that would be copies without sharing: sum of (mapcount - 1), xl info's sharing_freed_memory. */
  savedPages = 0;
  /** Frames mapped more than once, xl info's sharing_used_memory. */
  sharedFrames = 0;
  /** Mapping count of every frame below the high-water mark (valid after refresh; may be longer). */
  mapcounts = new Uint32Array(0);

  /** A pVM region's smaps sums (after refresh). */
  raw(r: Region): SmapsRaw {
    const out: SmapsRaw = { region: r.name, sizePages: 0, pages: 0, pssShifted: 0, sharedPages: 0 };
    this.addRegion(r, out);
    return out;
  }

  /** Add a pVM region's sums to `out` (after refresh): totals over 100,000 pVMs without an object per region. */
  addRegion(r: Region, out: SmapsRaw): void {
    out.sizePages += r.pages;
    const p2m = r.p2m;
    for (let c = 0; c < p2m.length; c++) {
      const id = p2m[c]!;
      if (id >= this.sumsAt.length) continue;
      if (this.sumsAt[id] !== this.epoch) this.sum(id);
      out.pages += this.chunkPages[id]!;
      out.pssShifted += this.chunkPss[id]!;
      out.sharedPages += this.chunkShared[id]!;
    }
  }

  static present(raw: SmapsRaw): Smaps {
    return {
      region: raw.region,
      size_kib: raw.sizePages * PAGE_KIB,
      rss_kib: raw.pages * PAGE_KIB,
      pss_kib: Math.floor(raw.pssShifted / 2 ** PSS_SHIFT / 1024),
      shared_kib: raw.sharedPages * PAGE_KIB,
      private_kib: (raw.pages - raw.sharedPages) * PAGE_KIB,
    };
  }

  static sum(name: string, raws: SmapsRaw[]): SmapsRaw {
    const t: SmapsRaw = { region: name, sizePages: 0, pages: 0, pssShifted: 0, sharedPages: 0 };
    for (const r of raws) {
      t.sizePages += r.sizePages;
      t.pages += r.pages;
      t.pssShifted += r.pssShifted;
      t.sharedPages += r.sharedPages;
    }
    return t;
  }
}
