// The same requests served by Linux processes (the paper's Ubuntu rows of its application figures): no
// split drivers, no Domain-0, no grant copies. A packet from the wire is taken by the NIC driver and
// Linux's TCP/IP stack in softirq on the core its receive queue interrupts (RSS spreads connections over
// one queue per core); the server process is woken on that core (RFS steers a flow to its consumer) and
// makes its socket calls; what it sends goes down the stack and the driver in its own context. A trip
// that serves no request (weighttp's handshake, answered by the kernel alone) is all softirq.
//
// Priced from the cost model like the Xen path (path.ts): nic_packet and wire_rtt are shared with it,
// linux_stack_packet, linux_syscall and linux_ctxsw are Linux's, and the app's op is the same code
// (opUs). Nothing here is fitted: the Ubuntu cells of bench apps are predictions.

import type { CostModel } from '../cost-model.js';
import type { AppKind } from '../apps/subsystem.js';
import { EXCHANGES, opUs, type Trip, type TripPrice, tripNs, tripsUs } from './path.js';

/**
 * The socket calls a server makes per request: redis (an event loop on kept-alive connections):
 * epoll_wait, read, write; a web server without keep-alive: epoll_wait, accept4, read, write, close and
 * the new socket's epoll_ctl; an authoritative DNS server: recvfrom, sendto; daytime: accept, write, close.
 */
const SYSCALLS: Record<AppKind, number> = { redis: 3, http: 6, dns: 2, daytime: 3 };

/** The kernel's work for `packets` packets through the stack and the NIC driver. */
function kernelUs(c: CostModel, packets: number): number {
  return c.us('linux_stack_packet', packets) + c.us('nic_packet', packets);
}

/** The process's work around a trip's requests, the op aside: woken, its socket calls, its replies sent. */
function processUs(c: CostModel, app: AppKind, out: number): number {
  return c.us('linux_ctxsw') + c.us('linux_syscall', SYSCALLS[app]) + kernelUs(c, out);
}

/** One trip of a process's request (µs, charged): a trip that serves no request is the kernel's alone. */
function linuxTrip(c: CostModel, app: AppKind, t: Trip, ops: number): TripPrice {
  return t.op
    ? { in: kernelUs(c, t.in), guest: processUs(c, app, t.out), op: opUs(c, app, ops), out: 0 }
    : { in: kernelUs(c, t.in + t.out), guest: 0, op: 0, out: 0 };
}

/** A process's trips with its clients on the wire (ns), priced once, charged to no meter. */
export function linuxTripPrices(c: CostModel, app: AppKind, pipeline: number): TripPrice[] {
  return c.background(() => EXCHANGES[app].map((t) => tripNs(linuxTrip(c, app, t, pipeline))));
}

/** The modeled latency of one request to an idle process from a client on the wire, charged to the meter. */
export function linuxRequestUs(c: CostModel, app: AppKind): number {
  return tripsUs(c, app, true, (t) => linuxTrip(c, app, t, 1));
}
