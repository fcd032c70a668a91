// The child process behind `export --format svg`: Graphviz DOT on stdin, SVG on stdout, drawn by the
// WASM build of Graphviz (@viz-js/viz), so no system Graphviz is needed. Graphviz's own errors and
// warnings go to stderr, one a line; exit 1 when it could not draw.

import { readFileSync } from 'node:fs';
import { instance } from '@viz-js/viz';

const viz = await instance();
const r = viz.render(readFileSync(0, 'utf8'), { format: 'svg' });
for (const e of r.errors) process.stderr.write(`${e.level ?? 'error'}: ${e.message.trim()}\n`);
if (r.status === 'success') process.stdout.write(r.output);
else process.exitCode = 1;
