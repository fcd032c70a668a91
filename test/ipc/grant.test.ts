// Grant tables v1 (xen-reference.md "Grant tables"): the engine's tables on their own.

import { describe, expect, it } from 'vitest';
import {
  GrantError,
  GrantTables,
  GRANT_ENTRIES,
  RESERVED_ENTRIES,
  GTF_reading,
  GTF_writing,
} from '../../src/engine/mm/grant.js';

function status(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof GrantError ? `${e.status}/${e.code}` : String(e);
  }
  return 'okay';
}

describe('grant tables', () => {
  it('hands out refs from 8 (0-7 are reserved), lowest first', () => {
    const g = new GrantTables();
    expect(g.grant(1, 2, 100, false, 'a')).toBe(RESERVED_ENTRIES);
    expect(g.grant(1, 2, 101, false, 'b')).toBe(9);
    g.revoke(1, 8);
    expect(g.grant(1, 3, 102, true, 'c')).toBe(8);
  });

  it('map_grant_ref / _set_status_v1: another mapper, a write map of a read-only grant and a ref never granted are GNTST_general_error; a ref past the table GNTST_bad_gntref', () => {
    const g = new GrantTables();
    const rw = g.grant(1, 2, 100, false, 'rw');
    const ro = g.grant(1, 2, 101, true, 'ro');
    expect(status(() => g.map(3, 1, rw, false, true))).toBe('general_error/EINVAL');
    expect(status(() => g.map(2, 1, ro, false, true))).toBe('general_error/EINVAL');
    expect(status(() => g.map(2, 1, 77, true, true))).toBe('general_error/EINVAL');
    expect(status(() => g.map(2, 1, 3, true, true))).toBe('general_error/EINVAL');
    expect(status(() => g.map(2, 1, GRANT_ENTRIES, true, true))).toBe('bad_gntref/EINVAL');
    expect(status(() => g.map(2, 9, rw, true, false))).toBe('bad_domain/ESRCH');
    const h1 = g.map(2, 1, ro, true, true);
    const h2 = g.map(2, 1, rw, false, true);
    expect(g.entry(1, rw)!.flags & GTF_writing).toBeTruthy();
    expect(g.entry(1, ro)!.flags & GTF_reading).toBeTruthy();
    expect(g.entry(1, ro)!.flags & GTF_writing).toBeFalsy();
    expect(g.check(() => true)).toEqual([]);
    g.unmap(2, h1);
    g.unmap(2, h2);
    expect(status(() => g.unmap(2, h2))).toBe('bad_handle/EINVAL');
    expect(g.entry(1, rw)!.flags & (GTF_reading | GTF_writing)).toBe(0);
  });

  it('revokes only when nothing maps the entry', () => {
    const g = new GrantTables();
    const ref = g.grant(1, 2, 100, false, 'x');
    const h = g.map(2, 1, ref, false, true);
    const before = JSON.stringify(g.save());
    expect(status(() => g.revoke(1, ref))).toBe('general_error/EINVAL');
    expect(JSON.stringify(g.save())).toBe(before);
    g.unmap(2, h);
    g.revoke(1, ref);
    expect(g.domains()).toEqual([]);
  });

  it('gnttab_copy / acquire_grant_for_copy: within one page (bad_copy_arg), a copy into a read-only grant or by another domain GNTST_general_error', () => {
    const g = new GrantTables();
    const ro = g.grant(1, 2, 100, true, 'ro');
    expect(g.copyCheck(2, 1, ro, 0, 4096, false, true)).toBe(100);
    expect(status(() => g.copyCheck(2, 1, ro, 4000, 200, false, true))).toBe('bad_copy_arg/EINVAL');
    expect(status(() => g.copyCheck(2, 1, ro, 0, 8, true, true))).toBe('general_error/EINVAL');
    expect(status(() => g.copyCheck(3, 1, ro, 0, 8, false, true))).toBe('general_error/EINVAL');
  });

  it('refs 0-7 are reserved by guest convention only (xc_dom_gnttab_seed): the toolstack seeds them and Domain-0 maps them', () => {
    const g = new GrantTables();
    g.seed(1, 0, 0, 500, 'console ring');
    g.seed(1, 1, 0, 501, 'xenstore ring');
    expect(status(() => g.seed(1, 8, 0, 502, 'x'))).toBe('bad_gntref/EINVAL');
    const h = g.map(0, 1, 1, false, true);
    expect(g.entry(1, 1)!.writers).toBe(1);
    // The guest's own grants still start at 8, and the seeds take none of its room.
    expect(g.grant(1, 2, 100, false, 'a')).toBe(RESERVED_ENTRIES);
    expect(g.freeEntries(1)).toBe(GRANT_ENTRIES - RESERVED_ENTRIES - 1);
    expect(g.check(() => true)).toEqual([]);
    g.unmap(0, h);
  });

  it("holds 32 frames (4.11 xl's max_grant_frames) x 512 entries less the reserved ones, then GNTST_no_space", () => {
    expect(GRANT_ENTRIES).toBe(32 * 512);
    const g = new GrantTables();
    for (let i = 0; i < GRANT_ENTRIES - RESERVED_ENTRIES; i++) g.grant(1, 2, i, false, 'x');
    expect(g.freeEntries(1)).toBe(0);
    expect(status(() => g.grant(1, 2, 0, false, 'x'))).toBe('no_space/ENOSPC');
  });

  it('check finds unbalanced pins and tables of gone domains', () => {
    const g = new GrantTables();
    const ref = g.grant(1, 2, 100, false, 'x');
    g.map(2, 1, ref, false, true);
    const s = g.save();
    s.tables[0]![1].entries[0]!.writers = 0;
    expect(
      GrantTables.load(s)
        .check(() => true)
        .join(),
    ).toMatch(/pins/);
    expect(g.check((d) => d !== 2).join()).toMatch(/domain 2 is gone/);
  });
});
