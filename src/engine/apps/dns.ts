// The DNS appliance: an authoritative server for the zone in its image (zone.ts). At boot each RRset is
// written to the page of its slot as an entry `<owner> <TYPE>` -> `<ttl> <rdata>` lines (pages.ts); a
// query reads those pages: the answer, a CNAME chain inside the zone, NODATA or NXDOMAIN with the SOA in
// the authority section (RFC 2308), REFUSED for a name outside the zone (no recursion).

import type { Entry } from './pages.js';
import { RR_TYPES, type Rr, type RrType, type Zone } from './zone.js';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface DnsAnswer {
  rcode: Rcode;
  /** Authoritative answer (the name is in the zone). */
  aa: boolean;
  name: string;
  type: RrType;
  answer: Rr[];
  authority: Rr[];
}

export const rrsetKey = (owner: string, type: RrType): string => `${owner} ${type}`;

/** The zone as page entries, one per RRset. */
export function zoneEntries(z: Zone): Entry[] {
  const sets = new Map<string, string[]>();
  for (const r of z.records) {
    const k = rrsetKey(r.owner, r.type);
    sets.set(k, [...(sets.get(k) ?? []), `${r.ttl} ${r.rdata}`]);
  }
  return [...sets].map(([k, v]) => [k, v.join('\n')] as const);
}

/** A query name as dig sends it: absolute, lower case. */
export function queryName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

export function isRrType(t: string): t is RrType {
  return (RR_TYPES as readonly string[]).includes(t);
}

/** Resolve a query against the zone's pages; `get` reads the entry of a key from its page. */
export function resolve(
  get: (key: string) => string | undefined,
  origin: string,
  qname: string,
  type: RrType,
): DnsAnswer {
  const name = queryName(qname);
  const base = { name, type, answer: [] as Rr[], authority: [] as Rr[] };
  if (name !== origin && !name.endsWith(`.${origin}`)) return { ...base, rcode: 'REFUSED', aa: false };
  const rrset = (owner: string, t: RrType): Rr[] =>
    (get(rrsetKey(owner, t)) ?? '')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const sp = l.indexOf(' ');
        return { owner, ttl: Number(l.slice(0, sp)), type: t, rdata: l.slice(sp + 1) };
      });
  const soa = (): Rr[] => rrset(origin, 'SOA');
  const exists = (owner: string): boolean => RR_TYPES.some((t) => get(rrsetKey(owner, t)) !== undefined);
  if (!exists(name)) return { ...base, rcode: 'NXDOMAIN', aa: true, authority: soa() };
  let owner = name;
  for (let hops = 0; hops < 8; hops++) {
    const hit = rrset(owner, type);
    if (hit.length > 0) {
      base.answer.push(...hit);
      break;
    }
    const cname = type === 'CNAME' ? [] : rrset(owner, 'CNAME');
    if (cname.length === 0) break;
    base.answer.push(cname[0]!);
    owner = cname[0]!.rdata;
    if (owner !== origin && !owner.endsWith(`.${origin}`)) break;
  }
  if (base.answer.length === 0) base.authority.push(...soa());
  return { ...base, rcode: 'NOERROR', aa: true };
}
