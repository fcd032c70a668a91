// mem must equal what Linux's /proc/PID/smaps reports for processes that forked and wrote the same pages.
// The oracle below is a direct transcription of the smaps definitions over a naive page model: every
// process maps each page to a frame object; fork copies the mapping; a write to a frame mapped by more
// than one process gives the writer a fresh frame (copy-on-write), else writes in place. Then for each
// region: Rss = mapped pages, Pss = sum of PAGE_SIZE/mapcount with Linux's PSS_SHIFT fixed point,
// Shared = pages with mapcount >= 2, Private = the rest. It shares no code with the engine.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMAGES, makeShell, ok } from '../helpers.js';

interface Frame {
  id: number;
}
type Proc = Map<string, Frame[]>; // region -> page -> frame

const REGIONS = ['text', 'data', 'bss', 'heap', 'stack'] as const;

class LinuxOracle {
  procs = new Map<string, Proc>();
  private next = 0;

  spawn(name: string, sizes: Record<string, number>): void {
    const p: Proc = new Map();
    for (const r of REGIONS)
      if (sizes[r]! > 0)
        p.set(
          r,
          Array.from({ length: sizes[r]! }, () => ({ id: this.next++ })),
        );
    this.procs.set(name, p);
  }

  fork(parent: string, child: string): void {
    const p = this.procs.get(parent)!;
    this.procs.set(child, new Map([...p].map(([r, frames]) => [r, [...frames]])));
  }

  mapcount(f: Frame): number {
    let n = 0;
    for (const p of this.procs.values()) for (const frames of p.values()) for (const g of frames) if (g === f) n++;
    return n;
  }

  write(name: string, region: string, first: number, count: number): void {
    const frames = this.procs.get(name)!.get(region)!;
    for (let i = first; i < first + count; i++) if (this.mapcount(frames[i]!) > 1) frames[i] = { id: this.next++ };
  }

  exit(name: string): void {
    this.procs.delete(name);
  }

  smaps(
    name: string,
  ): { region: string; size_kib: number; rss_kib: number; pss_kib: number; shared_kib: number; private_kib: number }[] {
    const counts = new Map<Frame, number>();
    for (const p of this.procs.values())
      for (const frames of p.values()) for (const f of frames) counts.set(f, (counts.get(f) ?? 0) + 1);
    const out = [];
    let tot = { pages: 0, pss: 0, shared: 0 };
    for (const [region, frames] of this.procs.get(name)!) {
      let pss = 0;
      let shared = 0;
      for (const f of frames) {
        const mc = counts.get(f)!;
        pss += Math.floor((4096 * 4096) / mc); // (PAGE_SIZE << PSS_SHIFT) / mapcount
        if (mc >= 2) shared++;
      }
      out.push({
        region,
        size_kib: frames.length * 4,
        rss_kib: frames.length * 4,
        pss_kib: Math.floor(pss / 4096 / 1024),
        shared_kib: shared * 4,
        private_kib: (frames.length - shared) * 4,
      });
      tot = { pages: tot.pages + frames.length, pss: tot.pss + pss, shared: tot.shared + shared };
    }
    out.push({
      region: 'total',
      size_kib: tot.pages * 4,
      rss_kib: tot.pages * 4,
      pss_kib: Math.floor(tot.pss / 4096 / 1024),
      shared_kib: tot.shared * 4,
      private_kib: (tot.pages - tot.shared) * 4,
    });
    return out;
  }
}

function pagesOf(image: string): Record<string, number> {
  const i = IMAGES.get(image)!;
  return { text: i.text_kb / 4, data: i.data_kb / 4, bss: i.bss_kb / 4, heap: i.heap_kb / 4, stack: i.stack_kb / 4 };
}

type Step =
  | { op: 'fork'; who: number }
  | { op: 'touch'; who: number; region: 'data' | 'bss' | 'heap' | 'stack'; first: number; count: number }
  | { op: 'kill'; who: number };

