// What the sharing panel draws, from the engine's accounting, asked once per snapshot and only for the
// members shown: the selected pVM's family in depth-first order (familyMembers, as `export sharing`
// orders it), each member's smaps Shared and Private, and the pages each pair of members still maps
// from the same frames (pagesSharedWith: the weight `export sharing` gives an edge, for any pair,
// parent–child and siblings and cousins alike). A family of 1,000 costs the rows on screen, not a
// million pairs. Every family's shared and total pages are sampled after each command and clock step
// for the history sparkline.

import { familyMembers } from '../commands/graph.js';
import { DOM0, type Domain } from '../engine/domain.js';
import type { Engine } from '../engine/index.js';
import { pagesSharedWith, smapsTotal } from '../engine/mm/access.js';

export interface MemberMemory {
  sharedKib: number;
  privateKib: number;
}

/** One snapshot's answers, kept until the engine changes. */
export class SharingCache {
  private members = new Map<number, Domain[]>();
  private memory = new Map<number, MemberMemory>();
  private pairs = new Map<string, number>();

  constructor(private readonly hv: Engine) {}

  /** The family of `d`, root first, depth-first (every member, zombies included). */
  family(d: Domain): Domain[] {
    let m = this.members.get(d.family);
    if (!m) {
      m = familyMembers(this.hv, d);
      this.members.set(d.family, m);
    }
    return m;
  }

  memoryOf(d: Domain): MemberMemory {
    let m = this.memory.get(d.domid);
    if (!m) {
      const t = smapsTotal(this.hv, d);
      m = { sharedKib: t.shared_kib, privateKib: t.private_kib };
      this.memory.set(d.domid, m);
    }
    return m;
  }

  /** Pages `a` and `b` both map from the same frames. */
  pair(a: Domain, b: Domain): number {
    const key = a.domid < b.domid ? `${a.domid}-${b.domid}` : `${b.domid}-${a.domid}`;
    let n = this.pairs.get(key);
    if (n === undefined) {
      n = a.regions.length === 0 || b.regions.length === 0 ? 0 : pagesSharedWith(this.hv, a, b);
      this.pairs.set(key, n);
    }
    return n;
  }
}

export interface FamilySample {
  /** smaps Shared summed over the family's members, pages. */
  shared: number;
  /** Every page the members map. */
  total: number;
}

/** Shared and total pages of every family, one pass over the pVMs (the console samples it after each change). */
export function familyPages(hv: Engine): Map<number, FamilySample> {
  const acct = hv.accounting();
  const out = new Map<number, FamilySample>();
  for (const d of hv.pvms()) {
    if (d.domid === DOM0 || d.regions.length === 0) continue;
    let shared = 0;
    let total = 0;
    for (const r of d.regions) {
      shared += acct.raw(r).sharedPages;
      total += r.pages;
    }
    const s = out.get(d.family) ?? { shared: 0, total: 0 };
    s.shared += shared;
    s.total += total;
    out.set(d.family, s);
  }
  return out;
}
