// The chunked p2m: fork costs chunks, not pages; CoW gives each writer its own frame.
import { describe, expect, it } from 'vitest';
import { FrameTable } from '../../src/engine/mm/frames.js';
import { CHUNK_PAGES, Memory, type Region } from '../../src/engine/mm/p2m.js';

describe('p2m chunks and copy-on-write', () => {
  it('share copies chunk ids only; the first write into a shared chunk copies that chunk, then the frame', () => {
    const m = new Memory(new FrameTable(10_000));
    const a = m.populate('heap', 'cow', 1500);
    expect(a.p2m).toHaveLength(Math.ceil(1500 / CHUNK_PAGES));
    const used = m.frames.used;
    const b = m.share(a);
    expect(m.frames.used).toBe(used);
    expect(Array.from(b.p2m)).toEqual(Array.from(a.p2m));
    const old = m.read(a, 700);
    expect(m.write(b, 700)).toBe('copied');
    expect(m.read(a, 700)).toBe(old);
    expect(m.read(b, 700)).not.toBe(old);
    expect(b.p2m[1]).not.toBe(a.p2m[1]);
    expect(b.p2m[0]).toBe(a.p2m[0]);
    expect(m.write(b, 700)).toBe('in-place');
    // The parent's frame is now mapped once: its next write is in place too.
    expect(m.write(a, 700)).toBe('in-place');
    expect(m.check([a, b])).toEqual([]);
    m.release(b);
    m.release(a);
    expect(m.frames.used).toBe(0);
    expect(m.check([])).toEqual([]);
  });

  it('refuses writes to read-only regions and pages outside a region', () => {
    const m = new Memory(new FrameTable(100));
    const t = m.populate('text', 'ro', 10);
    expect(() => m.write(t, 0)).toThrow('text is read-only');
    expect(() => m.read(t, 10)).toThrow('page 10 is outside text (pages 0-9)');
    expect(() => m.populate('heap', 'cow', 91)).toThrow('need 91 frames for heap, 90 free');
  });

  it('shared regions are written in place for every mapper (shm)', () => {
    const m = new Memory(new FrameTable(100));
    const s = m.populate('shm:1', 'shared', 4);
    const t = m.share(s);
    expect(m.write(t, 2)).toBe('in-place');
    expect(m.read(s, 2)).toBe(m.read(t, 2));
  });

  it("a page written in place stays its region's alone only until the region is shared or its frame taken", () => {
    const m = new Memory(new FrameTable(10_000));
    const a = m.populate('heap', 'cow', 1500);
    // Written once (the page is a's alone from then on), then again: in place, the content new each time.
    expect(m.write(a, 5)).toBe('in-place');
    const t1 = m.read(a, 5);
    expect(m.write(a, 5)).toBe('in-place');
    expect(m.read(a, 5)).not.toBe(t1);
    expect(m.check([a])).toEqual([]);
    // A fork shares the chunk: the next write breaks copy-on-write, and the child keeps what it saw.
    const b = m.share(a);
    const seen = m.read(b, 5);
    expect(m.write(a, 5)).toBe('copied');
    expect(m.read(b, 5)).toBe(seen);
    expect(m.write(a, 5)).toBe('in-place');
    expect(m.check([a, b])).toEqual([]);
    // A hole filled with a's frame (a VM fork's child reading its parent's page): a's next write copies.
    const c = m.populateHoles('heap', 'cow', 1500);
    m.holes = {
      fill: (_r: Region, page: number) => {
        const f = m.frameOf(a, page);
        m.frames.get(f);
        return f;
      },
    };
    expect(m.read(c, 5)).toBe(m.read(a, 5));
    expect(m.write(a, 5)).toBe('copied');
    expect(m.read(c, 5)).not.toBe(m.read(a, 5));
    expect(m.check([a, b, c])).toEqual([]);
    // Shrunk past the page and grown back: the page maps a new frame, written in place.
    m.resize(a, 4);
    m.resize(a, 1500);
    expect(m.write(a, 5)).toBe('in-place');
    expect(m.check([a, b, c])).toEqual([]);
  });
});
