// The p2m: each memory region of a pVM maps its pages (pseudo-physical) to machine frames.
//
// Fork must not cost O(pages). As in On-demand-fork (EuroSys'21), the map is a list of fixed-size
// chunks of 512 entries; fork copies the short list of chunk ids and bumps each chunk's reference
// count, so a 1 GiB pVM forks by touching 512 chunk ids instead of 262,144 entries. The first write
// into a shared chunk gives the writer its own copy of that chunk (O(512)); then the frame itself is
// copied if anyone else still maps it (the CoW break), or written in place if not.
//
// A chunk holds as many entries as its region has pages there: 512, or fewer in a region's last chunk
// (a one-page link or pipe ring costs 4 bytes, not 2 KiB). Saved states still show 512 per chunk.
//
// A frame's reference count (frames.ts) counts the chunks holding it; how many p2m entries map it,
// which accounting needs, is the sum of the references of those chunks (accounting.ts).

import { fail } from '../errors.js';
import { FrameTable } from './frames.js';
import { hashInts } from '../hash.js';
import { arr, nat, natList, record, str } from '../validate.js';

export const CHUNK_PAGES = 512;
const NO_FRAME = -1;
/**
 * A page inside a region that maps no frame yet (a Xen VM fork's child: its p2m starts empty). Distinct
 * from NO_FRAME, which marks entries past a region's end, so a saved chunk of holes keeps its length.
 */
const HOLE = -2;

/** `ro`: text, a write is EFAULT. `cow`: shared copy-on-write after fork. `shared`: writes are seen by all (shm). */
export type RegionKind = 'ro' | 'cow' | 'shared';

export interface Region {
  name: string;
  kind: RegionKind;
  pages: number;
  /**
   * Chunk ids, ceil(pages / 512) of them. A plain array of small integers, not an Int32Array: 100,000
   * pVMs hold 700,000 of these lists, and a typed array costs two objects (itself and its ArrayBuffer,
   * which every garbage collection sweeps) and a separate allocation for a handful of ids.
   */
  p2m: number[];
  /** The pages this region alone maps (OwnedPages), or null until a write finds one. Not state. */
  own: OwnedPages | null;
}

/**
 * The pages of a copy-on-write region that it alone maps (its chunk held once, the frame held by that
 * chunk alone), each with its frame: a write to one is in place, so `run`'s millions of request writes
 * find the frame with one lookup in a dense per-region array instead of the chunk's entry and two
 * reference counts. Filled as writes find pages so; dropped when the region is shared (fork), resized or
 * released, and for every region when a hole is filled (a VM fork's child may take a parent's frame).
 */
interface OwnedPages {
  mem: Memory;
  /** The Memory's `ownEpoch` when the first page went in; any other value: the array is stale. */
  epoch: number;
  /** Per page: its frame + 1, or 0 when the page is not known to be this region's alone. */
  frames: Int32Array;
}

export interface RegionSnapshot {
  name: string;
  kind: RegionKind;
  pages: number;
  p2m: number[];
}

export interface ChunkSnapshot {
  ids: number[];
  refs: number[];
  frames: number[][];
  freeIds: number[];
}

export type WriteOutcome = 'copied' | 'in-place';

/**
 * Who fills a page the p2m does not map (a hole: Xen's VM fork, whose child's p2m starts empty,
 * mem-sharing.ts). `fill` returns a frame with a reference taken for the entry: the parent's frame
 * shared (a read, or any access to shared memory), or a new frame with the parent's contents (a write).
 */
export interface HoleFiller {
  fill(r: Region, page: number, write: boolean): number;
}

export function chunksFor(pages: number): number {
  return Math.ceil(pages / CHUNK_PAGES);
}

/**
 * A snapshot's chunk ids, each checked against `n`, the length of the chunk table. Ids are dense (every id
 * below the highest is live or free), so the table is exactly as long as the ids the document lists: a
 * hand-edited id past that is refused instead of allocating a table of that size (a check per id, not
 * Math.max(...ids), which overflows the stack past about 120,000 ids).
 */
function chunkIds(list: unknown[], n: number): number[] {
  return list.map((id) =>
    typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < n
      ? id
      : fail('EINVAL', `state: chunk id ${String(id)} is not one of 0-${n - 1} (the ids must be dense)`),
  );
}

