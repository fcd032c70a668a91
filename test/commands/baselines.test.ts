// The paper's baselines run in the model: Xen's VM fork (mem_sharing: fork --xen) and Nephele's clone.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok, run, stateOf } from '../helpers.js';

/** A region's Rss in KiB, from `mem <pvm>`'s data. */
function rssOf(sh: ReturnType<typeof makeShell>, pvm: string, region = 'total'): number {
  const d = ok(sh, `mem ${pvm}`).data as { regions: { region: string; rss_kib: number }[]; total: { rss_kib: number } };
  return region === 'total' ? d.total.rss_kib : d.regions.find((r) => r.region === region)!.rss_kib;
}

describe('fork --xen (Xen mem_sharing VM fork)', () => {
  it('takes about 0.7 ms, pauses the parent and leaves the child an empty p2m that fills on fault', () => {
    const sh = makeShell();
    const r = ok(sh, 'fork --xen web');
    expect(r.latencyUs! / 1000).toBeGreaterThan(0.7 * 0.8);
    expect(r.latencyUs! / 1000).toBeLessThan(0.7 * 1.2);
    const list = ok(sh, 'list').text;
    expect(list).toMatch(/^web +1 +8 +1 +-bp---/m);
    expect(rssOf(sh, 'web.1')).toBe(0);
    // A read maps the parent's frame (shared); a write copies it (private).
    ok(sh, 'peek web.1 text 3');
    expect(rssOf(sh, 'web.1', 'text')).toBe(4);
    ok(sh, 'touch web.1 heap 10');
    expect(rssOf(sh, 'web.1', 'heap')).toBe(40);
    const heap = (ok(sh, 'mem web.1').data as { regions: { region: string; private_kib: number }[] }).regions.find(
      (x) => x.region === 'heap',
    )!;
    expect(heap.private_kib).toBe(40);
    expect(rssOf(sh, 'web')).toBeGreaterThan(8000);
  });

  it('keeps the parent paused while it has forks', () => {
    const sh = makeShell();
    ok(sh, 'fork --xen web 2');
    expect(err(sh, 'unpause web', 'EBUSY')).toMatch(/web has 2 VM forks \(mem_sharing\)/);
    ok(sh, 'destroy web.1');
    err(sh, 'unpause web', 'EBUSY');
    ok(sh, 'destroy web.2');
    ok(sh, 'unpause web');
    expect(ok(sh, 'list').text).toMatch(/^web +1 +8 +1 +-b----/m);
  });

  it("fills a fork's holes with fresh frames once its parent is gone", () => {
    const sh = makeShell();
    ok(sh, 'fork --xen web');
    ok(sh, 'destroy web');
    ok(sh, 'touch web.1 heap 4');
    expect(rssOf(sh, 'web.1', 'heap')).toBe(16);
  });

  it('survives save and restore', () => {
    const sh = makeShell();
    ok(sh, 'fork --xen web; peek web.1 text 0');
    const before = stateOf(sh);
    const again = makeShell();
    again.hv.load(JSON.parse(before));
    expect(again.hv.check()).toEqual([]);
    expect(stateOf(again)).toBe(before);
    err(again, 'unpause web', 'EBUSY');
  });

  it('a VM fork cannot fork the KylinX way', () => {
    const sh = makeShell();
    ok(sh, 'fork --xen web');
    err(sh, 'fork web.1', 'EINVAL');
  });
});

describe("clone (Nephele's)", () => {
  it('is off unless the image sets max_clones, and bounded by it per family', () => {
    const sh = makeShell();
    expect(err(sh, 'clone web', 'EPERM')).toMatch(/max_clones/);
    ok(sh, 'create redis name=r max_clones=4');
    const c = ok(sh, 'clone r 3');
    expect((c.data as { clones_in_family: number }).clones_in_family).toBe(3);
    expect(err(sh, 'clone r 2', 'ENOSPC')).toMatch(/3 of its 4 clones/);
    ok(sh, 'clone r.1');
    err(sh, 'clone r', 'ENOSPC');
  });

  it('needs a running parent, which runs on; the clone shares its memory copy-on-write', () => {
    const sh = makeShell();
    ok(sh, 'create redis name=r max_clones=4; pause r');
    expect(err(sh, 'clone r', 'EBUSY')).toMatch(/r is paused/);
    ok(sh, 'unpause r; clone r');
    expect(ok(sh, 'list').text).toMatch(/^r +\d+ +6 +1 +-b----/m);
    expect(rssOf(sh, 'r.1')).toBe(rssOf(sh, 'r'));
    const m = ok(sh, 'mem r.1').data as { total: { shared_kib: number; rss_kib: number } };
    expect(m.total.shared_kib).toBe(m.total.rss_kib);
  });

  it("takes about Nephele's 30.7 ms with XenStore, xencloned copying the parent's entries", () => {
    const sh = makeShell({ toolstack: 'xs' });
    ok(sh, 'create redis name=r max_clones=8');
    const c = ok(sh, 'clone r');
    expect(c.latencyUs! / 1000).toBeGreaterThan(30.7 * 0.8);
    expect(c.latencyUs! / 1000).toBeLessThan(30.7 * 1.2);
    const id = (c.data as { children: { domid: number }[] }).children[0]!.domid;
    expect(ok(sh, `xenstore-read /local/domain/${id}/name`).text).toBe('r.1');
    expect(ok(sh, `xenstore-ls /local/domain/0/backend/vif/${id}`).text).toContain(
      `frontend = "/local/domain/${id}/device/vif/0"`,
    );
    ok(sh, 'destroy r.1');
    expect(run(sh, `xenstore-read /local/domain/${id}/name`)[0]!.ok).toBe(false);
  });
});
