// The page-sharing graph of one family, from the engine's own accounting: parent-child edges weighted
// by the pages the child still maps to its parent's very frames (pagesSharedWith), shared vs private
// per pVM (smaps), and the selected pVM's siblings that still map the same frames. Only the members
// that fit on screen are measured, so a family of 1,000 forks costs what a screenful costs.

import { DOM0, Domain } from '../engine/domain.js';
import type { Hypervisor } from '../engine/hypervisor.js';
import { pagesSharedWith, smaps } from '../engine/mm/access.js';
import type { TreeRow } from '../commands/inspect.js';

export interface Member {
  name: string;
  domid: number;
  depth: number;
  /** Parent in the family, null for the root. */
  parent: string | null;
  /** Pages still the same frames as the parent's (the edge weight); null for the root. */
  edgePages: number | null;
  pages: number;
  sharedKib: number;
  privateKib: number;
  zombie: boolean;
}

export interface SiblingLink {
  name: string;
  pages: number;
}

export interface FamilyGraph {
  family: number;
  root: string;
  /** Every member of the family (the lines below may be a window of them). */
  size: number;
  /** Index in the family of the first member shown. */
  first: number;
  members: Member[];
  /** The selected pVM and its siblings that still map frames it maps (same parent), most first. */
  selected: string;
  siblings: SiblingLink[];
  siblingsMore: number;
}

function member(hv: Hypervisor, row: TreeRow, rootDepth: number): Member {
  const d = hv.domains.get(row.domid)!;
  const parent = d.parent === DOM0 ? undefined : hv.domains.get(d.parent);
  const t = smaps(hv, d).total;
  return {
    name: d.name,
    domid: d.domid,
    depth: row.depth - rootDepth,
    parent: parent?.name ?? null,
    edgePages: parent && !row.zombie ? pagesSharedWith(hv, d, parent) : null,
    pages: t.rss_kib / 4,
    sharedKib: t.shared_kib,
    privateKib: t.private_kib,
    zombie: row.zombie,
  };
}

/**
 * The graph of the family of `selected`, `rows` being treeRows(hv) (depth-first, so a family is one
 * run of rows). `maxMembers` members are measured, in a window that keeps the selected one in view.
 */
export function familyGraph(hv: Hypervisor, rows: readonly TreeRow[], selected: number, maxMembers: number, maxSiblings = 6): FamilyGraph | null {
  const sel = hv.domains.get(selected);
  if (!sel || sel.domid === DOM0) return null;
  const fam = rows.filter((r) => r.family === sel.family && r.domid !== DOM0);
  if (fam.length === 0) return null;
  const at = Math.max(0, fam.findIndex((r) => r.domid === selected));
  const n = Math.max(1, maxMembers);
  const first = Math.max(0, Math.min(at - Math.floor(n / 2), fam.length - n));
  const rootDepth = fam[0]!.depth;
  const members = fam.slice(first, first + n).map((r) => member(hv, r, rootDepth));
  const { links, more } = siblingsOf(hv, sel, maxSiblings);
  return { family: sel.family, root: hv.domains.get(sel.family)?.name ?? fam[0]!.name, size: fam.length, first, members, selected: sel.name, siblings: links, siblingsMore: more };
}

/** Siblings of `d` (children of the same pVM parent) that map some of the same frames, most first. */
function siblingsOf(hv: Hypervisor, d: Domain, max: number): { links: SiblingLink[]; more: number } {
  if (d.parent === DOM0 || d.regions.length === 0) return { links: [], more: 0 };
  const parent = hv.domains.get(d.parent);
  if (!parent) return { links: [], more: 0 };
  const sibs = parent.children.filter((c) => c !== d.domid).map((c) => hv.domains.get(c)!).filter((s) => s.regions.length > 0);
  // Measure a bounded number: the nearest by domid, which are the ones forked together.
  const near = sibs.sort((a, b) => Math.abs(a.domid - d.domid) - Math.abs(b.domid - d.domid)).slice(0, max * 4);
  const links = near.map((s) => ({ name: s.name, pages: pagesSharedWith(hv, d, s) })).filter((l) => l.pages > 0);
  links.sort((a, b) => b.pages - a.pages || a.name.localeCompare(b.name));
  return { links: links.slice(0, max), more: Math.max(0, links.length - max) + (sibs.length - near.length) };
}

/**
 * Shared pages of every family (smaps' Shared, from the engine's accounting, summed over its members), one pass over the pVMs: the
 * console samples it after each command for the sparkline of the selected family.
 */
export function familySharedPages(hv: Hypervisor): Map<number, number> {
  const acct = hv.accounting();
  const out = new Map<number, number>();
  for (const d of hv.pvms()) {
    let shared = 0;
    for (const r of d.regions) shared += acct.raw(r).sharedPages;
    if (d.regions.length > 0) out.set(d.family, (out.get(d.family) ?? 0) + shared);
  }
  return out;
}
