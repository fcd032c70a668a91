// Grant tables, v1 (xen/include/public/grant_table.h): how one domain lets another map its pages.
//
// Each domain has a table of entries {flags, domid, frame}. The granter fills an entry with the grantee's
// domid and the frame, then sets GTF_permit_access (and GTF_readonly if the grantee may only read). The
// grantee maps the entry by (granter, ref); while mapped, Xen pins it (GTF_reading / GTF_writing) and the
// granter may not revoke it. Entries 0-7 are reserved by guest convention (GNTTAB_NR_RESERVED_ENTRIES: the
// toolstack seeds the console and xenstore rings there, xc_dom_gnttab_seed, and its backends map them),
// so a guest's own grants start at 8; Xen itself refuses none of them. A table holds at most 32 frames x
// 512 v1 entries (4.11's xl default max_grant_frames). Failures carry Xen's GNTST status codes, as
// grant_table.c gives them: a ref past the table is bad_gntref; an entry that is not this mapper's
// permit_access grant (never granted, or granted to another domain) and a write pin of a read-only grant
// are general_error (_set_status_v1, acquire_grant_for_copy); permission_denied is XSM's, not ours.
//
// Frames are machine frame numbers; the pages are owned by whoever populated them (the IpC subsystem
// holds them as regions), so this table only records who may map what and who does.

import { ErrorCode, EngineError } from '../errors.js';

export const GNTST = {
  okay: 0,
  general_error: -1,
  bad_domain: -2,
  bad_gntref: -3,
  bad_handle: -4,
  bad_copy_arg: -10,
  permission_denied: -8,
  no_space: -13,
} as const;
export type GntStatus = keyof typeof GNTST;

export const GTF_permit_access = 1;
export const GTF_readonly = 1 << 2;
export const GTF_reading = 1 << 3;
export const GTF_writing = 1 << 4;

/** 4.11's xl default max_grant_frames (64 in later toolstacks), and v1 entries per 4 KiB grant frame (8 bytes each). */
export const GRANT_FRAMES = 32;
export const ENTRIES_PER_FRAME = 512;
export const GRANT_ENTRIES = GRANT_FRAMES * ENTRIES_PER_FRAME;
export const RESERVED_ENTRIES = 8;

/** What each GNTST status means as an errno for the shell. */
const ERRNO: Record<GntStatus, ErrorCode> = {
  okay: 'EINVAL',
  general_error: 'EINVAL',
  bad_domain: 'ESRCH',
  bad_gntref: 'EINVAL',
  bad_handle: 'EINVAL',
  bad_copy_arg: 'EINVAL',
  permission_denied: 'EPERM',
  no_space: 'ENOSPC',
};

export class GrantError extends EngineError {
  constructor(
    readonly status: GntStatus,
    message: string,
  ) {
    super(ERRNO[status], `GNTST_${status} (${GNTST[status]}): ${message}`);
  }
}

function gntFail(status: GntStatus, message: string): never {
  throw new GrantError(status, message);
}

export interface GrantEntry {
  ref: number;
  /** GTF_* bits. */
  flags: number;
  /** The grantee. */
  domid: number;
  frame: number;
  /** What the page is for ("pipe 3 ring", "link page"), for `grants`. */
  use: string;
  /** Active read-only and writable mappings (Xen's pin counts). */
  readers: number;
  writers: number;
}

export interface GrantMapping {
  handle: number;
  granter: number;
  ref: number;
  readonly: boolean;
}

interface DomainTable {
  entries: Map<number, GrantEntry>;
  /** Mappings this domain holds of others' grants, by handle. */
  maps: Map<number, GrantMapping>;
  nextHandle: number;
  /** No free ref below this one (so a grant does not scan the whole table). */
  lowestFree: number;
}

export interface GrantSnapshot {
  tables: [number, { entries: GrantEntry[]; maps: GrantMapping[]; nextHandle: number }][];
}

export class GrantTables {
  private tables = new Map<number, DomainTable>();

  private table(domid: number): DomainTable {
    let t = this.tables.get(domid);
    if (!t) {
      t = { entries: new Map(), maps: new Map(), nextHandle: 0, lowestFree: RESERVED_ENTRIES };
      this.tables.set(domid, t);
    }
    return t;
  }

  /** Free entries left in a domain's table for its own grants (refs from 8). */
  freeEntries(domid: number): number {
    const t = this.tables.get(domid);
    if (!t) return GRANT_ENTRIES - RESERVED_ENTRIES;
    let seeded = 0;
    for (let ref = 0; ref < RESERVED_ENTRIES; ref++) if (t.entries.has(ref)) seeded++;
    return GRANT_ENTRIES - RESERVED_ENTRIES - (t.entries.size - seeded);
  }