/** A saved chunk's entries: frame numbers, HOLE for a page not yet mapped, NO_FRAME past a region's end. */
function chunkEntries(v: unknown, where: string): number[] {
  if (!Array.isArray(v)) fail('EINVAL', `state: ${where} must be an array`);
  return v.map((x, i) =>
    typeof x === 'number' && Number.isInteger(x) && x >= HOLE
      ? x
      : fail('EINVAL', `state: ${where}[${i}] must be a frame number`),
  );
}

export class Memory {
  /** Chunk id -> its frame numbers (up to 512; fewer in a region's last chunk), or null when the id is free. */
  private chunkFrames: (Int32Array | null)[] = [];
  /** Chunk id -> references from p2m lists (pVM regions and host-held regions). */
  private chunkRefs: number[] = [];
  private freeIds: number[] = [];
  /** Bumped on every change to any mapping (not on writes in place: content is not accounted); accounting caches on it. */
  generation = 0;
  /**
   * Chunks whose frames changed (freed, a frame replaced) since accounting last asked, each with its
   * frames before the first change, so accounting can take back what the chunk counted. Null until
   * accounting first asks: nothing is recorded for nobody.
   */
  private changed: Map<number, Int32Array> | null = null;

  /** Bumped when a frame may gain a holder outside a region's own chunks (a hole filled): every OwnedPages is stale. */
  private ownEpoch = 0;

  /** Fills holes on first access; without one, a hole is a fault nobody can serve. */
  holes: HoleFiller | null = null;

  constructor(readonly frames: FrameTable) {}

  /** A region of `pages` holes: nothing mapped until first access (the child of a Xen VM fork). */
  populateHoles(name: string, kind: RegionKind, pages: number): Region {
    const p2m: number[] = [];
    for (let c = 0; c < chunksFor(pages); c++)
      p2m.push(this.newChunk(new Int32Array(Math.min(CHUNK_PAGES, pages - c * CHUNK_PAGES)).fill(HOLE)));
    this.generation++;
    return { name, kind, pages, p2m, own: null };
  }

  /** The page maps no frame yet. */
  isHole(r: Region, page: number): boolean {
    this.checkPage(r, page);
    return this.chunkFrames[r.p2m[page >>> 9]!]![page & (CHUNK_PAGES - 1)]! === HOLE;
  }

  /** Pages of a region that map a frame. */
  present(r: Region): number {
    let n = 0;
    for (const id of r.p2m) for (const f of this.chunkFrames[id]!) if (f >= 0) n++;
    return n;
  }

