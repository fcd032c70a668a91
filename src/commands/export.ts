// export tree|sharing as Graphviz DOT, Mermaid, JSON or SVG (DOT drawn by the host's Graphviz), for
// slides and notes. Every node an edge names is declared in the same graph, so renderers draw no stray box.

import { DOM0, Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { maybe, one, option } from './args.js';
import { choice, file, pvm } from './kinds.js';
import { sizeKiB } from './format.js';
import { familyMembers, sharingGraph, SharingGraph } from './graph.js';
import { treeRows } from './inspect.js';
import { command } from './types.js';

/** svg: the DOT drawn by the WASM Graphviz (the shell's io.renderSvg). */
const FORMAT = choice(['dot', 'mermaid', 'json', 'svg']);
type Format = ReturnType<typeof FORMAT.parse>;

const id = (domid: number) => `d${domid}`;
// Courier, not a generic 'monospace': Graphviz has metrics for it built in, so every Graphviz (the WASM
// one too, which has no font files) sizes the boxes right instead of warning and guessing from Times.
const NODE_STYLE = 'node [shape=box, fontname="Courier"];';
const dotStr = (s: string) => `"${s.replace(/["\\]/g, (m) => `\\${m}`).replace(/\n/g, '\\n')}"`;
const mmStr = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;

function treeExport(hv: Engine, root: Domain | undefined, format: Exclude<Format, 'svg'>): string {
  const rows = treeRows(hv, root);
  // The tree under a pVM starts at that pVM: its own parent is not drawn, so neither is the edge to it.
  const shown = new Set(rows.map((r) => r.domid));
  const edges = rows.filter((r) => r.parent !== null && shown.has(r.parent));
  if (format === 'json') return JSON.stringify({ nodes: rows.map(({ prefix: _p, ...r }) => r) }, null, 2);
  const label = (r: (typeof rows)[number]) =>
    r.domid === DOM0
      ? 'Domain-0 (0)'
      : `${r.name} (${r.domid}) ${r.state}\nRss ${sizeKiB(r.rss_kib)}, Pss ${sizeKiB(r.pss_kib)}`;
  if (format === 'dot') {
    const lines = ['digraph pvms {', '  rankdir=TB;', `  ${NODE_STYLE}`];
    for (const r of rows)
      lines.push(`  ${id(r.domid)} [label=${dotStr(label(r))}${r.zombie ? ', style=dashed' : ''}];`);
    for (const r of edges) lines.push(`  ${id(r.parent!)} -> ${id(r.domid)};`);
    lines.push('}');
    return lines.join('\n');
  }
  const lines = ['graph TD'];
  for (const r of rows) lines.push(`  ${id(r.domid)}[${mmStr(label(r).replace('\n', '<br/>'))}]`);
  for (const r of edges) lines.push(`  ${id(r.parent!)} --> ${id(r.domid)}`);
  return lines.join('\n');
}

function families(hv: Engine, only?: Domain): SharingGraph[] {
  if (only) return [sharingGraph(hv, only)];
  const roots = new Map<number, Domain>();
  for (const d of hv.pvms()) if (!roots.has(d.family)) roots.set(d.family, d);
  return [...roots.values()].sort((a, b) => a.family - b.family).map((d) => sharingGraph(hv, d));
}

function sharingExport(graphs: SharingGraph[], format: Exclude<Format, 'svg'>): string {
  if (format === 'json') return JSON.stringify({ families: graphs }, null, 2);
  const nodeLabel = (n: SharingGraph['nodes'][number]) =>
    `${n.name} (${n.domid})\nshared ${sizeKiB(n.shared_kib)}, private ${sizeKiB(n.private_kib)}`;
  if (format === 'dot') {
    const lines = ['graph sharing {', `  ${NODE_STYLE}`];
    for (const g of graphs) {
      lines.push(`  subgraph cluster_${g.root} {`, `    label=${dotStr(`family ${g.family}`)};`);
      for (const n of g.nodes) lines.push(`    ${id(n.domid)} [label=${dotStr(nodeLabel(n))}];`);
      lines.push('  }');
    }
    for (const g of graphs) {
      const byName = new Map(g.nodes.map((n) => [n.name, n.domid]));
      for (const e of g.edges) {
        lines.push(
          `  ${id(byName.get(e.from)!)} -- ${id(byName.get(e.to)!)} [label="${e.pages} pages"${e.kind === 'sibling' ? ', style=dashed' : ''}, penwidth=${(1 + Math.log10(1 + e.pages)).toFixed(2)}];`,
        );
      }
    }
    lines.push('}');
    return lines.join('\n');
  }
  const lines = ['graph LR'];
  for (const g of graphs) {
    lines.push(`  subgraph f${g.root}[${mmStr(`family ${g.family}`)}]`);
    for (const n of g.nodes) lines.push(`    ${id(n.domid)}[${mmStr(nodeLabel(n).replace('\n', '<br/>'))}]`);
    lines.push('  end');
  }
  for (const g of graphs) {
    const byName = new Map(g.nodes.map((n) => [n.name, n.domid]));
    for (const e of g.edges)
      lines.push(
        `  ${id(byName.get(e.from)!)} ${e.kind === 'sibling' ? '-.' : '--'} "${e.pages} pages" ${e.kind === 'sibling' ? '.-' : '---'} ${id(byName.get(e.to)!)}`,
      );
  }
  return lines.join('\n');
}

export const exportCmd = command({
  name: 'export',
  family: 'session',
  summary: 'Export the pVM tree or the page-sharing graph as DOT, Mermaid, JSON or SVG, to a file or the screen',
  usage: 'tree|sharing [file] [--format dot|mermaid|json|svg] [--pvm <pvm>]',
  args: { what: one(choice(['tree', 'sharing'])), file: maybe(file) },
  options: {
    format: option(FORMAT, 'dot (default), mermaid, json or svg (drawn by the WASM Graphviz)'),
    pvm: option(pvm, 'only the tree under this pVM, or only its family for sharing'),
  },
  help: 'SVG needs no Graphviz installed: export tree tree.svg --format svg. Paste Mermaid into a Markdown slide.',
  run(ctx, a, o) {
    const what = a.what;
    const format = o.format ?? 'dot';
    const only = o.pvm;
    if (what === 'sharing' && only?.domid === DOM0) fail('EINVAL', 'Domain-0 is in no family; name a pVM');
    const render = format === 'svg' ? ctx.io.renderSvg?.bind(ctx.io) : undefined;
    if (format === 'svg' && render === undefined)
      fail('ENOSYS', 'this shell cannot draw SVG here; export --format dot and render it with Graphviz');
    const source = format === 'svg' ? 'dot' : format;
    const graph = what === 'tree' ? treeExport(ctx.hv, only, source) : sharingExport(families(ctx.hv, only), source);
    const text = render ? render(graph) : graph;
    const members = what === 'sharing' && only ? familyMembers(ctx.hv, only).length : undefined;
    if (a.file) {
      ctx.io.writeAtomic(a.file, text + '\n');
      return {
        text: `wrote the ${what} as ${format} to ${a.file} (${text.length + 1} bytes)`,
        data: { file: a.file, format, what, bytes: text.length + 1, members },
      };
    }
    return { text, data: { format, what, content: text } };
  },
});