  /** gnttab_grant_foreign_access: the lowest free ref past the reserved ones, or GNTST_no_space. */
  grant(granter: number, grantee: number, frame: number, readonly: boolean, use: string): number {
    if (this.freeEntries(granter) < 1) {
      gntFail(
        'no_space',
        `domain ${granter}'s grant table is full (${GRANT_FRAMES} frames x ${ENTRIES_PER_FRAME} entries)`,
      );
    }
    const t = this.table(granter);
    let ref = t.lowestFree;
    while (t.entries.has(ref)) ref++;
    t.lowestFree = ref + 1;
    t.entries.set(ref, {
      ref,
      flags: GTF_permit_access | (readonly ? GTF_readonly : 0),
      domid: grantee,
      frame,
      use,
      readers: 0,
      writers: 0,
    });
    return ref;
  }

  /**
   * The toolstack's seed of a reserved entry (xc_dom_gnttab_seed: ref 0 the console ring, ref 1 the
   * xenstore ring, each granted to the backend's domain, Domain-0 here) before the guest runs.
   */
  seed(granter: number, ref: number, grantee: number, frame: number, use: string): void {
    if (!Number.isInteger(ref) || ref < 0 || ref >= RESERVED_ENTRIES)
      gntFail('bad_gntref', `the toolstack seeds reserved refs 0-${RESERVED_ENTRIES - 1}, not ${ref}`);
    const t = this.table(granter);
    if (t.entries.has(ref)) gntFail('general_error', `grant ${ref} of domain ${granter} is seeded already`);
    t.entries.set(ref, { ref, flags: GTF_permit_access, domid: grantee, frame, use, readers: 0, writers: 0 });
  }

  entry(granter: number, ref: number): GrantEntry | undefined {
    return this.tables.get(granter)?.entries.get(ref);
  }

  /**
   * GNTTABOP_map_grant_ref (map_grant_ref, then _set_status_v1): only the named grantee may map, and a
   * read-only grant only for reading; both refusals are GNTST_general_error, as Xen's.
   */
  map(grantee: number, granter: number, ref: number, readonly: boolean, granterExists: boolean): number {
    if (!granterExists) gntFail('bad_domain', `no domain ${granter}`);
    const e = this.checkRef(granter, ref, grantee);
    if (!readonly && e.flags & GTF_readonly)
      gntFail('general_error', `grant ${ref} of domain ${granter} is read-only; a writable map is refused`);
    const t = this.table(grantee);
    const handle = t.nextHandle++;
    t.maps.set(handle, { handle, granter, ref, readonly });
    if (readonly) e.readers++;
    else e.writers++;
    this.pinFlags(e);
    return handle;
  }

  /** GNTTABOP_unmap_grant_ref by handle. */
  unmap(grantee: number, handle: number): void {
    const m = this.tables.get(grantee)?.maps.get(handle);
    if (!m) gntFail('bad_handle', `domain ${grantee} has no grant mapping with handle ${handle}`);
    const e = this.entry(m.granter, m.ref)!;
    if (m.readonly) e.readers--;
    else e.writers--;
    this.pinFlags(e);
    this.tables.get(grantee)!.maps.delete(handle);
    this.dropIfEmpty(grantee);
  }

  /** gnttab_end_foreign_access: revoke only when nobody maps the entry. */
  revoke(granter: number, ref: number): void {
    const e = this.checkRef(granter, ref, null);
    if (e.readers + e.writers > 0) {
      gntFail(
        'general_error',
        `grant ${ref} of domain ${granter} is still mapped (${e.readers + e.writers} mapping${e.readers + e.writers === 1 ? '' : 's'}); unmap it first`,
      );
    }
    const t = this.tables.get(granter)!;
    t.entries.delete(ref);
    t.lowestFree = Math.min(t.lowestFree, ref);
    this.dropIfEmpty(granter);
  }

  /**
   * GNTTABOP_copy (gnttab_copy_claim_buf, acquire_grant_for_copy): check a copy of `len` bytes at `offset`
   * in a granted page, by `caller`, reading (`write` false) or writing it: beyond the page is
   * bad_copy_arg; not the caller's grant, or a write into a read-only one, general_error. Returns the
   * frame; the caller moves the content.
   */
  copyCheck(
    caller: number,
    granter: number,
    ref: number,
    offset: number,
    len: number,
    write: boolean,
    granterExists: boolean,
  ): number {
    if (!granterExists) gntFail('bad_domain', `no domain ${granter}`);
    if (!Number.isInteger(offset) || !Number.isInteger(len) || offset < 0 || len < 0 || offset + len > 4096) {
      gntFail('bad_copy_arg', `a copy of ${len} bytes at offset ${offset} crosses the page boundary`);
    }
    const e = this.checkRef(granter, ref, caller);
    if (write && e.flags & GTF_readonly)
      gntFail('general_error', `grant ${ref} of domain ${granter} is read-only; a copy into it is refused`);
    return e.frame;
  }

