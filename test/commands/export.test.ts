// export: DOT drawn by a real Graphviz (the WASM build, @viz-js/viz, in this process: no system tool),
// Mermaid read back by a structural parser, JSON by JSON.parse; every graph complete (each node an edge
// names is declared), with and without --pvm.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { instance, type Viz } from '@viz-js/viz';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeShell, memoryIO, ok, err } from '../helpers.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kylinx-sh.js');
let viz: Viz;
beforeAll(async () => {
  viz = await instance();
});

interface Drawn {
  objects: { name: string; label?: string }[];
  edges: number;
}

/** Draw DOT with Graphviz: no error or warning, and no node Graphviz had to make up for an edge. */
function drawDot(dot: string, what: string): Drawn {
  const svg = viz.render(dot, { format: 'svg' });
  expect(svg.errors, `${what}: Graphviz said`).toEqual([]);
  expect(svg.status).toBe('success');
  const json = viz.render(dot, { format: 'json' });
  expect(json.status).toBe('success');
  if (json.status !== 'success') throw new Error(what);
  const g = JSON.parse(json.output) as { objects?: Drawn['objects']; edges?: unknown[] };
  // A node only named by an edge gets Graphviz's default label "\N" (its own name): a stray box.
  const nodes = (g.objects ?? []).filter((o) => !o.name.startsWith('cluster_'));
  for (const n of nodes) expect(n.label, `${what}: node ${n.name} is drawn but never declared`).not.toBe('\\N');
  return { objects: nodes, edges: (g.edges ?? []).length };
}

interface Mermaid {
  direction: string;
  nodes: Map<string, string>;
  edges: { from: string; to: string; label?: string; dotted: boolean }[];
  subgraphs: string[];
}

/**
 * The subset of Mermaid's flowchart syntax export writes, read strictly: a header, `id["label"]` nodes,
 * `subgraph id["title"]` ... `end`, and links `a --> b`, `a -- "text" --- b`, `a -. "text" .- b`. Any other
 * line, an unbalanced subgraph, a quote inside a label or a link to an undeclared node is an error.
 */
function parseMermaid(text: string): Mermaid {
  const lines = text.split('\n');
  const head = /^graph (TD|TB|LR|RL|BT)$/.exec(lines[0] ?? '');
  if (!head) throw new Error(`not a flowchart header: '${lines[0]}'`);
  const m: Mermaid = { direction: head[1]!, nodes: new Map(), edges: [], subgraphs: [] };
  const label = '"([^"]*)"';
  let depth = 0;
  for (const [i, raw] of lines.slice(1).entries()) {
    const l = raw.trim();
    let x: RegExpExecArray | null;
    if ((x = new RegExp(`^subgraph (\\w+)\\[${label}\\]$`).exec(l))) {
      m.subgraphs.push(x[1]!);
      depth++;
    } else if (l === 'end') {
      if (--depth < 0) throw new Error(`line ${i + 2}: end without subgraph`);
    } else if ((x = new RegExp(`^(\\w+)\\[${label}\\]$`).exec(l))) {
      if (m.nodes.has(x[1]!)) throw new Error(`line ${i + 2}: node ${x[1]} declared twice`);
      m.nodes.set(x[1]!, x[2]!);
    } else if ((x = /^(\w+) --> (\w+)$/.exec(l))) {
      m.edges.push({ from: x[1]!, to: x[2]!, dotted: false });
    } else if ((x = new RegExp(`^(\\w+) (--|-\\.) ${label} (---|\\.-) (\\w+)$`).exec(l))) {
      if ((x[2] === '--') !== (x[4] === '---')) throw new Error(`line ${i + 2}: mismatched link '${l}'`);
      m.edges.push({ from: x[1]!, to: x[5]!, label: x[3]!, dotted: x[2] === '-.' });
    } else throw new Error(`line ${i + 2}: not Mermaid flowchart syntax: '${raw}'`);
  }
  if (depth !== 0) throw new Error('a subgraph is not closed');
  for (const e of m.edges)
    for (const end of [e.from, e.to])
      if (!m.nodes.has(end)) throw new Error(`link ${e.from} - ${e.to} names ${end}, which is never declared`);
  return m;
}

/** What `export` printed (its data's content) for one command line. */
const content = (sh: ReturnType<typeof makeShell>, line: string) => ok(sh, line).data.content as string;

