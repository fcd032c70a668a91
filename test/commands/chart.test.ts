// Charts as text (chart.ts) and as Vega-Lite specs (plot-spec.ts): where the marks land, the axes'
// ticks and titles, the legend, and that nothing but glyphs tells the series apart (NO_COLOR reads it).

import { describe, expect, it } from 'vitest';
import { barChartText, lineChartText, niceTicks } from '../../src/commands/chart.js';
import { plotSpec } from '../../src/commands/plot-spec.js';

const chart = {
  title: 'a line',
  x: 'n (count)',
  y: 'time (s)',
  series: [
    {
      name: 'model',
      kind: 'model' as const,
      points: [
        [0, 0],
        [10, 10],
      ] as [number, number][],
    },
    { name: 'cells', kind: 'paper' as const, points: [[5, 5]] as [number, number][] },
  ],
};

describe('text charts', () => {
  it('gives each of thirty model series and fifteen paper series a glyph of its own in the legend', () => {
    const series = [
      ...Array.from({ length: 30 }, (_, i) => ({
        name: `m${i}`,
        kind: 'model' as const,
        points: [[i, i]] as [number, number][],
      })),
      ...Array.from({ length: 15 }, (_, i) => ({
        name: `p${i}`,
        kind: 'paper' as const,
        points: [[i, i]] as [number, number][],
      })),
    ];
    const text = lineChartText({ ...chart, series }, { width: 40, height: 10 });
    const legend = text.split('\n').filter((l) => /^ {2}\S [mp]\d+/.test(l));
    expect(legend).toHaveLength(45);
    expect(new Set(legend.map((l) => l.trim()[0])).size).toBe(45);
  });

  it('a line chart puts each point in its cell, joins the model with dots and keeps the paper mark on top', () => {
    const text = lineChartText(chart, { width: 21, height: 11 });
    expect(text.split('\n')).toEqual([
      'a line',
      '   time (s)',
      '10 |                   .*',
      '   |                 ..',
      '   |               ..',
      '   |             ..',
      '   |           ..',
      ' 5 |         .o',
      '   |       ..',
      '   |     ..',
      '   |   ..',
      '   | ..',
      ' 0 |*',
      '   +---------------------',
      '    0         5        10',
      '          n (count)',
      '  * model (model)',
      '  o cells (paper)',
    ]);
  });

  it('ticks are round numbers covering the data, whole numbers for counts', () => {
    expect(niceTicks(0, 392, 5)).toEqual({ ticks: [0, 100, 200, 300, 400], lo: 0, hi: 400 });
    expect(niceTicks(0.1, 0.3, 3).ticks).toEqual([0.1, 0.2, 0.3]);
    expect(niceTicks(1, 3, 6, true).ticks).toEqual([1, 2, 3]);
  });

  it('bars scale to the largest value, model and paper each with its own glyph', () => {
    const text = barChartText(
      {
        title: 'bars',
        y: 'ms',
        cases: [
          { name: 'a', model: 2, paper: 1 },
          { name: 'bb', model: 1, paper: null },
        ],
      },
      { width: 10 },
    );
    expect(text.split('\n')).toEqual([
      'bars',
      '  (ms; # model, = paper)',
      'a     model ########## 2',
      '      paper ===== 1',
      'bb    model ##### 1',
    ]);
  });
});

describe('plot specs', () => {
  it("a line chart is a Vega-Lite layer: the model's lines, then every point, paper as diamonds", () => {
    const spec = plotSpec([chart]) as Record<string, unknown> & {
      layer: { mark: unknown; encoding: Record<string, { title?: string }> }[];
    };
    expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    expect(spec.title).toEqual({ text: 'a line', subtitle: 'lines and dots: the model; diamonds: the paper' });
    expect(spec.layer).toHaveLength(2);
    expect(spec.layer[0]!.encoding.x!.title).toBe('n (count)');
    expect(spec.layer[0]!.encoding.y!.title).toBe('time (s)');
    expect((spec.data as { values: unknown[] }).values).toEqual([
      { x: 0, y: 0, series: 'model', kind: 'model' },
      { x: 10, y: 10, series: 'model', kind: 'model' },
      { x: 5, y: 5, series: 'cells', kind: 'paper' },
    ]);
  });

  it('several charts stand one under another', () => {
    const spec = plotSpec([chart, { title: 'bars', y: 'ms', cases: [{ name: 'a', model: 1, paper: 2 }] }]);
    expect((spec.vconcat as unknown[]).length).toBe(2);
  });
});
