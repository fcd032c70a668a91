// Inspection commands: list (xl), tree, show, info (xl), mem, sharing (xl).

import { DOM0, Domain, isZombie, pagesOf } from '../engine/domain.js';
import { endingOf, endingText } from '../engine/ending.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { hostMemory, pagesSharedWith, smaps, smapsTotal } from '../engine/mm/access.js';
import type { Accounting, SmapsRaw } from '../engine/mm/accounting.js';
import { familyName } from '../engine/ipc/trust.js';
import { hostPolicyName } from '../engine/sched/registry.js';
import { waitingToSnapshot } from '../engine/waiting.js';
import { many, maybe, one } from './args.js';
import { pvm, word } from './kinds.js';
import { fixed1, left, memMiB, right, sizeKiB, stateLetters, table, TextLines, uptime } from './format.js';
import { command, type AnyCommand } from './types.js';

// ---- list ----------------------------------------------------------------------------------------

export const LIST_HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';

/** One `xl list` row: "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f". */
function listLine(d: Domain, mem: number, state: string, cpuNs: number): string {
  return `${left(d.name, 40)} ${right(d.domid, 5)} ${right(mem, 5)} ${right(d.vcpus, 5)}     ${state}  ${fixed1(cpuNs / 1e9, 8)}`;
}

export const list = command({
  name: 'list',
  family: 'inspect',
  summary: 'List domains (xl list)',
  args: { pvm: many(pvm, { optional: true }) },
  run(ctx, a) {
    const hv = ctx.hv;
    const doms = a.pvm.length > 0 ? a.pvm : hv.list();
    const lines = new TextLines();
    lines.push(LIST_HEADER);
    const domains = [];
    for (const d of doms) {
      // Each figure once per row: the text and the data show the same.
      const mem = memMiB(d);
      const state = stateLetters(hv, d);
      const cpuNs = hv.sched.cpuTimeNs(d);
      lines.push(listLine(d, mem, state, cpuNs));
      domains.push({
        name: d.name,
        domid: d.domid,
        mem_mib: mem,
        vcpus: d.vcpus,
        state,
        time_s: Math.round((cpuNs / 1e9) * 10) / 10,
        parent: d.domid === DOM0 ? null : d.parent,
        family: d.family,
      });
    }
    return { text: lines.text(), data: { domains } };
  },
});

// ---- tree ----------------------------------------------------------------------------------------

export interface TreeRow {
  name: string;
  domid: number;
  depth: number;
  /** Box-drawing prefix for this row ("│  ├─ "). */
  prefix: string;
  state: string;
  rss_kib: number;
  pss_kib: number;
  /** Percent of this pVM's pages still the same frames as its parent's (null for roots). */
  shared_with_parent_pct: number | null;
  parent: number | null;
  family: number;
  zombie: boolean;
}

/** Depth-first over the family trees under Domain-0 (or under one pVM): each domain with its depth and box-drawing prefix. */
function walkFamilies(hv: Engine, root: Domain, visit: (d: Domain, depth: number, prefix: string) => void): void {
  const walk = (d: Domain, depth: number, prefix: string, childPrefix: string): void => {
    visit(d, depth, prefix);
    if (d.children.length === 0) return;
    const kids = d.children.map((c) => hv.domains.get(c)!).sort((x, y) => x.domid - y.domid);
    // The prefixes of all but the last child are the same strings: made once per parent.
    const mid = childPrefix + '├─ ';
    const midBelow = childPrefix + '│  ';
    for (let i = 0; i < kids.length; i++) {
      const last = i === kids.length - 1;
      walk(kids[i]!, depth + 1, last ? childPrefix + '└─ ' : mid, last ? childPrefix + '   ' : midBelow);
    }
  };
  walk(root, 0, '', '');
}

/** One domain's row of the tree (accounting brought up to date by the caller). */
function treeRow(hv: Engine, acct: Accounting, d: Domain, depth: number, prefix: string): TreeRow {
  const sums: SmapsRaw = { region: 'total', pages: 0, pssShifted: 0, sharedPages: 0 };
  for (const r of d.regions) acct.addRegion(r, sums);
  const parent = d.domid === DOM0 ? undefined : hv.domains.get(d.parent);
  const pages = pagesOf(d);
  const pct =
    parent && parent.domid !== DOM0 && pages > 0
      ? Math.round((pagesSharedWith(hv, d, parent) / pages) * 1000) / 10
      : null;
  return {
    name: d.name,
    domid: d.domid,
    depth,
    prefix,
    state: stateLetters(hv, d),
    rss_kib: sums.pages * 4,
    pss_kib: Math.floor(sums.pssShifted / 4096 / 1024),
    shared_with_parent_pct: pct,
    parent: d.domid === DOM0 ? null : d.parent,
    family: d.family,
    zombie: isZombie(d),
  };
}

/** The family trees under Domain-0 (or under one pVM), in depth-first order: used by `tree` and the console. */
export function treeRows(hv: Engine, root?: Domain): TreeRow[] {
  const acct = hv.accounting();
  const rows: TreeRow[] = [];
  walkFamilies(hv, root ?? hv.dom0, (d, depth, prefix) => rows.push(treeRow(hv, acct, d, depth, prefix)));
  return rows;
}

