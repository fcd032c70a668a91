// What the sharing panel draws, arranged from the commands' data (nothing recounted here):
// - the family's graph from sharingGraph (src/commands/graph.ts, as `export sharing` gives it): nodes
//   with smaps' shared/private, parent edges weighted by the pages a child still maps from its parent,
//   sibling edges for parents of up to `siblingLimit` children; the console shows a window of members
//   around the selected pVM, and the selected pVM's sibling edges;
// - the selected pVM's libraries from loadedLibraries (the data of `libs`: each loaded library and
//   its users), with how many pVMs share each library's text;
// - every family's shared pages (smaps' Shared summed), sampled after each command for the sparkline.

import { sharingGraph, type SharingGraph } from '../commands/graph.js';
import type { TreeRow } from '../commands/inspect.js';
import { loadedLibraries } from '../commands/libs.js';
import { DOM0, isZombie } from '../engine/domain.js';
import type { Engine } from '../engine/index.js';

export interface Member {
  name: string;
  domid: number;
  depth: number;
  /** Parent in the family, null for the root (or a child of Domain-0). */
  parent: string | null;
  /** Pages still the same frames as the parent's (the edge weight); null without a live parent. */
  edgePages: number | null;
  sharedKib: number;
  privateKib: number;
  zombie: boolean;
}

export interface SiblingLink {
  name: string;
  pages: number;
}

export interface FamilyView {
  family: number;
  root: string;
  /** Every member of the family (the members below may be a window of them). */
  size: number;
  /** Index in the family of the first member shown. */
  first: number;
  members: Member[];
  selected: string;
  /** The selected pVM's sibling edges, most pages first; null when its parent has too many children to compare. */
  siblings: SiblingLink[] | null;
  /** Children of the selected pVM's parent, when siblings is null. */
  brood: number;
  siblingLimit: number;
}

/** The graph of the selected pVM's family (one sharingGraph call; the console keeps it until the engine changes). */
export function graphOf(hv: Engine, selected: number): SharingGraph | null {
  const d = hv.domains.get(selected);
  if (!d || d.domid === DOM0) return null;
  return sharingGraph(hv, d);
}

/** A window of `maxMembers` members of `g` around the selected pVM; `byDomid` holds treeRows' rows (for depth and zombies). */
export function familyView(
  hv: Engine,
  g: SharingGraph,
  byDomid: ReadonlyMap<number, TreeRow>,
  selected: number,
  maxMembers: number,
  maxSiblings = 6,
): FamilyView | null {
  const at = g.nodes.findIndex((n) => n.domid === selected);
  if (at < 0) return null;
  const n = Math.max(1, maxMembers);
  const first = Math.max(0, Math.min(at - Math.floor(n / 2), g.nodes.length - n));
  const edgeTo = new Map<string, number>();
  for (const e of g.edges) if (e.kind === 'parent') edgeTo.set(e.to, e.pages);
  const rootDepth = byDomid.get(g.nodes[0]!.domid)?.depth ?? 1;
  const members = g.nodes.slice(first, first + n).map((x): Member => {
    const row = byDomid.get(x.domid);
    return {
      name: x.name,
      domid: x.domid,
      depth: Math.max(0, (row?.depth ?? rootDepth) - rootDepth),
      parent: x.parent === null ? null : (hv.domains.get(x.parent)?.name ?? null),
      edgePages: edgeTo.get(x.name) ?? null,
      sharedKib: x.shared_kib,
      privateKib: x.private_kib,
      zombie: row?.zombie ?? false,
    };
  });
  const sel = g.nodes[at]!;
  const parent = sel.parent === null ? undefined : hv.domains.get(sel.parent);
  // sharingGraph compares the live children of one parent only up to siblingLimit of them.
  const brood = parent
    ? parent.children.filter((c) => {
        const k = hv.domains.get(c);
        return k !== undefined && !isZombie(k);
      }).length
    : 0;
  let siblings: SiblingLink[] | null = [];
  if (brood > g.siblingLimit) siblings = null;
  else {
    for (const e of g.edges) {
      if (e.kind !== 'sibling') continue;
      if (e.from === sel.name) siblings.push({ name: e.to, pages: e.pages });
      else if (e.to === sel.name) siblings.push({ name: e.from, pages: e.pages });
    }
    siblings.sort((a, b) => b.pages - a.pages || a.name.localeCompare(b.name));
    siblings = siblings.slice(0, maxSiblings);
  }
  return {
    family: g.root,
    root: g.family,
    size: g.nodes.length,
    first,
    members,
    selected: sel.name,
    siblings,
    brood,
    siblingLimit: g.siblingLimit,
  };
}

export interface LibShare {
  lib: string;
  version: string;
  /** pVMs mapping this version's one copy of text (the selected one included). */
  pvms: number;
  textKib: number;
}

/**
 * Every pVM's libraries, by domid, from the host's loaded libraries and their users (one pass, kept
 * until the engine changes, so moving the selection costs a lookup).
 */
export function librariesByPvm(hv: Engine): Map<number, LibShare[]> {
  const out = new Map<number, LibShare[]>();
  for (const l of loadedLibraries(hv.dl)) {
    const share: LibShare = { lib: l.lib, version: l.version, pvms: l.users.length, textKib: l.text_kib };
    for (const u of l.users) {
      const list = out.get(u.domid) ?? [];
      list.push(share);
      out.set(u.domid, list);
    }
  }
  return out;
}

/**
 * Shared pages of every family (smaps' Shared, from the engine's accounting, summed over its members), one pass over the pVMs: the
 * console samples it after each command for the sparkline of the selected family.
 */
export function familySharedPages(hv: Engine): Map<number, number> {
  const acct = hv.accounting();
  const out = new Map<number, number>();
  for (const d of hv.pvms()) {
    let shared = 0;
    for (const r of d.regions) shared += acct.raw(r).sharedPages;
    if (d.regions.length > 0) out.set(d.family, (out.get(d.family) ?? 0) + shared);
  }
  return out;
}
