// bench all: every figure of the paper the model reproduces, model beside paper, deterministic.

import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { makeShell, ok } from '../helpers.js';

describe('bench all', () => {
  const rows = ok(makeShell(), 'bench all').data.rows as BenchRow[];

  it('has rows for boot (xs, noxs), Fig. 5, fork, Table 3, Fig. 6, Fig. 7 and recycling', () => {
    const figures = new Set(rows.map((r) => r.figure));
    for (const f of ['boot', 'fig5', 'fork', 'table3', 'fig6', 'fig7', 'recycle']) expect(figures, f).toContain(f);
    for (const r of rows) {
      expect(typeof r.case).toBe('string');
      // The ratio is of the unrounded values; the shown ones are rounded, so allow 1%.
      if (r.paper !== null && r.model !== null)
        expect(Math.abs(r.ratio! / (r.model / r.paper) - 1), r.case).toBeLessThan(0.01);
      else expect(r.ratio).toBeNull();
    }
  });

  it('the calibrated rows are within 10% of the paper', () => {
    const calibrated = rows.filter(
      (r) => ['boot', 'fig5', 'fork', 'table3', 'fig7'].includes(r.figure) && r.ratio !== null,
    );
    expect(calibrated.length).toBeGreaterThanOrEqual(20);
    for (const r of calibrated)
      expect(Math.abs(r.ratio! - 1), `${r.figure} ${r.case}: ${r.model} vs ${r.paper}`).toBeLessThanOrEqual(0.1);
  });

  it('Fig. 6: shared libraries take less host memory than static ones, for the same 1000 appliances', () => {
    const shared = rows.find((r) => r.figure === 'fig6' && r.case.includes('shared'))!;
    const stat = rows.find((r) => r.figure === 'fig6' && r.case.includes('static (MiniOS)'))!;
    expect(stat.model!).toBeGreaterThan(shared.model!);
  });

  it('is deterministic', () => {
    expect(ok(makeShell(), 'bench all').data.rows).toEqual(rows);
  });
});
