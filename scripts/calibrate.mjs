#!/usr/bin/env node
// Fits the cost constants that are fitted to bench cells by solving for them, so the table's values can
// be reproduced (npm run build first). Each fit names the cells it uses; the model is linear in its
// constants, so a cell's value is  rest + sum(count_k * constant_k), and the counts come from the meter.
//   xs_op, xs_visit: Fig. 5 at 100 and 1000 pVMs booted in sequence (xs); 500 and 2000 are predictions.
//   static_reloc: MiniOS's boot minus KylinX's, one pVM (133 - 124 ms); MiniOS's absolute boots are predictions.
// Prints the values to put in src/engine/cost.ts.

import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { benchEnv, runFigure } = await import(join(ROOT, 'dist', 'commands', 'bench', 'index.js'));
const { Shell } = await import(join(ROOT, 'dist', 'commands', 'shell.js'));
const { loadImages, defaultImagesDir, nodeIO } = await import(join(ROOT, 'dist', 'host-io.js'));
const { loadLibraries } = await import(join(ROOT, 'dist', 'dl-io.js'));

const images = loadImages(defaultImagesDir());
const libs = loadLibraries(defaultImagesDir());
const shell = new Shell({ host: { boot: [] }, images, io: nodeIO, libs });

/** A cell's model value (µs) and the counts of the given constants in it. */
function cell(figure, id, n, names) {
  const env = benchEnv({ hv: shell.hv, images });
  const r = runFigure(env, figure, { n }).find((x) => x.id === id);
  const scale = { us: 1, ms: 1e3, s: 1e6 }[r.unit];
  const counts = names.map((k) => r.cost.terms.find((t) => t.name === k)?.count ?? 0);
  const fitted = names.reduce((s, k, i) => s + counts[i] * (r.cost.terms.find((t) => t.name === k)?.us_each ?? 0), 0);
  return { paper: r.paper * scale, rest: r.cost.total_us - fitted, counts };
}

/** Solve a 2x2 system for two constants from two cells. */
function fit2(names, cells) {
  const [a, b] = cells;
  const det = a.counts[0] * b.counts[1] - a.counts[1] * b.counts[0];
  const ya = a.paper - a.rest;
  const yb = b.paper - b.rest;
  return [(ya * b.counts[1] - yb * a.counts[1]) / det, (a.counts[0] * yb - b.counts[0] * ya) / det];
}

const xs = fit2(['xs_op', 'xs_visit'], [
  cell('fig5', 'fig5.xs.100', 100, ['xs_op', 'xs_visit']),
  cell('fig5', 'fig5.xs.1000', 1000, ['xs_op', 'xs_visit']),
]);
console.log(`xs_op        = ${xs[0].toPrecision(6)}  (Fig. 5 at 100 and 1000)`);
console.log(`xs_visit     = ${xs[1].toPrecision(6)}`);

/** Solve for one constant from one cell. */
function fit1(c) {
  return (c.paper - c.rest) / c.counts[0];
}
const reloc = fit1(cell('boot', 'boot.minios-over-kylinx', undefined, ['static_reloc']));
console.log(`static_reloc = ${reloc.toPrecision(6)}  (MiniOS minus KylinX, one boot)`);