describe('export', () => {
  it('tree and sharing as DOT render with Graphviz, with and without --pvm, every node declared', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(
      sh,
      'fork web 3; touch web.1 heap 200; fork web.1; fork redis 1; export tree tree.dot; export sharing sharing.dot',
    );
    const tree = drawDot(io.files.get('tree.dot')!, 'tree.dot');
    expect(tree.objects.map((o) => o.label!.split('\\n')[0])).toContain('web.1.1 (7) -b----');
    // Domain-0, web, redis, dns and 5 children; one edge per pVM below Domain-0.
    expect(tree.objects).toHaveLength(9);
    expect(tree.edges).toBe(8);
    const sharing = drawDot(io.files.get('sharing.dot')!, 'sharing.dot');
    expect(sharing.objects.map((o) => o.name)).toContain('d7');
    expect(io.files.get('sharing.dot')).toContain('d1 -- d4 [label="1914 pages"');
    expect(io.files.get('sharing.dot')).toContain('d5 -- d6 [label="2114 pages", style=dashed');

    // Under one pVM: the pVM is the root; the edge from its own parent (here Domain-0) is not drawn.
    const redis = content(sh, 'export tree --pvm redis');
    expect(redis).not.toContain('d0');
    expect(drawDot(redis, 'tree --pvm redis')).toEqual({ objects: expect.any(Array), edges: 1 });
    const sub = drawDot(content(sh, 'export tree --pvm web.1'), 'tree --pvm web.1');
    expect(sub.objects.map((o) => o.name)).toEqual(['d4', 'd7']);
    expect(sub.edges).toBe(1);
    drawDot(content(sh, 'export sharing --pvm web.1.1'), 'sharing --pvm web.1.1');
  });

  it('Mermaid: the same graphs, every link between declared nodes', () => {
    const sh = makeShell();
    ok(sh, 'fork redis 1; fork web 2; touch web.2 heap 100');
    const whole = parseMermaid(content(sh, 'export tree --format mermaid'));
    expect(whole.direction).toBe('TD');
    expect(whole.nodes.get('d0')).toBe('Domain-0 (0)');
    // web, redis, dns under Domain-0; redis.1, web.1, web.2 under their parents.
    expect(whole.edges).toHaveLength(6);

    // The fault this guards against: `--pvm redis` once linked d0 -> d2 without declaring d0.
    const redis = parseMermaid(content(sh, 'export tree --pvm redis --format mermaid'));
    expect([...redis.nodes.keys()]).toEqual(['d2', 'd4']);
    expect(redis.edges).toEqual([{ from: 'd2', to: 'd4', dotted: false }]);

    const sharing = parseMermaid(content(sh, 'export sharing --format mermaid'));
    expect(sharing.direction).toBe('LR');
    expect(sharing.subgraphs).toEqual(['f1', 'f2', 'f3']);
    expect(sharing.edges).toContainEqual({ from: 'd1', to: 'd6', label: '2014 pages', dotted: false });
    expect(sharing.edges).toContainEqual({ from: 'd5', to: 'd6', label: '2014 pages', dotted: true });
    parseMermaid(content(sh, 'export sharing --pvm web.2 --format mermaid'));
  });

  it('the Mermaid reader refuses what is not a complete flowchart', () => {
    expect(() => parseMermaid('graph TD\n  d2["redis"]\n  d0 --> d2')).toThrow(/d0, which is never declared/);
    expect(() => parseMermaid('graph TD\n  subgraph f1["x"]\n  d1["a"]')).toThrow(/not closed/);
    expect(() => parseMermaid('graph TD\n  d1["a "b""]')).toThrow(/not Mermaid/);
  });

  it('sharing as JSON gives parent and sibling edges weighted by shared pages', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; touch web.2 heap 100');
    const g = JSON.parse(ok(sh, 'export sharing --format json --pvm web.1').data.content as string).families[0];
    expect(g.family).toBe('web');
    expect(g.nodes.map((n: { name: string }) => n.name)).toEqual(['web', 'web.1', 'web.2']);
    expect(g.edges).toEqual([
      // web's 2048 pages plus libm 1.16 (64 text + 2 data pages) linked at boot, shared by fork.
      { from: 'web', to: 'web.1', kind: 'parent', pages: 2114 },
      { from: 'web', to: 'web.2', kind: 'parent', pages: 2014 },
      { from: 'web.1', to: 'web.2', kind: 'sibling', pages: 2014 },
    ]);
  });

  it('svg through the built binary, drawn by the WASM Graphviz (no system tool)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-export-'));
    const r = spawnSync(
      process.execPath,
      [BIN, '-c', 'fork web 2; export tree tree.svg --format svg; export sharing sharing.svg --format svg --pvm web'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote the tree as svg to tree\.svg \(\d+ bytes\)/);
    const svg = readFileSync(join(dir, 'tree.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('web.2 (5) &#45;b&#45;&#45;&#45;&#45;');
    expect(readFileSync(join(dir, 'sharing.svg'), 'utf8')).toContain('2114 pages');
  });

  it('clear errors: unknown graph or format, Domain-0 for sharing, svg where the shell cannot draw', () => {
    const sh = makeShell();
    expect(ok(sh, 'export tree --format mermaid').text).toMatch(/^graph TD\n {2}d0\["Domain-0 \(0\)"\]/);
    err(sh, 'export trees', 'EUSAGE');
    err(sh, 'export tree --format png', 'EUSAGE');
    err(sh, 'export sharing --pvm Domain-0', 'EINVAL');
    // memoryIO has no renderer: the error says what to do instead.
    expect(err(sh, 'export tree --format svg', 'ENOSYS')).toMatch(/export --format dot/);
  });
});
