// What the dashboard draws, gathered from the commands and the console's samples (no blessed here, so
// tests read it without a terminal): xentop's table (the `top -b -i 1` command once the scheduler
// provides it, else `list` and `mem`), host shared vs private memory over the last commands, Rss per
// pVM, the families as a tree, and the recent engine events.

import { list, mem, type TreeRow } from '../commands/inspect.js';
import { top as topCmd } from '../commands/top.js';
import { DOM0 } from '../engine/domain.js';
import { clock } from './format.js';
import type { ConsoleModel } from './model.js';

export interface TableData {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface TreeNode {
  name?: string;
  extended?: boolean;
  children?: Record<string, TreeNode>;
}

export interface DashboardData {
  table: TableData;
  /** x labels (command numbers) and the two series, MiB. */
  memory: { x: string[]; shared: number[]; private: number[] };
  rss: { titles: string[]; mib: number[] };
  tree: TreeNode;
  log: string[];
}

/**
 * xentop's batch table, read back from the `top` command's text: the header line and the rows under it,
 * each cut at the header's column ends (every column is right-aligned at its width, so a cell such as
 * "no limit" stays one cell).
 */
export function parseXentop(text: string): TableData | null {
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /\bNAME\b/.test(l) && /\bSTATE\b/.test(l));
  if (h < 0) return null;
  const header = lines[h]!;
  const ends: number[] = [];
  for (const m of header.matchAll(/\S+/g)) ends.push(m.index + m[0].length);
  const cut = (l: string): string[] => ends.map((e, i) => l.slice(i === 0 ? 0 : ends[i - 1]! + 1, e).trim());
  const rows = lines
    .slice(h + 1)
    .filter(
      (l) =>
        l.trim() !== '' && !/\bNAME\b/.test(l) && !l.startsWith('VCPUs(sec)') && !l.startsWith(' '.repeat(8) + ' '),
    )
    .map(cut);
  return { title: 'xentop', headers: cut(header), rows };
}

function xentopTable(model: ConsoleModel): TableData {
  const shell = model.shell;
  const top = shell.invoke(topCmd, ['-b', '-i', '1']);
  if (top.ok) {
    const t = parseXentop(top.result.text);
    if (t) return t;
  }
  // Where `top` fails: the same columns xl list and mem give.
  const l = shell.invoke(list, []);
  const m = shell.invoke(mem, []);
  const doms = l.ok ? l.result.data.domains : [];
  const pvms = (m.ok ? m.result.data.pvms : undefined) ?? [];
  const byId = new Map(pvms.map((p) => [p.domid, p]));
  return {
    title: 'domains (xl list and mem)',
    headers: ['NAME', 'ID', 'STATE', 'CPU(sec)', 'MEM(k)', 'VCPUS', 'RSS(k)', 'SHARED(k)', 'PRIVATE(k)'],
    rows: doms.map((d) => {
      const m = byId.get(d.domid);
      return [
        d.name,
        String(d.domid),
        d.state,
        d.time_s.toFixed(1),
        String(d.mem_mib * 1024),
        String(d.vcpus),
        m ? String(m.rss_kib) : '-',
        m ? String(m.shared_kib) : '-',
        m ? String(m.private_kib) : '-',
      ];
    }),
  };
}

/** treeRows as blessed-contrib's nested tree data. */
export function familyTree(rows: readonly TreeRow[]): TreeNode {
  const root: TreeNode = { name: 'Domain-0', extended: true, children: {} };
  const stack: TreeNode[] = [root];
  for (const r of rows) {
    if (r.domid === DOM0) continue;
    const label = `${r.name} (${r.domid}) ${r.zombie ? 'zombie' : r.state}`;
    const node: TreeNode = { extended: true, children: {} };
    stack.length = r.depth;
    stack[r.depth - 1]!.children![label] = node;
    stack.push(node);
  }
  return root;
}

export function dashboardData(model: ConsoleModel, maxBars: number, maxLog: number): DashboardData {
  const s = model.snapshot;
  const samples = model.memSeries.length === 1 ? [model.memSeries[0]!, model.memSeries[0]!] : model.memSeries;
  const live = s.rows.filter((r) => r.domid !== DOM0 && !r.zombie).slice(0, Math.max(0, maxBars));
  return {
    table: xentopTable(model),
    memory: {
      x: samples.map((m) => `#${m.command}`),
      shared: samples.map((m) => Math.round((m.sharedKib / 1024) * 10) / 10),
      private: samples.map((m) => Math.round((m.privateKib / 1024) * 10) / 10),
    },
    rss: { titles: live.map((r) => r.name), mib: live.map((r) => Math.round((r.rss_kib / 1024) * 10) / 10) },
    tree: familyTree(s.rows),
    log: model.events.slice(-Math.max(0, maxLog)).map((e) => `${clock(e.t)} ${e.kind.padEnd(9)} ${e.text}`),
  };
}
