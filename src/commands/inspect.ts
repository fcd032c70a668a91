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
import { flag, maybe, one } from './args.js';
import { pvm, word } from './kinds.js';
import { xlSeconds } from './cfmt.js';
import { fixed1, left, memMiB, right, sizeKiB, stateLetters, table, TextLines, uptime } from './format.js';
import { domainConfig, domainUuid, POOL_NAME, SHUTDOWN_CODES } from './xl-domain.js';
import { type InfoField, infoFields, maybePrintf, NUMA_AFTER, numaLines, xlInfoLine } from './xl-info.js';
import { command, type AnyCommand } from './types.js';

// ---- list ----------------------------------------------------------------------------------------

export const LIST_HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';

/** One `xl list` row: "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", CPU seconds as (float)ns / 1e9. */
function listLine(d: Domain, mem: number, vcpus: number, state: string, cpuNs: number): string {
  return `${left(d.name, 40)} ${right(d.domid, 5)} ${right(mem, 5)} ${right(vcpus, 5)}     ${state}  ${fixed1(xlSeconds(cpuNs), 8)}`;
}

/** xl list's VCPUs (vcpu_online): those vcpu-set left up; a shut-down domain keeps its count. */
export function onlineVcpus(hv: Engine, d: Domain): number {
  return isZombie(d) || d.domid === DOM0 ? d.vcpus : hv.sched.onlineVcpus(d);
}

interface ListExtras {
  verbose: boolean;
  context: boolean;
  cpupool: boolean;
  numa: boolean;
}

/** The columns -v, -Z, -c and -n add to the header, in list_domains' order. */
function listHeader(x: ListExtras): string {
  let h = LIST_HEADER;
  if (x.verbose) h += '   UUID                            Reason-Code\tSecurity Label';
  if (x.context && !x.verbose) h += '   Security Label';
  if (x.cpupool) h += '         Cpupool';
  if (x.numa) h += ' NODE Affinity';
  return h;
}

/** What -v, -Z, -c and -n add to a row: " %s" uuid, " %8x" reason (or " %8s" "-"), " %16s" label, "%16s" pool, " " nodes. */
function listExtras(hv: Engine, d: Domain, x: ListExtras): string {
  let t = '';
  if (x.verbose) {
    t += ` ${domainUuid(hv, d)}`;
    t += d.shutdown ? ` ${right(SHUTDOWN_CODES[d.shutdown.reason].toString(16), 8)}` : ` ${right('-', 8)}`;
  }
  // No XSM/FLASK policy is modelled: every domain's security label is xl's "-".
  if (x.verbose || x.context) t += ` ${right('-', 16)}`;
  if (x.cpupool) t += right(POOL_NAME, 16);
  // One NUMA node: every domain's node affinity is print_bitmap's "all".
  if (x.numa) t += ' all';
  return t;
}

export const list = command({
  name: 'list',
  family: 'inspect',
  summary: 'List information about all/some domains',
  xl: true,
  usage: '[options] [Domain]',
  args: { pvm: maybe(pvm, 'Domain') },
  options: {
    long: flag("Output all VM details: each domain's configuration as JSON", 'l'),
    verbose: flag('Prints out UUIDs and security context', 'v'),
    context: flag('Prints out security context', 'Z'),
    cpupool: flag('Prints the cpupool the domain is in', 'c'),
    numa: flag('Prints out NUMA node affinity', 'n'),
  },
  differs:
    "UUIDs are derived from the host's seed and the domid (the model has no XenStore /vm entries); no security policy is modelled, so every label is '-'; -l prints the libxl configuration fields the model has.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const doms = a.pvm !== undefined ? [a.pvm] : hv.list();
    const lines = new TextLines();
    lines.push(listHeader(o));
    const plain = !o.verbose && !o.context && !o.cpupool && !o.numa;
    const domains = [];
    for (const d of doms) {
      // Each figure once per row: the text and the data show the same.
      const mem = memMiB(d);
      const state = stateLetters(hv, d);
      const cpuNs = hv.sched.cpuTimeNs(d);
      const vcpus = onlineVcpus(hv, d);
      const line = listLine(d, mem, vcpus, state, cpuNs);
      lines.push(plain ? line : line + listExtras(hv, d, o));
      domains.push({
        name: d.name,
        domid: d.domid,
        mem_mib: mem,
        vcpus,
        state,
        time_s: Math.round((cpuNs / 1e9) * 10) / 10,
        parent: d.domid === DOM0 ? null : d.parent,
        family: d.family,
      });
    }
    if (!o.long) return { text: lines.text(), data: { domains } };
    // xl list -l: a JSON array of {domid, config}, in yajl's beautified layout (4 spaces).
    const configs = doms.map((d) => ({ domid: d.domid, config: domainConfig(hv, d) }));
    return { text: JSON.stringify(configs, null, 4), data: { domains, configs } };
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
  const sums: SmapsRaw = { region: 'total', sizePages: 0, pages: 0, pssShifted: 0, sharedPages: 0 };
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
      `  uptime    ${uptime((hv.nowNs - d.createdNs) / 1e9).trim()}`,
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

// ---- info, host -----------------------------------------------------------------------------------

const info = command({
  name: 'info',
  family: 'inspect',
  summary: 'Get information about Xen host',
  xl: true,
  usage: '[-n] [name]',
  args: { name: maybe(word, 'name') },
  options: { numa: flag('List host NUMA topology information', 'n') },
  help: "`info NAME` prints the value of every field whose label begins with NAME (xl's maybe_printf): `info free` prints free_memory's and free_cpus' values; a NAME nothing begins prints nothing.",
  differs:
    "The host is a model: uname, hw_caps, the compiler and build fields are those of the modeled Xen 4.11.4 host (constants), the memory and CPU figures are the engine's, xen_commandline follows the host file. Model-only figures (toolstack, pool shells, domains) are in `host`.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const fields = infoFields(hv);
    // As xl: with -n the NAME filter is off, and the topology comes between physinfo and xeninfo.
    const name = o.numa ? undefined : a.name;
    if (name !== undefined) {
      const hits: InfoField[] = [];
      const values: string[] = [];
      for (const f of fields) {
        const v = maybePrintf(xlInfoLine(f), name);
        if (v === null) continue;
        hits.push(f);
        values.push(v);
      }
      return { text: values.join('\n'), data: Object.fromEntries(hits) };
    }
    const lines = fields.map(xlInfoLine);
    if (o.numa) lines.splice(NUMA_AFTER, 0, ...numaLines(hv));
    return { text: lines.join('\n'), data: Object.fromEntries(fields) };
  },
});

const host = command({
  name: 'host',
  family: 'inspect',
  summary: 'The model host beyond xl info: toolstack, pool of domain shells, live pVMs, frames',
  args: {},
  run(ctx) {
    const hv = ctx.hv;
    const m = hostMemory(hv);
    const rows: [string, string | number][] = [
      ['host', hv.host.name],
      ['toolstack', hv.host.toolstack],
      ['pool_shells', hv.pool],
      ['nr_domains', hv.liveCount],
      ['max_domains', hv.host.max_domains],
      ['scheduler', hostPolicyName(hv.host.raw)],
      ['pcpus', hv.host.pcpus],
      ['frames_total', m.total_kib / 4],
      ['frames_free', m.free_kib / 4],
      ['evtchn_ports', hv.host.evtchn_ports],
      ['seed', hv.host.seed],
    ];
    return { text: rows.map(([k, v]) => `${left(k, 23)}: ${v}`).join('\n'), data: Object.fromEntries(rows) };
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

export const INSPECT: AnyCommand[] = [list, tree, show, info, host, mem, sharing];
