// The bench command: model vs paper, deterministic (it runs on fresh engines, not the session's).

import { BENCH_PARTS } from './bench/index.js';
import type { BenchRow } from './bench/types.js';
import { table } from './format.js';
import { one } from './args.js';
import { choice } from './kinds.js';
import { command } from './types.js';

const PARTS = choice([...BENCH_PARTS.map((p) => p.name), 'all']);

export const bench = command({
  name: 'bench',
  family: 'session',
  summary: "Reproduce the KylinX paper's micro-benchmarks in the model: paper and model side by side",
  usage: `<${BENCH_PARTS.map((p) => p.name).join('|')}|all>`,
  args: { part: one(PARTS) },
  help: BENCH_PARTS.map((p) => `${p.name}: ${p.summary}`).join('\n'),
  run(ctx, a) {
    const part = a.part;
    const parts = part === 'all' ? BENCH_PARTS : BENCH_PARTS.filter((p) => p.name === part);
    const rows: BenchRow[] = parts.flatMap((p) => p.run(ctx));
    const cells: (string | number)[][] = [['figure', 'case', 'unit', 'paper', 'model', 'ratio']];
    for (const r of rows)
      cells.push([
        r.figure,
        r.case,
        r.unit,
        r.paper === null ? '-' : r.paper,
        r.model === null ? '-' : r.model,
        r.ratio === null ? '-' : r.ratio.toFixed(2),
      ]);
    return { text: table(cells), data: { rows } };
  },
});