/** Replay steps on the engine (through commands) and on the oracle; compare mem for every live pVM. */
function replay(steps: Step[]): void {
  const sh = makeShell({ boot: ['daytime'] });
  const oracle = new LinuxOracle();
  const sizes = pagesOf('daytime');
  oracle.spawn('daytime', sizes);
  const live = ['daytime'];
  for (const s of steps) {
    const who = live[s.who % live.length]!;
    if (s.op === 'fork') {
      const child = (ok(sh, `fork ${who}`).data.children as { name: string }[])[0]!.name;
      oracle.fork(who, child);
      live.push(child);
    } else if (s.op === 'touch') {
      const max = sizes[s.region]!;
      const first = s.first % max;
      const count = Math.max(1, Math.min(s.count, max - first));
      ok(sh, `touch ${who} ${s.region} ${count} --offset ${first}`);
      oracle.write(who, s.region, first, count);
    } else if (live.length > 1 && who !== 'daytime') {
      ok(sh, `destroy ${who}`);
      oracle.exit(who);
      live.splice(live.indexOf(who), 1);
    }
  }
  for (const name of live) {
    const m = ok(sh, `mem ${name}`).data as { regions: object[]; total: object };
    expect([...m.regions, m.total], `mem ${name}`).toEqual(oracle.smaps(name));
  }
}

describe("mem equals Linux's smaps for the same fork and write history", () => {
  it('after fork every writable page is shared; after touch web.2 heap 100 only those 100 are private', () => {
    const sh = makeShell();
    ok(sh, 'fork web 4');
    const before = ok(sh, 'peek web heap 10').data.token;
    for (const c of ['web.1', 'web.2', 'web.3', 'web.4']) {
      const m = ok(sh, `mem ${c}`).data as { total: { private_kib: number; shared_kib: number; size_kib: number } };
      expect(m.total.private_kib).toBe(0);
      expect(m.total.shared_kib).toBe(m.total.size_kib);
    }
    ok(sh, 'touch web.2 heap 100');
    const m2 = ok(sh, 'mem web.2').data as {
      regions: { region: string; private_kib: number }[];
      total: { private_kib: number };
    };
    expect(m2.total.private_kib).toBe(400);
    expect(m2.regions.find((r) => r.region === 'heap')!.private_kib).toBe(400);
    expect(ok(sh, 'peek web heap 10').data.token).toBe(before);
    expect(ok(sh, 'peek web.2 heap 10').data.token).not.toBe(before);
    expect(ok(sh, 'peek web.1 heap 10').data.token).toBe(before);
    // The parent's copies of those 100 pages are now mapped by web, web.1, web.3, web.4: still shared.
    expect(ok(sh, 'peek web heap 10').data.mapcount).toBe(4);
  });

  it('named scenarios', () => {
    replay([]);
    replay([{ op: 'fork', who: 0 }]);
    replay([
      { op: 'fork', who: 0 },
      { op: 'touch', who: 1, region: 'heap', first: 0, count: 50 },
    ]);
    // Parent writes after fork: the parent gets the copies, the child keeps the originals.
    replay([
      { op: 'fork', who: 0 },
      { op: 'touch', who: 0, region: 'data', first: 2, count: 5 },
    ]);
    // Three generations, a write in the middle one, then the grandchild dies.
    replay([
      { op: 'fork', who: 0 },
      { op: 'fork', who: 1 },
      { op: 'touch', who: 1, region: 'heap', first: 10, count: 30 },
      { op: 'touch', who: 2, region: 'heap', first: 20, count: 30 },
      { op: 'kill', who: 2 },
    ]);
    // Writing the same pages twice: the second write is in place.
    replay([
      { op: 'fork', who: 0 },
      { op: 'touch', who: 1, region: 'stack', first: 0, count: 16 },
      { op: 'touch', who: 1, region: 'stack', first: 0, count: 16 },
    ]);
  });

  it('random fork/touch/destroy histories (property)', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('fork' as const), who: fc.nat(20) }),
      fc.record({
        op: fc.constant('touch' as const),
        who: fc.nat(20),
        region: fc.constantFrom('data' as const, 'bss' as const, 'heap' as const, 'stack' as const),
        first: fc.nat(400),
        count: fc.integer({ min: 1, max: 600 }),
      }),
      fc.record({ op: fc.constant('kill' as const), who: fc.nat(20) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => replay(steps)),
      { numRuns: 60 },
    );
  });
});
