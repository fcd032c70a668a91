// Incremental accounting: mapping counts brought up to date from the chunks that changed must equal a
// count from scratch, however many changes pile up between two refreshes (fork, CoW breaks, exits, a
// chunk id freed and reused, library masters and shm segments held by the host).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeShell } from '../helpers.js';

const PVMS = ['web', 'web.1', 'web.2', 'web.1.1', 'redis', 'redis.1'];

const command = fc.oneof(
  fc.tuple(fc.constantFrom(...PVMS), fc.integer({ min: 1, max: 3 })).map(([p, n]) => `fork ${p} ${n}`),
  fc
    .tuple(
      fc.constantFrom(...PVMS),
      fc.constantFrom('heap', 'heap', 'data', 'stack'),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 0, max: 600 }),
    )
    .map(([p, r, n, off]) => `touch ${p} ${r} ${n} --offset ${off}`),
  fc.constantFrom(...PVMS).map((p) => `kill ${p}`),
  fc.constantFrom(...PVMS).map((p) => `destroy ${p}`),
  fc.constantFrom(...PVMS).map((p) => `wait ${p}`),
  fc.constantFrom(...PVMS).map((p) => `link ${p} libz`),
  fc.constantFrom(...PVMS).map((p) => `unlink ${p} libz`),
  fc.constantFrom(...PVMS).map((p) => `shmget ${p} 7 64K --create`),
  fc.tuple(fc.constantFrom(...PVMS), fc.integer({ min: 1, max: 2 })).map(([p, id]) => `shmat ${p} ${id}`),
  fc.constant('create web'),
);

describe('incremental accounting', () => {
  it('equals a count from scratch after any batch of changes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(command, fc.boolean()), { minLength: 10, maxLength: 40, size: 'max' }), (steps) => {
        const sh = makeShell();
        // A family to work in from the start: web.1, web.2, web.1.1 and redis.1 exist.
        for (const line of ['fork web 2', 'fork web.1 1', 'fork redis 1']) sh.runOne(line.split(' '));
        for (const [line, refresh] of steps) {
          sh.runOne(line.split(' '));
          // Refresh only now and then, so changes pile up between refreshes.
          if (refresh) expect(sh.hv.check()).toEqual([]);
        }
        expect(sh.hv.check()).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('a CoW break in a chunk the writer already owns is counted (the frame leaves the shared chunk)', () => {
    const sh = makeShell();
    sh.runOne(['fork', 'web', '1']);
    sh.runOne(['touch', 'web.1', 'heap', '1']);
    expect(sh.hv.check()).toEqual([]);
    // Chunk 0 of web.1's heap is its own now, its frames still shared with web's: this write copies one.
    sh.runOne(['touch', 'web.1', 'heap', '1', '--offset', '1']);
    expect(sh.hv.check()).toEqual([]);
  });

  it('a write in place changes no mapping: the counts are not recomputed', () => {
    const sh = makeShell();
    sh.runOne(['touch', 'web', 'heap', '4']);
    const before = sh.hv.mem.generation;
    sh.runOne(['touch', 'web', 'heap', '4']);
    expect(sh.hv.mem.generation).toBe(before);
    expect(sh.hv.check()).toEqual([]);
  });
});
