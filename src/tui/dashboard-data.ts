// What the dashboard draws, gathered from the commands and the console's samples (no blessed here, so
// tests read it without a terminal): xentop's table (the `top -b -i 1` command once the scheduler
// provides it, else `list` and `mem`), host shared vs private memory over virtual time (labelled with
// it), Rss per pVM as bars with whole names, the families as a tree, and the recent engine events.

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
  /** Virtual time now and the clock, for the title. */
  now: string;
  table: TableData;
  /** x labels (virtual time of each sample) and the two series, MiB. */
  memory: { x: string[]; shared: number[]; private: number[] };
  rss: { titles: string[]; mib: number[] };
  tree: TreeNode;
  log: string[];
}

/** Virtual time as a chart's x label: 0.0s, 12.3s, 4.5min, 2.0h. */
export function timeLabel(ns: number): string {
  const s = ns / 1e9;
  if (s < 600) return `${s.toFixed(1)}s`;
  if (s < 36_000) return `${(s / 60).toFixed(1)}min`;
  return `${(s / 3600).toFixed(1)}h`;
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

/**
 * treeRows as blessed-contrib's nested tree data, in at most `room` lines (Domain-0 included): when the
 * pVMs do not all fit, the last line under Domain-0 says how many more there are.
 */
export function familyTree(rows: readonly TreeRow[], room = Number.MAX_SAFE_INTEGER): TreeNode {
  const root: TreeNode = { name: 'Domain-0', extended: true, children: {} };
  const stack: TreeNode[] = [root];
  const pvms = rows.filter((r) => r.domid !== DOM0);
  const shown = pvms.length + 1 <= room ? pvms.length : Math.max(0, room - 2);
  for (const r of pvms.slice(0, shown)) {
    const label = `${r.name} (${r.domid}) ${r.zombie ? 'zombie' : r.state}`;
    const node: TreeNode = { extended: true, children: {} };
    stack.length = r.depth;
    stack[r.depth - 1]!.children![label] = node;
    stack.push(node);
  }
  if (shown < pvms.length) root.children![`… ${pvms.length - shown} more`] = {};
  return root;
}

export function dashboardData(model: ConsoleModel, maxBars: number, maxLog: number): DashboardData {
  const s = model.snapshot;
  const samples = model.memSeries.length === 1 ? [model.memSeries[0]!, model.memSeries[0]!] : model.memSeries;
  const live = s.rows.filter((r) => r.domid !== DOM0 && !r.zombie).slice(0, Math.max(0, maxBars));
  const c = model.host.clock;
  return {
    now: `${clock(s.nowNs)} ${c.on ? `▶ clock ${c.speed}x` : '■ clock off'}`,
    table: xentopTable(model),
    memory: {
      x: samples.map((m) => timeLabel(m.t)),
      shared: samples.map((m) => Math.round((m.sharedKib / 1024) * 10) / 10),
      private: samples.map((m) => Math.round((m.privateKib / 1024) * 10) / 10),
    },
    rss: { titles: live.map((r) => r.name), mib: live.map((r) => Math.round((r.rss_kib / 1024) * 10) / 10) },
    tree: familyTree(s.rows),
    log: model.events.slice(-Math.max(0, maxLog)).map((e) => `${clock(e.t)} ${e.kind.padEnd(9)} ${e.text}`),
  };
}