  mappingsOf(domid: number): GrantMapping[] {
    return [...(this.tables.get(domid)?.maps.values() ?? [])];
  }

  entriesOf(domid: number): GrantEntry[] {
    return [...(this.tables.get(domid)?.entries.values() ?? [])].sort((a, b) => a.ref - b.ref);
  }

  /** Domains with any entry or mapping. */
  domains(): number[] {
    return [...this.tables.keys()];
  }

  /**
   * The entry at `ref` for `by` (null: the granter itself): past the table, bad_gntref; an entry that is
   * not a permit_access grant to `by` (never granted, or granted to another domain), general_error.
   */
  private checkRef(granter: number, ref: number, by: number | null): GrantEntry {
    if (!Number.isInteger(ref) || ref < 0 || ref >= GRANT_ENTRIES)
      gntFail('bad_gntref', `grant ref ${ref} is outside domain ${granter}'s table (0-${GRANT_ENTRIES - 1})`);
    const e = this.entry(granter, ref);
    if (!e) gntFail('general_error', `grant ${ref} of domain ${granter} was never granted`);
    if (by !== null && e.domid !== by)
      gntFail('general_error', `grant ${ref} of domain ${granter} is for domain ${e.domid}, not ${by}`);
    return e;
  }

  private pinFlags(e: GrantEntry): void {
    e.flags =
      (e.flags & ~(GTF_reading | GTF_writing)) |
      (e.readers + e.writers > 0 ? GTF_reading : 0) |
      (e.writers > 0 ? GTF_writing : 0);
  }

  private dropIfEmpty(domid: number): void {
    const t = this.tables.get(domid);
    if (t && t.entries.size === 0 && t.maps.size === 0) this.tables.delete(domid);
  }

  save(): GrantSnapshot {
    return {
      tables: [...this.tables].map(([d, t]) => [
        d,
        {
          entries: [...t.entries.values()].map((e) => ({ ...e })),
          maps: [...t.maps.values()].map((m) => ({ ...m })),
          nextHandle: t.nextHandle,
        },
      ]),
    };
  }

  static load(s: GrantSnapshot): GrantTables {
    const g = new GrantTables();
    for (const [d, t] of s.tables) {
      g.tables.set(d, {
        entries: new Map(t.entries.map((e) => [e.ref, { ...e }])),
        maps: new Map(t.maps.map((m) => [m.handle, { ...m }])),
        nextHandle: t.nextHandle,
        lowestFree: RESERVED_ENTRIES,
      });
    }
    return g;
  }

  /** Pins equal the mappings naming each entry; every mapping names a live entry; flags match pins. */
  check(live: (domid: number) => boolean): string[] {
    const p: string[] = [];
    const pins = new Map<GrantEntry, { r: number; w: number }>();
    for (const [d, t] of this.tables) {
      if (!live(d))
        p.push(`domain ${d} is gone but still has a grant table (${t.entries.size} entries, ${t.maps.size} mappings)`);
      for (const m of t.maps.values()) {
        const e = this.entry(m.granter, m.ref);
        if (!e) {
          p.push(`domain ${d} maps grant ${m.ref} of domain ${m.granter}, which does not exist`);
          continue;
        }
        if (e.domid !== d) p.push(`domain ${d} maps grant ${m.ref} of domain ${m.granter}, granted to ${e.domid}`);
        const c = pins.get(e) ?? { r: 0, w: 0 };
        if (m.readonly) c.r++;
        else c.w++;
        pins.set(e, c);
      }
    }
    for (const [d, t] of this.tables) {
      for (const e of t.entries.values()) {
        const c = pins.get(e) ?? { r: 0, w: 0 };
        if (c.r !== e.readers || c.w !== e.writers)
          p.push(`grant ${e.ref} of domain ${d} counts ${e.readers}r/${e.writers}w pins, mappings say ${c.r}r/${c.w}w`);
        if (!(e.flags & GTF_permit_access)) p.push(`grant ${e.ref} of domain ${d} lacks GTF_permit_access`);
        if (Boolean(e.flags & GTF_writing) !== e.writers > 0)
          p.push(`grant ${e.ref} of domain ${d} has GTF_writing wrong`);
      }
    }
    return p;
  }
}
