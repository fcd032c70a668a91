// Charts (chart.ts) as Vega-Lite 5 specifications, which the host draws to SVG with Vega and to PNG
// from that SVG (src/plot.ts). Pure data: no drawing here, so the spec can be tested and written out.
//
// A line chart draws each model series as a line with its points, and the paper's points as larger
// diamonds in the colour of the model series of the same name: a reader sees at once where the model
// meets the paper. Bars are horizontal (the cases' names are long), model and paper side by side.

import type { BarChart, LineChart } from './chart.js';

/** A Vega-Lite specification (JSON). */
export type PlotSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
// Fonts that exist on most systems first: resvg draws the PNG with the first family it finds installed.
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

function lineSpec(c: LineChart): PlotSpec {
  const values = c.series.flatMap((s) => s.points.map(([x, y]) => ({ x, y, series: s.name, kind: s.kind })));
  const x = { field: 'x', type: 'quantitative', title: c.x, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: c.y };
  const color = { field: 'series', type: 'nominal', title: 'series' };
  return {
    title: { text: c.title, subtitle: 'lines and dots: the model; diamonds: the paper' },
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'model'" }],
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y, color },
      },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          x,
          y,
          color,
          shape: {
            field: 'kind',
            type: 'nominal',
            title: 'source',
            scale: { domain: ['model', 'paper'], range: ['circle', 'diamond'] },
          },
          // Ordinal, as a size must be; titled as the shape is, so the two share one legend.
          size: {
            field: 'kind',
            type: 'ordinal',
            title: 'source',
            scale: { domain: ['model', 'paper'], range: [30, 140] },
          },
        },
      },
    ],
  };
}

function barSpec(c: BarChart): PlotSpec {
  const values = c.cases.flatMap((k) => [
    ...(k.model === null ? [] : [{ case: k.name, source: 'model', value: k.model }]),
    ...(k.paper === null ? [] : [{ case: k.name, source: 'paper', value: k.paper }]),
  ]);
  return {
    title: c.title,
    width: 420,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'case', type: 'nominal', title: null, sort: null, axis: { labelLimit: 480 } },
      yOffset: { field: 'source', type: 'nominal' },
      x: { field: 'value', type: 'quantitative', title: c.y },
      color: {
        field: 'source',
        type: 'nominal',
        title: 'source',
        scale: { domain: ['model', 'paper'], range: ['#4c78a8', '#f58518'] },
      },
    },
  };
}

/** One document of the charts given, one under another. */
export function plotSpec(charts: readonly (LineChart | BarChart)[]): PlotSpec {
  const specs = charts.map((c) => ('series' in c ? lineSpec(c) : barSpec(c)));
  const body = specs.length === 1 ? specs[0]! : { vconcat: specs, spacing: 40 };
  return { $schema: SCHEMA, ...body, background: 'white', padding: 16, config: { font: FONT } };
}
