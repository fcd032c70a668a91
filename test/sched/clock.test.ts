// The timer queue: (time, sequence) order whatever the arming order, lazy cancelling by sequence, and a
// canonical snapshot that restores to the same firing order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../src/engine/clock.js';

function drain(q: TimerQueue): [number, number][] {
  const out: [number, number][] = [];
  for (let t = q.pop(); t; t = q.pop()) out.push([t.at, t.seq]);
  return out;
}

/** [at, seq, kind, target] of every timer, in firing order. */
function drainAll(q: TimerQueue): number[][] {
  const out: number[][] = [];
  for (let t = q.pop(); t; t = q.pop()) out.push([t.at, t.seq, t.kind, t.target]);
  return out;
}

describe('TimerQueue', () => {
  it('fires in time order, first armed first among equal times', () => {
    const q = new TimerQueue();
    const a = q.arm(50, 1, 0);
    const b = q.arm(10, 1, 1);
    const c = q.arm(50, 1, 2);
    const d = q.arm(10, 1, 3);
    expect(drain(q)).toEqual([
      [10, b],
      [10, d],
      [50, a],
      [50, c],
    ]);
    expect(q.peekAt()).toBe(Infinity);
  });

  it('matches a sorted list for any arming and popping, and survives save/load at any point', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(-1), fc.constant(-2)), { maxLength: 200 }),
        (ops) => {
          const q = new TimerQueue();
          let model: [number, number][] = [];
          let r = q;
          for (const op of ops) {
            if (op === -1) {
              const t = r.pop();
              model.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
              const m = model.shift();
              expect(t ? [t.at, t.seq] : undefined).toEqual(m);
            } else if (op === -2) {
              r = TimerQueue.load(JSON.parse(JSON.stringify(r.save())));
            } else {
              model.push([op, r.arm(op, 1, 0)]);
            }
            expect(r.check()).toEqual([]);
          }
          model = model.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
          expect(drain(r)).toEqual(model);
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it("keeps each timer's kind and target with it, and popUntil(end) takes only timers due by end", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -70, max: -1 })), { maxLength: 300 }),
        (ops) => {
          const q = new TimerQueue();
          let model: number[][] = [];
          let n = 0;
          for (const op of ops) {
            model.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
            if (op < 0) {
              // popUntil(end) with end = -op - 10: the earliest timer if it is due, else nothing.
              const end = -op - 10;
              const t = q.popUntil(end);
              const m = model.length > 0 && model[0]![0]! <= end ? model.shift() : undefined;
              expect(t ? [t.at, t.seq, t.kind, t.target] : undefined).toEqual(m);
            } else {
              n++;
              const kind = 2 + (n % 3);
              model.push([op, q.arm(op, kind, n * 7), kind, n * 7]);
            }
            expect(q.check()).toEqual([]);
          }
          model = model.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
          expect(drainAll(q)).toEqual(model);
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });

  it('saves the same document whatever the heap layout', () => {
    const a = new TimerQueue();
    const b = new TimerQueue();
    for (const t of [5, 1, 4]) a.arm(t, 1, t);
    const s = a.save();
    const c = TimerQueue.load(s);
    expect(c.save()).toEqual(s);
    expect(b.save()).toEqual({ nextSeq: 1, heap: [] });
  });
});
