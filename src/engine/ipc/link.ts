// Pair links and first contact (KylinX §3.2.3, Table 2); the family trust rule they apply is trust.ts.
//
// Two pVMs talk over one event channel plus a dedicated shared page: a *link*. Parent and child get theirs
// right after fork (lineal pairs; asynchronous in KylinX, so not part of fork's latency). Any other pair of
// one family pays *first contact* once, when it first needs to talk: Domain-0 verifies that both are of one
// family, an event channel is bound (alloc_unbound + bind_interdomain) and the page is granted and mapped.
// Across families nothing is set up: EPERM naming both families. A link lasts until either side exits.

import type { CostModel } from '../cost-model.js';
import { DOM0, Domain, isZombie } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { familyName, requireTrust } from './trust.js';
import type { IpcState, Link } from './state.js';

export function linkKey(x: number, y: number): string {
  return x < y ? `${x}-${y}` : `${y}-${x}`;
}

export function linkOf(ipc: IpcState, x: number, y: number): Link | undefined {
  return ipc.links.get(linkKey(x, y));
}

/** Modeled cost of first contact: trust check in Domain-0, two event-channel ops, grant and map the page. */
export function firstContactCost(c: CostModel): number {
  return c.us('trust_verify') + c.us('evtchn_op', 2) + c.us('grant_access') + c.us('grant_map');
}

/** What making a link between x and y needs, or why it cannot be made (null when it can). */
function linkObstacle(
  hv: Hypervisor,
  ipc: IpcState,
  x: Domain,
  y: Domain,
  extraFrames: number,
): { code: 'ENOSPC' | 'ENOMEM'; why: string } | null {
  for (const d of [x, y]) {
    if (ipc.evtchn.freePorts(d.domid) < 1)
      return { code: 'ENOSPC', why: `${d.name} has no free event-channel port (all ${ipc.evtchn.limit} in use)` };
  }
  if (ipc.grants.freeEntries(x.domid) < 1) return { code: 'ENOSPC', why: `${x.name}'s grant table is full` };
  if (hv.frames.free < 1 + extraFrames)
    return { code: 'ENOMEM', why: `no free frame for the shared page of ${x.name} and ${y.name}` };
  return null;
}

export interface Contact {
  link: Link;
  /** This call paid first contact. */
  first: boolean;
  latencyUs: number;
}

/**
 * The link between `from` and `to`, made by first contact if they have none. Checks trust and room
 * (ports, a grant entry, a frame plus `extraFrames` the caller will take) before changing anything.
 */
export function requireContact(
  hv: Hypervisor,
  ipc: IpcState,
  from: Domain,
  to: Domain,
  what: string,
  extraFrames = 0,
): () => Contact {
  requireTrust(hv, from, to, what);
  const have = linkOf(ipc, from.domid, to.domid);
  if (have) return () => ({ link: have, first: false, latencyUs: 0 });
  const obstacle = linkObstacle(hv, ipc, from, to, extraFrames);
  if (obstacle) fail(obstacle.code, `first contact of ${from.name} with ${to.name}: ${obstacle.why}`);
  return () => {
    const link = makeLink(hv, ipc, from, to, false);
    hv.emit(
      'contact',
      from,
      `first contact: ${from.name} and ${to.name} verified as ${familyName(hv, from)}; event channel ${from.name}:${link.portA} <-> ${to.name}:${link.portB}, one page shared`,
    );
    return { link, first: true, latencyUs: firstContactCost(hv.cost) };
  };
}

/** A link for a wake-up that must not fail: made if there is room, else null (Domain-0 relays the event). */
export function contactIfRoom(hv: Hypervisor, ipc: IpcState, from: Domain, to: Domain): Contact | null {
  const have = linkOf(ipc, from.domid, to.domid);
  if (have) return { link: have, first: false, latencyUs: 0 };
  if (from.family !== to.family || linkObstacle(hv, ipc, from, to, 0)) return null;
  const link = makeLink(hv, ipc, from, to, false);
  hv.emit(
    'contact',
    from,
    `first contact: ${from.name} and ${to.name}; event channel ${from.name}:${link.portA} <-> ${to.name}:${link.portB}`,
  );
  return { link, first: true, latencyUs: firstContactCost(hv.cost) };
}

