// The network path between a client and an appliance, as Xen's split drivers carry it. Each packet costs
// Domain-0 (NIC driver for a packet from the wire, bridge, netback, the grant copy, an event to the guest)
// and the guest (netfront, lwIP, an event to the backend); serving the request costs the appliance its
// op. A client on another machine adds the wire; the shell's clients run in Domain-0 (no NIC, no wire).
// Every figure is a named primitive of the cost table (cost.ts), charged to the meter when asked.

import type { CostModel } from '../cost-model.js';
import type { AppKind } from '../apps/subsystem.js';

/** One round trip of a request: packets to the server, packets back, whether the server's op runs in it. */
export interface Trip {
  in: number;
  out: number;
  op: boolean;
}

/**
 * What one request exchanges. redis (redis-benchmark, a kept-alive connection): the command in one
 * segment, the reply in one. web (weighttp without -k, as the paper ran it: a connection per request):
 * SYN / SYN-ACK, then ACK, GET and the client's FIN in, the response with FIN and the last ACK out. dns:
 * a UDP query and its answer. daytime (RFC 867 over TCP): SYN / SYN-ACK, then ACK and FIN in, the time
 * with FIN and an ACK out.
 */
export const EXCHANGES: Record<AppKind, Trip[]> = {
  redis: [{ in: 1, out: 1, op: true }],
  http: [
    { in: 1, out: 1, op: false },
    { in: 3, out: 2, op: true },
  ],
  dns: [{ in: 1, out: 1, op: true }],
  daytime: [
    { in: 1, out: 1, op: false },
    { in: 2, out: 2, op: true },
  ],
};

const OP = { redis: 'redis_op', http: 'http_op', dns: 'dns_op', daytime: 'daytime_op' } as const;

/** What Domain-0 does for every packet: the bridge, netback, the grant copy, the event; plus the NIC's driver for one from or to the wire. */
const DOM0_PACKET = ['bridge_forward', 'netback_packet', 'grant_copy', 'net_notify'] as const;

/** Domain-0's work for `packets` packets either way; `wire`: they come from or go to the NIC. */
export function dom0Us(c: CostModel, packets: number, wire: boolean): number {
  let t = 0;
  for (const p of DOM0_PACKET) t += c.us(p, packets);
  if (wire) t += c.us('nic_packet', packets);
  return t;
}

/** dom0Us per packet read with value(): nothing charged to a meter (run prices millions of packets). */
export function dom0PacketValueUs(c: CostModel, wire: boolean): number {
  let t = 0;
  for (const p of DOM0_PACKET) t += c.value(p);
  return wire ? t + c.value('nic_packet') : t;
}

/** The packets of one request in (client to appliance) and out, over all its trips. */
export function packetsOf(app: AppKind): { in: number; out: number } {
  let i = 0;
  let o = 0;
  for (const t of EXCHANGES[app]) {
    i += t.in;
    o += t.out;
  }
  return { in: i, out: o };
}

/** The app's own work for `ops` requests: the same code whether it runs in a pVM or a process. */
export function opUs(c: CostModel, app: AppKind, ops: number): number {
  return c.us(OP[app], ops);
}

/** What the guest does for every packet: netfront, lwIP, the event. */
const GUEST_PACKET = ['netfront_packet', 'lwip_packet', 'net_notify'] as const;

/** The guest's work for `packets` packets and `ops` requests served. */
export function guestUs(c: CostModel, app: AppKind, packets: number, ops: number): number {
  let t = 0;
  for (const p of GUEST_PACKET) t += c.us(p, packets);
  return t + opUs(c, app, ops);
}

/** guestUs per packet read with value(): nothing charged to a meter (run prices millions of requests). */
export function guestPacketValueUs(c: CostModel): number {
  let t = 0;
  for (const p of GUEST_PACKET) t += c.value(p);
  return t;
}

/** One trip of a pVM's request (µs, charged): Domain-0's work for its packets in and out, the guest's, `ops` ops. */
function xenTrip(c: CostModel, app: AppKind, t: Trip, ops: number, wire: boolean): TripPrice {
  return {
    in: dom0Us(c, t.in, wire),
    guest: guestUs(c, app, t.in + t.out, 0),
    op: t.op ? opUs(c, app, ops) : 0,
    out: dom0Us(c, t.out, wire),
  };
}

/**
 * The modeled latency of one request to an idle server: every trip as `trip` prices it (µs, charged to
 * the meter, so it explains itself), plus a round trip of the wire per trip when the client is on
 * another machine.
 */
export function tripsUs(c: CostModel, app: AppKind, wire: boolean, trip: (t: Trip) => TripPrice): number {
  let us = 0;
  for (const t of EXCHANGES[app]) {
    const p = trip(t);
    us += p.in + p.guest + p.op + p.out;
    if (wire) us += c.us('wire_rtt');
  }
  return us;
}

/**
 * A request to an idle appliance: every trip's packets through Domain-0 and the guest, and the op;
 * `wire`: the client is on another machine (NIC and a wire round trip per trip), else it runs in
 * Domain-0 (the shell's clients).
 */
export function requestUs(c: CostModel, app: AppKind, wire: boolean): number {
  return tripsUs(c, app, wire, (t) => xenTrip(c, app, t, 1, wire));
}

/** A request from the shell, a client in Domain-0. */
export function shellRequestUs(c: CostModel, app: AppKind): number {
  return requestUs(c, app, false);
}

/**
 * One trip of a request: the backend's work for the packets in and out (Domain-0's netback here; Linux's
 * softirq for processes, linux-path.ts), the server's own packet work, and the mean of the op for the
 * trip's requests (0 when the trip serves none). In µs as priced, in ns as a load generator runs it.
 */
export interface TripPrice {
  in: number;
  guest: number;
  op: number;
  out: number;
}

/**
 * A pVM's trips with its clients on the wire, priced once from the cost model (not charged to any
 * command's meter): Domain-0's in and out, the guest's packet work, and `pipeline` ops.
 */
export function xenTripPrices(c: CostModel, app: AppKind, pipeline: number): TripPrice[] {
  return c.background(() => EXCHANGES[app].map((t) => tripNs(xenTrip(c, app, t, pipeline, true))));
}

/** A trip priced in µs, in ns. */
export function tripNs(p: TripPrice): TripPrice {
  return { in: p.in * 1000, guest: p.guest * 1000, op: p.op * 1000, out: p.out * 1000 };
}
