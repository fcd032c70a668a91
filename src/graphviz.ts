// DOT to SVG for the commands (HostIO.renderSvg). The WASM Graphviz only starts asynchronously, and a
// command runs synchronously, so it draws in a short-lived child process (graphviz-render.ts) that the
// command waits for; only `export --format svg` pays for it.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { fail } from './engine/errors.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'graphviz-render.js');

export function renderSvg(dot: string): string {
  const r = spawnSync(process.execPath, [CHILD], { input: dot, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) fail('EIO', `cannot start Graphviz (${r.error.message})`);
  const problems = r.stderr.trim();
  if (r.status !== 0) fail('EIO', `Graphviz could not draw the graph: ${problems.split('\n')[0] ?? 'no reason given'}`);
  return r.stdout;
}