/** Parent and child get their link right after fork; without room the pair pays first contact later. */
export function linkAfterFork(hv: Hypervisor, ipc: IpcState, parent: Domain, child: Domain): void {
  if (parent.domid === DOM0) return;
  const obstacle = linkObstacle(hv, ipc, parent, child, 0);
  if (obstacle) {
    hv.emit(
      'contact',
      child,
      `no lineal channel for ${parent.name} and ${child.name} (${obstacle.why}); they will pay first contact`,
    );
    return;
  }
  makeLink(hv, ipc, parent, child, true);
}

function makeLink(hv: Hypervisor, ipc: IpcState, a: Domain, b: Domain, lineal: boolean): Link {
  const use = `link ${a.name}<->${b.name}`;
  const portA = ipc.evtchn.allocUnbound(a.domid, b.domid, use, a.name, a.vcpus);
  const portB = ipc.evtchn.bindInterdomain(b.domid, a.domid, portA, use, b.name, b.vcpus);
  // The guest's upcall sees the bind's pending bit and finds nothing to do yet.
  ipc.evtchn.consume(b.domid, portB);
  const page = hv.mem.populate(`link:${a.domid}-${b.domid}`, 'shared', 1);
  const ref = ipc.grants.grant(a.domid, b.domid, hv.mem.frameOf(page, 0), false, `page shared with ${b.name}`);
  const handle = ipc.grants.map(b.domid, a.domid, ref, false, true);
  const link: Link = { a: a.domid, b: b.domid, portA, portB, page, ref, handle, lineal };
  ipc.links.set(linkKey(a.domid, b.domid), link);
  return link;
}

/** Tear a link down: unmap, revoke, free the page, close both ports. */
export function unlink(hv: Hypervisor, ipc: IpcState, link: Link): void {
  ipc.grants.unmap(link.b, link.handle);
  ipc.grants.revoke(link.a, link.ref);
  hv.mem.release(link.page);
  ipc.evtchn.close(link.a, link.portA);
  ipc.evtchn.close(link.b, link.portB);
  ipc.links.delete(linkKey(link.a, link.b));
}

export function unlinkAll(hv: Hypervisor, ipc: IpcState, d: Domain): void {
  for (const l of [...ipc.links.values()]) if (l.a === d.domid || l.b === d.domid) unlink(hv, ipc, l);
}

/** Write a record into the pair's page and notify the peer over the channel. */
export function notify(hv: Hypervisor, ipc: IpcState, link: Link, from: number): { to: number; port: number } {
  hv.mem.write(link.page, 0);
  const port = from === link.a ? link.portA : link.portB;
  ipc.evtchn.send(from, port);
  return from === link.a ? { to: link.b, port: link.portB } : { to: link.a, port: link.portA };
}

/** The receiving guest's upcall handler took the event on its end of the link. */
export function consumeAt(ipc: IpcState, link: Link, at: number): void {
  ipc.evtchn.consume(at, at === link.a ? link.portA : link.portB);
}

export function checkLinks(hv: Hypervisor, ipc: IpcState): string[] {
  const p: string[] = [];
  for (const [k, l] of ipc.links) {
    if (k !== linkKey(l.a, l.b)) p.push(`link ${k} is filed under the wrong key`);
    for (const id of [l.a, l.b]) {
      const d = hv.domains.get(id);
      if (!d || isZombie(d)) p.push(`link ${k} joins domain ${id}, which is not running`);
    }
    const pa = ipc.evtchn.portsOf(l.a).find((x) => x.port === l.portA);
    if (!pa || pa.state !== 'interdomain' || pa.remoteDom !== l.b || pa.remotePort !== l.portB)
      p.push(`link ${k}: port ${l.portA} of ${l.a} is not bound to ${l.b}:${l.portB}`);
    const e = ipc.grants.entry(l.a, l.ref);
    if (!e || e.domid !== l.b || e.writers !== 1)
      p.push(`link ${k}: grant ${l.ref} of ${l.a} is not mapped once by ${l.b}`);
    if (l.page.pages !== 1) p.push(`link ${k}: its page was released`);
  }
  return p;
}
