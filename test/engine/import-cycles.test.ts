// No file of the engine imports, even for types only, a file that imports it back (directly or through
// others): each directory is layered bottom-up (ipc/state.ts at the bottom of ipc/, image.ts a parser
// that knows no subsystem) and index.ts alone wires the subsystems together.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = resolve(import.meta.dirname, '../../src/engine');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** file -> the engine files it imports (relative specifiers, `.js` standing for the `.ts` source). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(f), m[1]!).replace(/\.js$/, '.ts');
      if (known.has(target)) deps.push(target);
      else if (known.has(`${target}x`)) deps.push(`${target}x`);
    }
    graph.set(f, deps);
  }
  return graph;
}

/** Every cycle a depth-first walk meets, as "a.ts -> b.ts -> a.ts". */
function cycles(graph: Map<string, string[]>, root: string): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    path.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 'open')
        found.push([...path.slice(path.indexOf(d)), d].map((x) => relative(root, x)).join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

describe('src/engine imports', () => {
  it('the walk finds a cycle when there is one (the check can fail)', () => {
    const g = new Map([
      ['/e/a.ts', ['/e/b.ts']],
      ['/e/b.ts', ['/e/c.ts']],
      ['/e/c.ts', ['/e/a.ts']],
      ['/e/d.ts', ['/e/a.ts']],
    ]);
    expect(cycles(g, '/e')).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });

  it('the graph is read from the sources: ipc/subsystem.ts imports ipc/state.ts', () => {
    const g = importGraph(sources(ENGINE));
    expect(g.get(join(ENGINE, 'ipc/subsystem.ts'))).toContain(join(ENGINE, 'ipc/state.ts'));
    expect(g.size).toBeGreaterThan(40);
  });

  it('have no cycle, type-only imports included', () => {
    expect(cycles(importGraph(sources(ENGINE)), ENGINE)).toEqual([]);
  });
});