  /**
   * Every page of `r` maps the frame `of` maps at the same page, or is a hole not yet filled (a VM fork's
   * copy of a library's text fills from its parent, which maps the host's one copy).
   */
  mapsOrHoles(r: Region, of: Region): boolean {
    if (r.pages !== of.pages) return false;
    for (let c = 0; c < r.p2m.length; c++) {
      if (r.p2m[c] === of.p2m[c]) continue;
      const a = this.chunkFrames[r.p2m[c]!]!;
      const b = this.chunkFrames[of.p2m[c]!]!;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i] !== HOLE) return false;
    }
    return true;
  }

  /** Serve a hole: the filler's frame goes into the writer's own copy of the chunk. */
  private fillHole(r: Region, page: number, write: boolean): number {
    if (!this.holes) fail('EFAULT', `page ${page} of ${r.name} is not mapped`);
    const f = this.holes.fill(r, page, write);
    this.ownEpoch++; // the filler may have shared a frame another region held alone
    const ci = page >>> 9;
    let id = r.p2m[ci]!;
    if (this.chunkRefs[id]! > 1) {
      id = this.unshareChunk(id);
      r.p2m[ci] = id;
    }
    this.noteChange(id, true);
    this.chunkFrames[id]![page & (CHUNK_PAGES - 1)] = f;
    this.generation++;
    return f;
  }

  /** A fresh region with every page populated, as Xen populates all of a domain's memory at create. */
  populate(name: string, kind: RegionKind, pages: number): Region {
    if (pages > this.frames.free) fail('ENOMEM', `need ${pages} frames for ${name}, ${this.frames.free} free`);
    const p2m: number[] = [];
    for (let c = 0; c < chunksFor(pages); c++) {
      const fr = new Int32Array(Math.min(CHUNK_PAGES, pages - c * CHUNK_PAGES));
      for (let i = 0; i < fr.length; i++) fr[i] = this.frames.alloc();
      p2m.push(this.newChunk(fr));
    }
    this.generation++;
    return { name, kind, pages, p2m, own: null };
  }

  /** Another mapping of the same frames (fork, library sharing, shm attach): O(chunks), not O(pages). */
  share(r: Region, kind: RegionKind = r.kind, name: string = r.name): Region {
    const p2m = r.p2m.slice();
    for (let c = 0; c < p2m.length; c++) this.chunkRefs[p2m[c]!]!++;
    r.own = null; // its chunks are held twice now
    this.generation++;
    return { name, kind, pages: r.pages, p2m, own: null };
  }

  /** Drop a mapping; chunks and frames that nobody holds any more are freed. */
  release(r: Region): void {
    for (let c = 0; c < r.p2m.length; c++) this.unrefChunk(r.p2m[c]!);
    r.p2m = [];
    r.pages = 0;
    r.own = null;
    this.generation++;
  }

  /**
   * A balloon driver's change of a region's size (xl mem-set): pages past the new end are given back,
   * pages added at the end get fresh frames. Giving a page back drops this region's mapping of its frame;
   * the frame is freed only when no other chunk holds it, so a frame a forked sibling still maps stays
   * (the balloon frees what only this pVM held). A shared last chunk is made this region's own first, as
   * a write would. The caller checked `frames.free` for growth (ENOMEM before any change).
   */
  resize(r: Region, pages: number): void {
    if (!Number.isInteger(pages) || pages < 0) fail('EINVAL', `a region cannot hold ${pages} pages`);
    if (pages > r.pages && pages - r.pages > this.frames.free)
      fail('ENOMEM', `need ${pages - r.pages} frames for ${r.name}, ${this.frames.free} free`);
    const keep = chunksFor(pages);
    r.own = null;
    while (r.p2m.length > keep) this.unrefChunk(r.p2m.pop()!);
    // Only the region's last chunk may be partial: it is cut to the new end, or filled (to 512, or to
    // the new end when that is in it) before new chunks follow.
    const last = r.p2m.length - 1;
    if (last >= 0) {
      const want = Math.min(CHUNK_PAGES, pages - last * CHUNK_PAGES);
      let id = r.p2m[last]!;
      if (this.chunkFrames[id]!.length !== want) {
        if (this.chunkRefs[id]! > 1) r.p2m[last] = id = this.unshareChunk(id);
        this.noteChange(id, false);
        const old = this.chunkFrames[id]!;
        const fr = new Int32Array(want);
        for (let i = 0; i < want; i++) fr[i] = i < old.length ? old[i]! : this.frames.alloc();
        for (let i = want; i < old.length; i++) if (old[i]! >= 0) this.frames.put(old[i]!);
        this.chunkFrames[id] = fr;
      }
    }
    for (let c = r.p2m.length; c < keep; c++) {
      const fr = new Int32Array(Math.min(CHUNK_PAGES, pages - c * CHUNK_PAGES));
      for (let i = 0; i < fr.length; i++) fr[i] = this.frames.alloc();
      r.p2m.push(this.newChunk(fr));
    }
    r.pages = pages;
    this.generation++;
  }

  /**
   * Put a page's content back from a checkpoint (xl restore): the page's frame takes the saved content
   * token. Only a frame this region alone maps may be restored (a fresh domain's own memory).
   */
  restoreContent(r: Region, page: number, token: number): void {
    const id = r.p2m[page >>> 9];
    const f = this.frameOf(r, page);
    if (id === undefined || this.chunkRefs[id]! > 1 || this.frames.refs[f]! > 1)
      fail('EINVAL', `page ${page} of ${r.name} is shared: its content cannot be restored in place`);
    this.frames.token[f] = token;
  }

  /** The frame a page maps; a hole is filled first (a read fault). */
  frameOf(r: Region, page: number): number {
    this.checkPage(r, page);
    const f = this.chunkFrames[r.p2m[page >>> 9]!]![page & (CHUNK_PAGES - 1)]!;
    return f === HOLE ? this.fillHole(r, page, false) : f;
  }

  /** Content token of a page (what `peek` shows). */
  read(r: Region, page: number): number {
    return this.frames.token[this.frameOf(r, page)]!;
  }

  /** How many new frames writing pages [first, first+count) would take: lets callers fail with ENOMEM before changing anything. */
  framesNeeded(r: Region, first: number, count: number): number {
    if (r.kind !== 'cow') return 0;
    let need = 0;
    for (let p = first; p < first + count; p++) {
      const id = r.p2m[p >>> 9]!;
      const f = this.chunkFrames[id]![p & (CHUNK_PAGES - 1)]!;
      if (f === HOLE || this.chunkRefs[id]! > 1 || this.frames.refs[f]! > 1) need++;
    }
    return need;
  }

  /** Write one page: EFAULT on text, a CoW break when the frame is mapped elsewhere, else in place. */
  write(r: Region, page: number): WriteOutcome {
    const own = r.own;
    if (own !== null && own.epoch === this.ownEpoch && own.mem === this) {
      // Out of range or not an index: undefined, so the checks below say why.
      const known = own.frames[page];
      if (known !== undefined && known > 0) {
        this.frames.write(known - 1);
        return 'in-place';
      }
    }
    this.checkPage(r, page);
    if (r.kind === 'ro') fail('EFAULT', `${r.name} is read-only`);
    const ci = page >>> 9;
    const slot = page & (CHUNK_PAGES - 1);
    if (this.chunkFrames[r.p2m[ci]!]![slot]! === HOLE) {
      // A write fault on a hole: shared memory maps the parent's frame; private memory gets a copy.
      if (r.kind === 'cow' && this.frames.free === 0) fail('ENOMEM', 'out of machine frames for a fault');
      const f = this.fillHole(r, page, r.kind === 'cow');
      this.frames.write(f);
      return r.kind === 'cow' ? 'copied' : 'in-place';
    }
    if (r.kind === 'shared') {
      this.frames.write(this.chunkFrames[r.p2m[ci]!]![slot]!);
      return 'in-place';
    }
    let id = r.p2m[ci]!;
    if (this.chunkRefs[id]! > 1) {
      id = this.unshareChunk(id);
      r.p2m[ci] = id;
      this.generation++;
    }
    const fr = this.chunkFrames[id]!;
    const f = fr[slot]!;
    if (this.frames.refs[f]! > 1) {
      if (this.frames.free === 0) fail('ENOMEM', 'out of machine frames for a copy-on-write break');
      this.generation++;
      this.noteChange(id, true);
      const nf = this.frames.alloc();
      this.frames.copy(f, nf);
      this.frames.write(nf);
      fr[slot] = nf;
      this.frames.put(f);
      this.noteOwned(r, page, nf);
      return 'copied';
    }
    this.frames.write(f);
    this.noteOwned(r, page, f);
    return 'in-place';
  }

  /** `page` of the copy-on-write region `r` maps `f`, which r alone holds (see OwnedPages). */
  private noteOwned(r: Region, page: number, f: number): void {
    let own = r.own;
    if (own === null || own.epoch !== this.ownEpoch || own.mem !== this)
      own = r.own = { mem: this, epoch: this.ownEpoch, frames: new Int32Array(r.pages) };
    own.frames[page] = f + 1;
  }

  /** The chunks changed since the last call (see `changed`); from the first call on, changes are recorded. */
  takeChunkChanges(): Map<number, Int32Array> {
    const out = this.changed ?? new Map<number, Int32Array>();
    this.changed = new Map();
    return out;
  }

  /** Record a chunk's frames before its first change since accounting last asked (`copy`: it is about to be written). */
  private noteChange(id: number, copy: boolean): void {
    if (this.changed === null || this.changed.has(id)) return;
    const fr = this.chunkFrames[id]!;
    this.changed.set(id, copy ? fr.slice() : fr);
  }

  chunkRefCount(id: number): number {
    return this.chunkRefs[id] ?? 0;
  }

  chunkFramesOf(id: number): Int32Array {
    const fr = this.chunkFrames[id];
    if (!fr) throw new Error(`chunk ${id} is free`);
    return fr;
  }

  get chunkIdLimit(): number {
    return this.chunkFrames.length;
  }

  private checkPage(r: Region, page: number): void {
    if (!Number.isInteger(page) || page < 0 || page >= r.pages) {
      fail('EINVAL', `page ${page} is outside ${r.name} (pages 0-${r.pages - 1})`);
    }
  }

  private newChunk(fr: Int32Array): number {
    // No record of the change: the id was free at accounting's last look (it counted nothing), or it
    // was freed since, and that was recorded.
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.chunkFrames.length;
    this.chunkFrames[id] = fr;
    this.chunkRefs[id] = 1;
    return id;
  }

  /** The writer's private copy of a shared chunk: same frames, each now held by one more chunk. */
  private unshareChunk(id: number): number {
    const copy = this.chunkFrames[id]!.slice();
    for (let i = 0; i < copy.length; i++) if (copy[i]! >= 0) this.frames.get(copy[i]!);
    this.chunkRefs[id]!--;
    return this.newChunk(copy);
  }

  private unrefChunk(id: number): void {
    if (--this.chunkRefs[id]! > 0) return;
    const fr = this.chunkFrames[id]!;
    for (let i = 0; i < fr.length; i++) if (fr[i]! >= 0) this.frames.put(fr[i]!);
    this.noteChange(id, false);
    this.chunkFrames[id] = null;
    this.chunkRefs[id] = 0;
    this.freeIds.push(id);
  }

  saveRegion(r: Region): RegionSnapshot {
    return { name: r.name, kind: r.kind, pages: r.pages, p2m: r.p2m.slice() };
  }

  /** A saved region (a RegionSnapshot as a state file holds it), checked field by field. */
  loadRegion(v: unknown, where = 'region'): Region {
    const s = record(v, where);
    const kind = str(s, 'kind', where);
    if (kind !== 'ro' && kind !== 'cow' && kind !== 'shared')
      fail('EINVAL', `state: ${where}.kind must be ro, cow or shared`);
    const pages = nat(s, 'pages', where);
    const p2m = natList(s, 'p2m', where);
    // One chunk per 512 pages: a list of another length would leave pages with no chunk to look in.
    const chunks = Math.ceil(pages / CHUNK_PAGES);
    if (p2m.length !== chunks)
      fail('EINVAL', `state: ${where}.p2m must list ${chunks} chunk${chunks === 1 ? '' : 's'} for ${pages} pages`);
    return { name: str(s, 'name', where), kind, pages, p2m, own: null };
  }

  save(): ChunkSnapshot {
    const out: ChunkSnapshot = { ids: [], refs: [], frames: [], freeIds: [...this.freeIds] };
    this.chunkFrames.forEach((fr, id) => {
      if (!fr) return;
      out.ids.push(id);
      out.refs.push(this.chunkRefs[id]!);
      // 512 entries, NO_FRAME past the region's end: the state document is independent of the in-memory size.
      const entries = Array.from(fr);
      while (entries.length < CHUNK_PAGES) entries.push(NO_FRAME);
      out.frames.push(entries);
    });
    return out;
  }

  fingerprint(): string {
    let h = hashInts(this.freeIds);
    this.chunkFrames.forEach((fr, id) => {
      if (fr) h = hashInts(fr, hashInts([id, this.chunkRefs[id]!], h));
    });
    return `${this.chunkFrames.length}:${h}`;
  }

  /** Rebuild chunks from a saved ChunkSnapshot (checked as it is read), and from them every frame's reference count. */
  static load(frames: FrameTable, v: unknown): Memory {
    const s = record(v, 'chunks');
    const listedIds = arr(s, 'ids', 'chunks');
    const listedFree = arr(s, 'freeIds', 'chunks');
    // Ids are dense: the table is exactly as long as the ids the document lists (see chunkIds).
    const idLimit = listedIds.length + listedFree.length;
    const ids = chunkIds(listedIds, idLimit);
    const freeIds = chunkIds(listedFree, idLimit);
    const refs = natList(s, 'refs', 'chunks');
    const lists = arr(s, 'frames', 'chunks');
    if (refs.length !== ids.length || lists.length !== ids.length)
      fail(
        'EINVAL',
        `state: ${ids.length} chunk ids with ${refs.length} reference counts and ${lists.length} frame lists`,
      );
    const m = new Memory(frames);
    m.chunkFrames = new Array<Int32Array | null>(idLimit).fill(null);
    m.chunkRefs = new Array<number>(idLimit).fill(0);
    ids.forEach((id, k) => {
      const entries = chunkEntries(lists[k], `chunks.frames[${k}]`);
      let n = entries.length;
      while (n > 0 && entries[n - 1] === NO_FRAME) n--;
      const fr = Int32Array.from(entries.slice(0, n));
      m.chunkFrames[id] = fr;
      m.chunkRefs[id] = refs[k]!;
      for (let i = 0; i < fr.length; i++) if (fr[i]! >= 0) frames.refs[fr[i]!]!++;
    });
    m.freeIds = freeIds;
    return m;
  }

  /** A region's OwnedPages, if current, names only pages it alone maps, each with the frame it maps. */
  private checkOwned(r: Region): string[] {
    const own = r.own;
    if (own === null || own.epoch !== this.ownEpoch || own.mem !== this) return [];
    if (r.kind !== 'cow') return [`region ${r.name} (${r.kind}) keeps pages it alone maps`];
    const problems: string[] = [];
    own.frames.forEach((known, page) => {
      if (known === 0) return;
      const id = r.p2m[page >>> 9];
      const f = id === undefined ? undefined : this.chunkFrames[id]?.[page & (CHUNK_PAGES - 1)];
      if (id === undefined || f !== known - 1 || this.chunkRefs[id] !== 1 || this.frames.refs[f] !== 1)
        problems.push(`region ${r.name} counts page ${page} as its alone (frame ${known - 1}), but it is not`);
    });
    return problems;
  }

  /**
   * Invariants: every chunk's reference count equals the p2m lists naming it, every frame's count equals
   * the chunks holding it, nothing live points at a free frame. `regions` is every p2m list on the host.
   */
  check(regions: Iterable<Region>): string[] {
    const problems: string[] = [];
    const seen = new Array<number>(this.chunkFrames.length).fill(0);
    for (const r of regions) {
      if (r.p2m.length !== chunksFor(r.pages))
        problems.push(`region ${r.name} has ${r.p2m.length} chunks for ${r.pages} pages`);
      r.p2m.forEach((id, c) => {
        const fr = this.chunkFrames[id];
        if (!fr) return problems.push(`region ${r.name} names free chunk ${id}`);
        seen[id]!++;
        // Every chunk holds 512 entries but the region's last, which holds the rest.
        const want = Math.min(CHUNK_PAGES, r.pages - c * CHUNK_PAGES);
        if (fr.length < want) problems.push(`region ${r.name}'s chunk ${c} maps ${fr.length} pages, not ${want}`);
      });
      problems.push(...this.checkOwned(r));
    }
    const holders = new Uint32Array(this.frames.highWater);
    this.chunkFrames.forEach((fr, id) => {
      if (!fr) return;
      if (seen[id] !== this.chunkRefs[id])
        problems.push(`chunk ${id} counts ${this.chunkRefs[id]} references, p2m lists name it ${seen[id]} times`);
      for (let i = 0; i < fr.length; i++) {
        const f = fr[i]!;
        if (f === NO_FRAME || f === HOLE) continue;
        if (f < 0 || f >= holders.length) problems.push(`chunk ${id} maps frame ${f} that was never allocated`);
        else holders[f]!++;
      }
    });
    for (let f = 0; f < holders.length; f++) {
      if (holders[f] !== this.frames.refs[f])
        problems.push(`frame ${f} counts ${this.frames.refs[f]} holders, ${holders[f]} chunks hold it`);
    }
    const freeSet = new Set(this.freeIds);
    if (freeSet.size !== this.freeIds.length) problems.push('a chunk id is free twice');
    for (const id of this.freeIds) if (this.chunkFrames[id]) problems.push(`free chunk id ${id} is in use`);
    return problems.concat(this.frames.check());
  }
}
