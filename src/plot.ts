// Charts to files for the commands (HostIO.plot): a Vega-Lite spec drawn to SVG by Vega, and to PNG
// from that SVG by resvg. Vega draws asynchronously and a command runs synchronously, so the drawing
// happens in a short-lived child process (plot-render.ts) the command waits for, as Graphviz's does;
// only a command given --plot pays for loading Vega.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlotSpec } from './commands/plot-spec.js';
import { fail } from './engine/errors.js';
import { writeAtomic } from './host-io.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'plot-render.js');

/** Draw the spec to `file` (.svg or .png); returns the bytes written. */
export function plotToFile(spec: PlotSpec, file: string): number {
  const format = /\.png$/i.test(file) ? 'png' : 'svg';
  const r = spawnSync(process.execPath, [CHILD, format], { input: JSON.stringify(spec), maxBuffer: 1 << 30 });
  if (r.error) fail('EIO', `cannot start the chart renderer (${r.error.message})`);
  if (r.status !== 0) {
    const why = r.stderr.toString('utf8').trim().split('\n').pop();
    fail('EIO', `the chart could not be drawn: ${why || `exit status ${r.status ?? r.signal}`}`);
  }
  writeAtomic(file, r.stdout);
  return r.stdout.length;
}
