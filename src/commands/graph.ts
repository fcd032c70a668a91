// The page-sharing graph of a family: who shares how many pages with whom. Parent–child edges are
// weighted by the pages a child still maps from its parent; sibling edges by the pages two children of
// one parent still both map (their parent's frames, untouched by either). Used by `export sharing` and
// by the console's sharing panel, so both always agree.

import { DOM0, Domain, isZombie } from '../engine/domain.js';
import type { Hypervisor } from '../engine/hypervisor.js';
import { pagesSharedWith, smaps } from '../engine/mm/access.js';

export interface SharingNode {
  name: string;
  domid: number;
  parent: number | null;
  rss_kib: number;
  pss_kib: number;
  shared_kib: number;
  private_kib: number;
}

export interface SharingEdge {
  from: string;
  to: string;
  kind: 'parent' | 'sibling';
  pages: number;
}

export interface SharingGraph {
  family: string;
  root: number;
  nodes: SharingNode[];
  edges: SharingEdge[];
  /** Sibling pairs are only computed for up to this many children of one parent (pairs grow as n^2). */
  siblingLimit: number;
}

const SIBLING_LIMIT = 16;

/** The pVMs of one family, root first, in depth-first order. */
export function familyMembers(hv: Hypervisor, root: Domain): Domain[] {
  const out: Domain[] = [];
  const all = [...hv.pvms()].filter((d) => d.family === root.family);
  const byParent = new Map<number, Domain[]>();
  for (const d of all) {
    const list = byParent.get(d.parent) ?? [];
    list.push(d);
    byParent.set(d.parent, list);
  }
  const visit = (d: Domain): void => {
    out.push(d);
    for (const c of (byParent.get(d.domid) ?? []).sort((a, b) => a.domid - b.domid)) visit(c);
  };
  const top = hv.domains.get(root.family);
  if (top && top.family === root.family) visit(top);
  // Orphans handed to Domain-0 still belong to the family.
  for (const d of all.filter((x) => x.parent === DOM0 && x.domid !== root.family).sort((a, b) => a.domid - b.domid))
    visit(d);
  return out;
}

export function sharingGraph(hv: Hypervisor, member: Domain): SharingGraph {
  const members = familyMembers(hv, member);
  const nodes: SharingNode[] = members.map((d) => {
    const t = smaps(hv, d).total;
    return {
      name: d.name,
      domid: d.domid,
      parent: d.parent === DOM0 ? null : d.parent,
      rss_kib: t.rss_kib,
      pss_kib: t.pss_kib,
      shared_kib: t.shared_kib,
      private_kib: t.private_kib,
    };
  });
  const edges: SharingEdge[] = [];
  const live = members.filter((d) => !isZombie(d));
  for (const d of live) {
    const parent = hv.domains.get(d.parent);
    if (parent && parent.domid !== DOM0 && !isZombie(parent))
      edges.push({ from: parent.name, to: d.name, kind: 'parent', pages: pagesSharedWith(hv, d, parent) });
  }
  for (const d of live) {
    const kids = d.children.map((c) => hv.domains.get(c)!).filter((k) => !isZombie(k));
    if (kids.length > SIBLING_LIMIT) continue;
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) {
        const pages = pagesSharedWith(hv, kids[i]!, kids[j]!);
        if (pages > 0) edges.push({ from: kids[i]!.name, to: kids[j]!.name, kind: 'sibling', pages });
      }
    }
  }
  const root = hv.domains.get(member.family);
  return { family: root?.name ?? `#${member.family}`, root: member.family, nodes, edges, siblingLimit: SIBLING_LIMIT };
}
