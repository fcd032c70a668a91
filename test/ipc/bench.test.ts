// bench ipc reproduces Table 3's lineal and non-lineal rows within 10% (modeled, deterministic).

import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { makeShell, ok } from '../helpers.js';

describe('bench ipc', () => {
  it("reproduces Table 3's lineal and non-lineal rows within 10%, and shows Ubuntu's row", () => {
    const rows = ok(makeShell(), 'bench ipc').data.rows as BenchRow[];
    const kylinx = rows.filter((r) => !r.case.startsWith('Ubuntu'));
    // 5 lineal, 5 non-lineal, and 5 comparisons lineal/Ubuntu (the paper's claim, reproduced).
    expect(kylinx).toHaveLength(15);
    for (const r of kylinx) {
      expect(r.ratio, r.case).not.toBeNull();
      expect(Math.abs(r.ratio! - 1), `${r.case}: model ${r.model} vs paper ${r.paper}`).toBeLessThanOrEqual(0.1);
    }
    const ubuntu = rows.filter((r) => r.case.startsWith('Ubuntu'));
    expect(ubuntu.map((r) => r.paper)).toEqual([54, 97, 68, 95, 53]);
    // Linux is not modeled: Ubuntu's rows are the paper's measurement only.
    expect(ubuntu.map((r) => r.model)).toEqual([null, null, null, null, null]);
    // First contact is what separates the rows: every non-lineal case costs more than its lineal one.
    for (const c of ['pipe', 'msg queue', 'kill', 'exit/wait', 'shm']) {
      const lin = rows.find((r) => r.case === `lineal pair, ${c}`)!;
      const non = rows.find((r) => r.case === `non-lineal pair (first contact), ${c}`)!;
      expect(non.model! - lin.model!, c).toBeCloseTo(195, 0);
    }
  });
});
