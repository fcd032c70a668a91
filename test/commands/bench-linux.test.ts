// bench --baseline linux: Table 3's exchanges as Linux processes, priced by the process cost model
// (src/engine/linux-baseline.ts and the linux_* constants of cost.ts): rows with their primitives,
// what-ifs through `cost`, and one-line errors for what it is not for.

import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { COSTS, type CostEntry, PRIMITIVES } from '../../src/engine/cost.js';
import { err, makeShell, ok } from '../helpers.js';

// The process cost model's IpC primitives; linux_stack_packet is the network stack's, used by bench apps'
// Ubuntu rows (test/apps/bench-apps.test.ts).
const LINUX = PRIMITIVES.filter((p) => p.startsWith('linux_') && p !== 'linux_stack_packet');

describe('bench ipc --baseline linux', () => {
  it("shows Table 3's Ubuntu rows alone, each with the primitives it sums", () => {
    const r = ok(makeShell(), 'bench ipc --baseline linux');
    const rows = r.data.rows as BenchRow[];
    expect(rows.map((x) => x.id)).toEqual([
      'table3.ubuntu.pipe',
      'table3.ubuntu.msgq',
      'table3.ubuntu.kill',
      'table3.ubuntu.exit-wait',
      'table3.ubuntu.shm',
    ]);
    // The same rows bench ipc shows in Table 3.
    const inTable = (ok(makeShell(), 'bench ipc').data.rows as BenchRow[]).filter((x) =>
      x.id.startsWith('table3.ubuntu.'),
    );
    expect(rows).toEqual(inTable);
    expect(ok(makeShell(), 'bench table3 --baseline linux').data.rows).toEqual(rows);
    // Every linux_ constant is used by some exchange, and the text lists each row's primitives.
    const used = new Set(rows.flatMap((x) => x.cost!.terms.map((t) => t.name)));
    expect([...used].sort()).toEqual([...LINUX].sort());
    for (const p of LINUX) expect(r.text, p).toContain(p);
    expect(r.text).toMatch(/Ubuntu processes, exit\/wait:\n.*primitive[\s\S]*linux_exit +1 +process +25 +25/);
    for (const x of rows) {
      const sum = x.cost!.terms.reduce((s, t) => s + t.us, 0);
      expect(Math.abs(sum - x.model!), x.id).toBeLessThan(0.3);
      expect(x.cost!.total_us, x.id).toBeCloseTo(x.model!, 1);
    }
  });

  it('each linux_ constant has a unit and a source; one is fitted, to one Ubuntu cell', () => {
    expect(LINUX.length).toBeGreaterThanOrEqual(8);
    const fitted = LINUX.filter((p) => ((COSTS[p] as CostEntry).calibrates ?? []).length > 0);
    expect(fitted).toEqual(['linux_wakeup']);
    expect((COSTS.linux_wakeup as CostEntry).calibrates).toEqual(['table3.ubuntu.pipe']);
    for (const p of LINUX) {
      expect(COSTS[p].per.length, p).toBeGreaterThan(0);
      expect(COSTS[p].source.length, p).toBeGreaterThan(20);
    }
    expect(ok(makeShell(), 'costs linux_wakeup').text).toMatch(
      /linux_wakeup +48\.225 +us\/wake-up +table3\.ubuntu\.pipe/,
    );
  });

  it('a what-if: cost linux_wakeup=10 moves every Ubuntu cell by the same 38.225 us and says so', () => {
    const base = ok(makeShell(), 'bench ipc --baseline linux').data.rows as BenchRow[];
    const sh = makeShell();
    ok(sh, 'cost linux_wakeup=10');
    const r = ok(sh, 'bench ipc');
    const what = (r.data.rows as BenchRow[]).filter((x) => x.id.startsWith('table3.ubuntu.'));
    what.forEach((x, i) => {
      expect(x.model!, x.id).toBeCloseTo(base[i]!.model! - 38.225, 1);
      expect(x.overridden, x.id).toEqual(['linux_wakeup']);
    });
    expect(r.text).toMatch(
      /Ubuntu processes, pipe +us +54 +15\.78 .*calibrated: linux_wakeup \(what-if: linux_wakeup\)/,
    );
    // The ratio rows compare with the what-if's Ubuntu, and say so.
    const ratio = (r.data.rows as BenchRow[]).find((x) => x.id === 'table3.lineal-over-ubuntu.kill')!;
    expect(ratio.overridden).toEqual(['linux_wakeup']);
    // A constant only one exchange uses moves only that cell.
    const sh2 = makeShell();
    ok(sh2, 'cost linux_exit=0');
    const noExit = ok(sh2, 'bench table3 --baseline linux').data.rows as BenchRow[];
    expect(noExit.map((x, i) => Math.round((base[i]!.model! - x.model!) * 10) / 10)).toEqual([0, 0, 0, 25, 0]);
  });

  it('refuses what it is not for, in one line, leaving the session as it was', () => {
    const sh = makeShell();
    expect(err(sh, 'bench ipc --baseline bsd', 'EUSAGE')).toMatch(/--baseline: expected linux, not 'bsd'/);
    expect(err(sh, 'bench fig5 --baseline linux', 'EUSAGE')).toBe(
      "--baseline linux is for bench ipc or bench table3 (Table 3's Ubuntu row), not fig5",
    );
    expect(err(sh, 'bench all --baseline linux', 'EUSAGE')).toMatch(/not all$/);
    expect(err(sh, 'bench table3 --baseline linux --n 3', 'EINVAL')).toBe('bench table3 takes no count');
    expect(err(sh, 'bench sweep table3 cost.linux_wakeup=1..2 --baseline linux', 'EUSAGE')).toMatch(
      /--baseline is not for bench sweep/,
    );
    expect(err(sh, 'cost linux_wakup=3', 'ENOENT')).toMatch(/did you mean 'linux_wakeup'\?/);
  });
});