/** A tree row as `tree` prints it, its label padded to `w`. */
function treeLine(r: TreeRow, w: number): string {
  const label = left(`${r.prefix}${r.name} (${r.domid})`, w);
  if (r.domid === DOM0) return `${label}  ${r.state}`;
  if (r.zombie) return `${label}  ${r.state}  zombie`;
  const share =
    r.shared_with_parent_pct === null ? '' : `  ${right(r.shared_with_parent_pct.toFixed(1), 5)}% shared with parent`;
  return `${label}  ${r.state}  Rss ${right(r.rss_kib, 7)}K  Pss ${right(r.pss_kib, 7)}K${share}`;
}

const tree = command({
  name: 'tree',
  family: 'inspect',
  summary: 'Show families as trees: state, Rss, Pss and the share still shared with the parent',
  args: { pvm: maybe(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const root = a.pvm ?? hv.dom0;
    // One walk for the order, the label width and the prefixes (no new objects: the domains and
    // strings shared by siblings), then each row straight into its line and its data. With 100,000
    // pVMs, holding a TreeRow for every one until the end would outlive young-generation collections.
    const order: Domain[] = [];
    const depths: number[] = [];
    const prefixes: string[] = [];
    let widest = -Infinity;
    walkFamilies(hv, root, (d, depth, prefix) => {
      order.push(d);
      depths.push(depth);
      prefixes.push(prefix);
      widest = Math.max(widest, prefix.length + d.name.length + String(d.domid).length + 3);
    });
    const w = Math.min(48, widest);
    const acct = hv.accounting();
    const lines = new TextLines();
    const nodes: Omit<TreeRow, 'prefix'>[] = [];
    for (let i = 0; i < order.length; i++) {
      const r = treeRow(hv, acct, order[i]!, depths[i]!, prefixes[i]!);
      lines.push(treeLine(r, w));
      // Every field but the prefix, in TreeRow's order (a literal: faster than a rest spread per row).
      nodes.push({
        name: r.name,
        domid: r.domid,
        depth: r.depth,
        state: r.state,
        rss_kib: r.rss_kib,
        pss_kib: r.pss_kib,
        shared_with_parent_pct: r.shared_with_parent_pct,
        parent: r.parent,
        family: r.family,
        zombie: r.zombie,
      });
    }
    return { text: lines.text(), data: { nodes } };
  },
});

// ---- show ----------------------------------------------------------------------------------------

const show = command({
  name: 'show',
  family: 'inspect',
  summary: 'Everything about one pVM: image, family, state, memory, vCPUs',
  args: { pvm: one(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const d = a.pvm;
    if (d.domid === DOM0) {
      return {
        text: `Domain-0 (domid 0): the control domain, ${d.memMiB} MiB, ${d.vcpus} vCPUs; runs the toolstack`,
        data: { name: d.name, domid: 0, mem_mib: d.memMiB, vcpus: d.vcpus },
      };
    }
    const parent = hv.domains.get(d.parent)!;
    const s = smaps(hv, d);
    const kids = d.children.map((c) => hv.domains.get(c)!.name);
    const lines = [
      `${d.name} (domid ${d.domid})  image ${d.image.name}${d.image.description ? ` — ${d.image.description}` : ''}`,
      `  state     ${stateLetters(hv, d)}${isZombie(d) ? `  ${endingText(endingOf(d.shutdown!))}` : ''}${d.paused ? '  paused' : ''}${d.stopped ? '  stopped by a signal' : ''}${d.waiting ? `  blocked in ${d.waiting.call} on ${d.waiting.on}` : ''}`,
      `  family    ${familyName(hv, d)}; parent ${parent.name}; children ${kids.length ? kids.join(', ') : 'none'}`,
      `  vcpus     ${d.vcpus}`,
      `  memory    ${d.memMiB} MiB configured; Rss ${sizeKiB(s.total.rss_kib)}, Pss ${sizeKiB(s.total.pss_kib)}, shared ${sizeKiB(s.total.shared_kib)}, private ${sizeKiB(s.total.private_kib)}`,
      `  regions   ${d.regions.map((r) => `${r.name} ${r.pages}p ${r.kind}`).join(', ') || 'none'}`,
      `  uptime    ${uptime(hv.nowNs - d.createdNs).trim()}`,
    ];
    return {
      text: lines.join('\n'),
      data: {
        name: d.name,
        domid: d.domid,
        image: d.image.name,
        state: stateLetters(hv, d),
        parent: parent.name,
        family: d.family,
        children: kids,
        vcpus: d.vcpus,
        mem_mib: d.memMiB,
        memory: s.total,
        waiting: d.waiting && waitingToSnapshot(d.waiting),
        paused: d.paused,
        stopped: d.stopped,
        exit_status: d.shutdown && !d.shutdown.signal ? d.shutdown.status : null,
        term_signal: d.shutdown?.signal ?? null,
        uptime_s: (hv.nowNs - d.createdNs) / 1e9,
      },
    };
  },
});

// ---- info ----------------------------------------------------------------------------------------

export function infoFields(hv: Engine): [string, string | number][] {
  const m = hostMemory(hv);
  const mib = (k: number) => Math.floor(k / 1024);
  return [
    ['host', hv.host.name],
    ['release', 'kylinx-sh model'],
    ['version', '#1 (a model of Xen 4.x with KylinX)'],
    ['machine', 'x86_64'],
    ['nr_cpus', hv.host.pcpus],
    ['max_cpu_id', hv.host.pcpus - 1],
    ['nr_nodes', 1],
    ['cores_per_socket', hv.host.pcpus],
    ['threads_per_core', 1],
    ['total_memory', hv.host.memory],
    ['free_memory', mib(m.free_kib)],
    ['sharing_freed_memory', mib(m.saved_kib)],
    ['sharing_used_memory', mib(m.shared_kib)],
    ['outstanding_claims', 0],
    ['free_cpus', 0],
    ['xen_major', 4],
    ['xen_minor', 11],
    ['xen_scheduler', hostPolicyName(hv.host.raw)],
    ['xen_pagesize', 4096],
    ['toolstack', hv.host.toolstack],
    ['pool_shells', hv.pool],
    ['nr_domains', hv.liveCount],
  ];
}

const info = command({
  name: 'info',
  family: 'inspect',
  summary: 'Host information (xl info); `info <field>` prints one value',
  args: { field: maybe(word) },
  run(ctx, a) {
    const fields = infoFields(ctx.hv);
    if (a.field !== undefined) {
      const hit = fields.find(([k]) => k === a.field);
      if (!hit) fail('ENOENT', `no info field '${a.field}' (fields: ${fields.map(([k]) => k).join(', ')})`);
      return { text: String(hit[1]), data: { [hit[0]]: hit[1] } };
    }
    return { text: fields.map(([k, v]) => `${left(k, 23)}: ${v}`).join('\n'), data: Object.fromEntries(fields) };
  },
});

// ---- mem -----------------------------------------------------------------------------------------

export const mem = command({
  name: 'mem',
  family: 'inspect',
  summary: "Memory by Linux's smaps definitions: per region of a pVM, or per pVM and host totals",
  args: { pvm: maybe(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const head = ['Region', 'Size', 'Rss', 'Pss', 'Shared', 'Private'];
    if (a.pvm !== undefined) {
      const d = a.pvm;
      if (d.domid === DOM0) fail('EINVAL', 'Domain-0 memory is reserved whole (xl info shows it); mem shows pVMs');
      const s = smaps(hv, d);
      const rows: (string | number)[][] = [head];
      for (const r of [...s.regions, s.total])
        rows.push([r.region, r.size_kib, r.rss_kib, r.pss_kib, r.shared_kib, r.private_kib]);
      return {
        text: `${d.name} (domid ${d.domid}), KiB:\n${table(rows)}`,
        data: { name: d.name, domid: d.domid, regions: s.regions, total: s.total },
      };
    }
    const rows: (string | number)[][] = [['Name', 'ID', 'Size', 'Rss', 'Pss', 'Shared', 'Private']];
    const pvms = [];
    for (const d of hv.list()) {
      if (d.domid === DOM0) continue;
      const t = smapsTotal(hv, d);
      rows.push([d.name, d.domid, t.size_kib, t.rss_kib, t.pss_kib, t.shared_kib, t.private_kib]);
      pvms.push({
        name: d.name,
        domid: d.domid,
        size_kib: t.size_kib,
        rss_kib: t.rss_kib,
        pss_kib: t.pss_kib,
        shared_kib: t.shared_kib,
        private_kib: t.private_kib,
      });
    }
    const m = hostMemory(hv);
    const host = `host: ${sizeKiB(m.total_kib)} total, Domain-0 ${sizeKiB(m.dom0_kib)}, pVMs use ${sizeKiB(m.used_kib)}, ${sizeKiB(m.free_kib)} free; ${sizeKiB(m.shared_kib)} in shared frames saves ${sizeKiB(m.saved_kib)}`;
    return { text: `pVMs, KiB:\n${table(rows)}\n${host}`, data: { pvms, host: m } };
  },
});

// ---- sharing -------------------------------------------------------------------------------------

const sharing = command({
  name: 'sharing',
  family: 'inspect',
  summary: 'Shared memory per domain (xl sharing), MiB',
  args: { pvm: maybe(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const doms = a.pvm !== undefined ? [a.pvm] : hv.list();
    const lines = new TextLines();
    lines.push('Name                                        ID   Mem Shared');
    const domains = [];
    for (const d of doms) {
      const sharedMiB = d.domid === DOM0 ? 0 : Math.floor(smapsTotal(hv, d).shared_kib / 1024);
      const mem = memMiB(d);
      lines.push(`${left(d.name, 40)} ${right(d.domid, 5)} ${right(mem, 5)}  ${right(sharedMiB, 5)}`);
      domains.push({ name: d.name, domid: d.domid, mem_mib: mem, shared_mib: sharedMiB });
    }
    return { text: lines.text(), data: { domains } };
  },
});

export const INSPECT: AnyCommand[] = [list, tree, show, info, mem, sharing];
