// The child process behind --plot (plot.ts): a Vega-Lite spec on stdin, the chart on stdout as SVG
// (Vega, headless: no canvas, text measured by Vega's own estimates) or as PNG (resvg drawing that SVG
// with the system's fonts, at twice the size for sharp text). Errors go to stderr; exit 1.

import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

try {
  const spec = JSON.parse(readFileSync(0, 'utf8')) as TopLevelSpec;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  if (process.argv[2] === 'png') {
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
    process.stdout.write(png);
  } else process.stdout.write(svg);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
