// bench all: every figure of the paper the model reproduces or predicts, model beside paper, each row with
// its kind, deterministic. The kinds are honest: a row a constant was fitted to says so, and only then.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchEnv, BENCH_FIGURES, runFigure } from '../../src/commands/bench/index.js';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { COSTS, type CostEntry, PRIMITIVES } from '../../src/engine/cost.js';
import { err, makeShell, ok } from '../helpers.js';

const UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1e6 };

let all: BenchRow[] | undefined;
/** bench all's rows, run once for the file. */
function allRows(): BenchRow[] {
  all ??= ok(makeShell(), 'bench all').data.rows as BenchRow[];
  return all;
}

describe('bench all', () => {
  const rows = allRows();

  it('has rows for boot (xs, noxs), Fig. 5, fork, Table 3, Fig. 6, Fig. 7 and recycling, with unique ids', () => {
    const figures = new Set(rows.map((r) => r.figure));
    for (const f of ['boot', 'fig5', 'fork', 'table3', 'fig6', 'fig7', 'recycle']) expect(figures, f).toContain(f);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const r of rows) {
      expect(typeof r.case).toBe('string');
      // The ratio is of the unrounded values; the shown ones are rounded, so allow 1%.
      if (r.paper !== null && r.model !== null)
        expect(Math.abs(r.ratio! / (r.model / r.paper) - 1), r.case).toBeLessThan(0.01);
      else expect(r.ratio).toBeNull();
    }
  });

  it('every row has its kind, and the kind follows from what it is', () => {
    for (const r of rows) {
      expect(['calibrated', 'predicted', 'derived', 'paper only'], r.id).toContain(r.kind);
      if (r.kind === 'paper only') expect(r.model, r.id).toBeNull();
      else expect(r.model, r.id).not.toBeNull();
      if (r.kind === 'calibrated') expect(r.calibrated_by.length, r.id).toBeGreaterThan(0);
      else expect(r.calibrated_by, r.id).toEqual([]);
      if (r.kind === 'predicted') expect(r.paper, r.id).not.toBeNull();
      if (r.kind === 'derived') expect(r.paper, r.id).toBeNull();
    }
  });

  it('no row claims derived or predicted while a constant of cost.ts names it as its calibration target', () => {
    for (const p of PRIMITIVES)
      for (const id of (COSTS[p] as CostEntry).calibrates ?? []) {
        const r = rows.find((x) => x.id === id);
        // A constant names only cells that exist (a renamed row would leave a constant claiming nothing).
        expect(r, `${p} calibrates '${id}', which bench all does not have`).toBeDefined();
        expect(r!.kind, `${id} is fitted by ${p}`).toBe('calibrated');
        expect(r!.calibrated_by, id).toContain(p);
      }
  });

  it('a constant fitted to a row is one the row uses: it is among the primitives of its explanation', () => {
    for (const r of rows) {
      const own = r.calibrated_by.filter((p) =>
        ((COSTS[p as keyof typeof COSTS] as CostEntry).calibrates ?? []).includes(r.id),
      );
      if (own.length === 0) continue;
      expect(r.cost, `${r.id} is calibrated and has no explanation`).toBeDefined();
      for (const p of own)
        expect(
          r.cost!.terms.map((t) => t.name),
          `${r.id} by ${p}`,
        ).toContain(p);
    }
  });

  it("a latency row's explanation sums to its model value", () => {
    for (const r of rows) {
      if (!r.cost || !(r.unit in UNIT_US)) continue;
      const us = r.model! * UNIT_US[r.unit]!;
      expect(Math.abs(r.cost.total_us - us), r.id).toBeLessThanOrEqual(Math.max(0.6, us * 0.005));
    }
  });

  it('the calibrated rows are within 10% of the paper', () => {
    const calibrated = rows.filter((r) => r.kind === 'calibrated' && r.ratio !== null);
    expect(calibrated.length).toBeGreaterThanOrEqual(10);
    for (const r of calibrated)
      expect(Math.abs(r.ratio! - 1), `${r.id}: ${r.model} vs ${r.paper}`).toBeLessThanOrEqual(0.1);
  });

  it('Fig. 6: shared libraries take less host memory than static ones, for the same 1000 appliances', () => {
    const shared = rows.find((r) => r.id === 'fig6.shared')!;
    const stat = rows.find((r) => r.id === 'fig6.static')!;
    expect(stat.model!).toBeGreaterThan(shared.model!);
  });

  it('is deterministic', () => {
    expect(ok(makeShell(), 'bench all').data.rows).toEqual(rows);
  });
});

describe('bench with overrides and parameters', () => {
  it('a row that used an overridden constant says so (a what-if), in text and JSON', () => {
    const sh = makeShell();
    ok(sh, 'cost page_share=0.5');
    const r = ok(sh, 'bench fork');
    const fork = (r.data.rows as BenchRow[]).find((x) => x.id === 'fork.redis')!;
    expect(fork.overridden).toEqual(['page_share']);
    expect(r.text).toMatch(/calibrated: page_share \(what-if: page_share\)/);
  });

  it('figures are functions of their parameters: fig5 at any n, host and image keys, cost overrides', () => {
    const sh = makeShell();
    const env = benchEnv({ hv: sh.hv, images: sh.images });
    const at300 = runFigure(env, 'fig5', { n: 300 });
    expect(at300.map((r) => r.id)).toEqual(['fig5.xs.300', 'fig5.minios.300', 'fig5.noxs.300']);
    expect(at300[0]!.paper).toBeNull();
    expect(at300[0]!.kind).toBe('derived');
    expect(ok(makeShell(), 'bench fig5 --n 300').data.rows).toEqual(at300);
    expect(err(makeShell(), 'bench table3 --n 3', 'EINVAL')).toMatch(/bench table3 takes no count/);
    expect(BENCH_FIGURES.find((f) => f.name === 'fig5')!.count!.what).toBe('pVMs booted in sequence');
  });
});

/** The README's table of held-out cells: every row whose paper value no constant was fitted to. */
function heldOutTable(rows: BenchRow[]): string {
  const lines = ['| row | case | unit | paper | model | error |', '|---|---|---|---|---|---|'];
  for (const r of rows.filter((x) => x.kind === 'predicted')) {
    const e = (r.ratio! - 1) * 100;
    lines.push(`| ${r.id} | ${r.case} | ${r.unit} | ${r.paper} | ${r.model} | ${e >= 0 ? '+' : ''}${e.toFixed(1)}% |`);
  }
  return lines.join('\n');
}

describe("the README's reproduction tables", () => {
  it('shows the held-out cells of bench all with their error (UPDATE_README=1 rewrites it)', () => {
    const file = resolve(import.meta.dirname, '..', '..', 'README.md');
    const text = readFileSync(file, 'utf8');
    const m = /(<!-- held-out:begin -->\n)([\s\S]*?)(\n<!-- held-out:end -->)/.exec(text);
    expect(m, 'README.md has no held-out table between its markers').not.toBeNull();
    const table = heldOutTable(allRows());
    if (process.env.UPDATE_README) writeFileSync(file, text.replace(m![0], m![1] + table + m![3]));
    else expect(m![2]).toBe(table);
  });
});
