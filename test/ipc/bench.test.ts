// bench ipc reproduces Table 3's lineal and non-lineal rows within 10% (modeled, deterministic), and
// runs Ubuntu's row as Linux processes (the process cost model): one cell fitted, four predicted.

import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { makeShell, ok } from '../helpers.js';

const CASES = ['pipe', 'msg queue', 'kill', 'exit/wait', 'shm'];

describe('bench ipc', () => {
  const rows = ok(makeShell(), 'bench ipc').data.rows as BenchRow[];

  it("reproduces Table 3's lineal and non-lineal rows within 10%", () => {
    const kylinx = rows.filter((r) => r.case.startsWith('lineal pair') || r.case.startsWith('non-lineal'));
    expect(kylinx).toHaveLength(10);
    for (const r of kylinx) {
      expect(r.ratio, r.case).not.toBeNull();
      expect(Math.abs(r.ratio! - 1), `${r.case}: model ${r.model} vs paper ${r.paper}`).toBeLessThanOrEqual(0.1);
    }
    // First contact is what separates the rows: every non-lineal case costs more than its lineal one.
    for (const c of CASES) {
      const lin = rows.find((r) => r.case === `lineal pair, ${c}`)!;
      const non = rows.find((r) => r.case === `non-lineal pair (first contact), ${c}`)!;
      expect(non.model! - lin.model!, c).toBeCloseTo(195, 0);
    }
  });

  it("models Ubuntu's row: the pipe cell fitted by linux_wakeup, the other four predicted", () => {
    const ubuntu = rows.filter((r) => r.case.startsWith('Ubuntu'));
    expect(ubuntu.map((r) => r.id)).toEqual(CASES.map((c) => `table3.ubuntu.${idOf(c)}`));
    expect(ubuntu.map((r) => r.paper)).toEqual([54, 97, 68, 95, 53]);
    for (const r of ubuntu) {
      expect(r.model, r.id).not.toBeNull();
      // Every exchange is Linux primitives only, and hands work to the peer once.
      expect(
        r.cost!.terms.every((t) => t.name.startsWith('linux_')),
        r.id,
      ).toBe(true);
      expect(r.cost!.terms.find((t) => t.name === 'linux_wakeup')?.count, r.id).toBe(1);
    }
    expect(ubuntu.map((r) => r.kind)).toEqual(['calibrated', 'predicted', 'predicted', 'predicted', 'predicted']);
    expect(ubuntu[0]!.calibrated_by).toEqual(['linux_wakeup']);
    expect(ubuntu[0]!.model).toBe(54);
    // exit/wait is the dearest exchange in the model, as in the paper's row: the exit's teardown.
    expect(Math.max(...ubuntu.map((r) => r.model!))).toBe(ubuntu[3]!.model);
  });

  it('compares lineal pVMs with modeled Ubuntu processes, model over model beside the paper', () => {
    for (const c of CASES) {
      const lin = rows.find((r) => r.case === `lineal pair, ${c}`)!;
      const ubu = rows.find((r) => r.case === `Ubuntu processes, ${c}`)!;
      const ratio = rows.find((r) => r.case === `lineal pVMs / Ubuntu processes, ${c}`)!;
      expect(ratio.model!, c).toBeCloseTo(lin.model! / ubu.model!, 2);
      expect(ratio.paper!, c).toBeCloseTo(lin.paper! / ubu.paper!, 3);
      // A ratio over a predicted cell is a prediction; over two fitted cells, calibrated by both fits.
      expect(ratio.kind, c).toBe(lin.kind === 'calibrated' && ubu.kind === 'calibrated' ? 'calibrated' : 'predicted');
    }
    const pipe = rows.find((r) => r.id === 'table3.lineal-over-ubuntu.pipe')!;
    expect(pipe.calibrated_by).toEqual(['grant_map', 'linux_wakeup']);
  });
});

function idOf(c: string): string {
  return c === 'msg queue' ? 'msgq' : c === 'exit/wait' ? 'exit-wait' : c;
}
