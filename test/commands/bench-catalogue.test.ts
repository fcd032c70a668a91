// bench's spec names its parts and figures from bench/catalogue.ts, so the table need not load the
// figures' code: the catalogue must name exactly what the figures define.
import { describe, expect, it } from 'vitest';
import { FIGURE_NAMES, PART_SUMMARIES, SWEEP_NAMES } from '../../src/commands/bench/catalogue.js';
import { BENCH_FIGURES, BENCH_PARTS } from '../../src/commands/bench/index.js';
import { FIGURES } from '../../src/commands/bench/sweep-targets.js';

describe("bench's catalogue", () => {
  it('names the parts with their summaries, the figures and the sweep targets, in order', () => {
    expect(PART_SUMMARIES).toEqual(BENCH_PARTS.map((p) => [p.name, p.summary]));
    expect(FIGURE_NAMES).toEqual(BENCH_FIGURES.map((f) => f.name));
    expect(SWEEP_NAMES).toEqual(FIGURES.map((f) => f.name));
  });
});
