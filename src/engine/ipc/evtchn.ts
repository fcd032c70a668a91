// Event channels, Xen's 2-level ABI (xen/common/event_channel.c, event_2l.c).
//
// Every domain has a table of ports; port 0 is reserved and free ports are taken lowest first, up to the
// domain's limit: libxl's default 1023 for a domU (max_event_channels), the ABI's for Domain-0, whose
// max_evtchn_port is unbounded (ports below EVTCHN_2L_NR_CHANNELS, 4096, on a 64-bit guest). A port is
// unbound (waiting for a named remote domain to bind), interdomain (joined to a remote port), virq or ipi;
// a free port's status is closed. shared_info holds a pending and a mask bit per port; each vCPU has a
// selector word (one bit per 64 ports, 64 bits: a bigint here, so no bit is lost past port 3392 as a
// double's 53-bit mantissa would) and an upcall-pending flag. send sets pending; if it was clear and the
// port is unmasked, the selector bit is set and, if newly set, upcall-pending too, which wakes the vCPU.
// A masked event is delivered on unmask. The guest's upcall handler consumes events (clears pending, then
// selector and upcall when nothing is left). When one end of an interdomain channel is closed, or its
// domain dies (evtchn_destroy closes every port), the peer's port is unbound again, still naming the
// closer, until its own domain closes it.

import { fail } from '../errors.js';

export type PortState = 'unbound' | 'interdomain' | 'virq' | 'ipi';

/** EVTCHNOP_status of a port that is not in use (ECS_FREE, or port 0: ECS_RESERVED): EVTCHNSTAT_closed. */
export interface ClosedPort {
  port: number;
  state: 'closed';
}

export interface Port {
  port: number;
  state: PortState;
  /** unbound: the domain allowed to bind; interdomain: the peer. */
  remoteDom: number;
  /** interdomain: the peer's port (0 otherwise). */
  remotePort: number;
  /** virq number (virq ports). */
  virq: number;
  /** The vCPU notified. */
  vcpu: number;
  pending: boolean;
  masked: boolean;
  /** What uses the port ("link web.1", ...), for `evtchn`. */
  use: string;
}

interface VcpuBits {
  /** evtchn_pending_sel: bit k set when a port in [64k, 64k + 63] is pending and unmasked. */
  selector: bigint;
  upcallPending: boolean;
}

/** A vCPU's bits as saved: the selector as decimal digits (a JSON number would lose the high bits). */
interface VcpuBitsSnapshot {
  selector: string | number;
  upcallPending: boolean;
}

interface PortTable {
  ports: Map<number, Port>;
  vcpus: VcpuBits[];
  /** Notifications sent from and delivered to this domain, for the console's activity counters. */
  sent: number;
  received: number;
}

export interface EvtchnSnapshot {
  tables: [number, { ports: Port[]; vcpus: VcpuBitsSnapshot[]; sent: number; received: number }][];
}

export const EVTCHN_DEFAULT_PORTS = 1023;
const BITS_PER_WORD = 64;
/** The 2-level ABI's ports on a 64-bit guest: 64 selector bits x 64 pending bits (event_2l.c). */
export const EVTCHN_2L_NR_CHANNELS = BITS_PER_WORD * BITS_PER_WORD;
const DOM0 = 0;

function selectorBit(port: number): bigint {
  return 1n << BigInt(Math.floor(port / BITS_PER_WORD));
}

export interface SendResult {
  /** The pending bit went from clear to set (a new event, not a merged one). */
  raised: boolean;
  /** The vCPU's upcall-pending flag went from clear to set: the vCPU is woken. */
  woke: boolean;
  /** The receiving domain and port, if the event went anywhere. */
  to: { domid: number; port: number } | null;
}

export class EventChannels {
  private tables = new Map<number, PortTable>();

  /** `limit` is a domU's highest usable port (ports 1..limit): libxl's max_event_channels. */
  constructor(readonly limit: number = EVTCHN_DEFAULT_PORTS) {}

  /**
   * A domain's highest usable port: Domain-0 has no max_evtchn_port of its own, only the ABI's bound; a
   * domU has its limit, within the ABI (port_is_valid: port <= max_evtchn_port and port < max_evtchns).
   */
  highestPort(domid: number): number {
    const abi = EVTCHN_2L_NR_CHANNELS - 1;
    return domid === DOM0 ? abi : Math.min(this.limit, abi);
  }

  private table(domid: number, vcpus = 1): PortTable {
    let t = this.tables.get(domid);
    if (!t) {
      t = {
        ports: new Map(),
        vcpus: Array.from({ length: Math.max(1, vcpus) }, () => ({ selector: 0n, upcallPending: false })),
        sent: 0,
        received: 0,
      };
      this.tables.set(domid, t);
    }
    while (t.vcpus.length < vcpus) t.vcpus.push({ selector: 0n, upcallPending: false });
    return t;
  }

  freePorts(domid: number): number {
    return this.highestPort(domid) - (this.tables.get(domid)?.ports.size ?? 0);
  }

  /** get_free_port's failure, checked before anything changes. */
  private requireFreePort(domid: number, name: string): void {
    if (this.freePorts(domid) < 1)
      fail('ENOSPC', `${name} has no free event-channel port (all ${this.highestPort(domid)} in use)`);
  }

  private allocPort(domid: number, vcpus: number, init: Omit<Port, 'port' | 'pending' | 'masked'>, name: string): Port {
    this.requireFreePort(domid, name);
    const t = this.table(domid, vcpus);
    let port = 1;
    while (t.ports.has(port)) port++;
    const p: Port = { port, pending: false, masked: false, ...init };
    t.ports.set(port, p);
    return p;
  }

  /** EVTCHNOP_alloc_unbound: a port in `domid` that `remote` may bind to. */
  allocUnbound(domid: number, remote: number, use: string, name = `domain ${domid}`, vcpus = 1): number {
    return this.allocPort(
      domid,
      vcpus,
      { state: 'unbound', remoteDom: remote, remotePort: 0, virq: 0, vcpu: 0, use },
      name,
    ).port;
  }

  /**
   * EVTCHNOP_bind_interdomain (evtchn_bind_interdomain): `domid` binds a new local port to `remote`'s
   * unbound port, which must name `domid`. Checked in Xen's order: a missing remote domain is ESRCH, no
   * free local port ENOSPC, then a remote port that is not unbound, or names another domain, EINVAL.
   * Both ends become interdomain; the local port is set pending (as Xen does).
   */
  bindInterdomain(
    domid: number,
    remote: number,
    rport: number,
    use: string,
    name = `domain ${domid}`,
    vcpus = 1,
    remoteExists = true,
  ): number {
    if (!remoteExists) fail('ESRCH', `no domain ${remote}`);
    this.requireFreePort(domid, name);
    const rp = this.tables.get(remote)?.ports.get(rport);
    if (!rp || rp.state !== 'unbound') fail('EINVAL', `port ${rport} of domain ${remote} is not unbound`);
    if (rp.remoteDom !== domid)
      fail('EINVAL', `port ${rport} of domain ${remote} is unbound for domain ${rp.remoteDom}, not ${domid}`);
    const lp = this.allocPort(
      domid,
      vcpus,
      { state: 'interdomain', remoteDom: remote, remotePort: rport, virq: 0, vcpu: 0, use },
      name,
    );
    rp.state = 'interdomain';
    rp.remotePort = lp.port;
    this.setPending(domid, lp);
    return lp.port;
  }

  /** EVTCHNOP_bind_virq: a virtual IRQ of the hypervisor (timer, console, ...) on a vCPU. */
  bindVirq(domid: number, virq: number, vcpu: number, use: string, vcpus = 1): number {
    const t = this.tables.get(domid);
    if (t)
      for (const p of t.ports.values())
        if (p.state === 'virq' && p.virq === virq && p.vcpu === vcpu)
          fail('EEXIST', `virq ${virq} is bound already on vCPU ${vcpu} (port ${p.port})`);
    if (vcpu < 0 || vcpu >= Math.max(1, vcpus)) fail('ENOENT', `no vCPU ${vcpu}`);
    return this.allocPort(
      domid,
      vcpus,
      { state: 'virq', remoteDom: domid, remotePort: 0, virq, vcpu, use },
      `domain ${domid}`,
    ).port;
  }

  /** EVTCHNOP_bind_ipi: an inter-processor interrupt port, notifying `vcpu` of the same domain. */
  bindIpi(domid: number, vcpu: number, use: string, vcpus = 1): number {
    if (vcpu < 0 || vcpu >= Math.max(1, vcpus)) fail('ENOENT', `no vCPU ${vcpu}`);
    return this.allocPort(
      domid,
      vcpus,
      { state: 'ipi', remoteDom: domid, remotePort: 0, virq: 0, vcpu, use },
      `domain ${domid}`,
    ).port;
  }

  /** EVTCHNOP_send on a local port: interdomain goes to the peer, ipi to the vCPU; unbound is dropped. */
  send(domid: number, port: number): SendResult {
    const p = this.port(domid, port);
    const t = this.tables.get(domid)!;
    if (p.state === 'unbound') return { raised: false, woke: false, to: null };
    if (p.state === 'virq') fail('EINVAL', `port ${port} of domain ${domid} is a virq: only Xen raises it`);
    t.sent++;
    const to = p.state === 'interdomain' ? { domid: p.remoteDom, port: p.remotePort } : { domid, port };
    const target = this.port(to.domid, to.port);
    this.tables.get(to.domid)!.received++;
    return { ...this.setPending(to.domid, target), to };
  }

  /** Xen raising a virq. */
  raiseVirq(domid: number, virq: number): SendResult {
    const t = this.tables.get(domid);
    const p = t && [...t.ports.values()].find((x) => x.state === 'virq' && x.virq === virq);
    if (!p) return { raised: false, woke: false, to: null };
    t.received++;
    return { ...this.setPending(domid, p), to: { domid, port: p.port } };
  }

  /** 2-level set_pending: pending, then (unmasked) selector bit, then (newly) upcall-pending. */
  private setPending(domid: number, p: Port): { raised: boolean; woke: boolean } {
    if (p.pending) return { raised: false, woke: false };
    p.pending = true;
    if (p.masked) return { raised: true, woke: false };
    return { raised: true, woke: this.markSelector(domid, p) };
  }

  private markSelector(domid: number, p: Port): boolean {
    const v = this.tables.get(domid)!.vcpus[p.vcpu]!;
    const bit = selectorBit(p.port);
    if ((v.selector & bit) !== 0n) return false;
    v.selector |= bit;
    if (v.upcallPending) return false;
    v.upcallPending = true;
    return true;
  }

  mask(domid: number, port: number): void {
    this.port(domid, port).masked = true;
  }

  /** EVTCHNOP_unmask: an event that arrived while masked is delivered now. Returns whether the vCPU woke. */
  unmask(domid: number, port: number): boolean {
    const p = this.port(domid, port);
    if (!p.masked) return false;
    p.masked = false;
    return p.pending ? this.markSelector(domid, p) : false;
  }

  /** The guest's upcall handler took the event: clear pending, then selector and upcall if nothing is left. */
  consume(domid: number, port: number): boolean {
    const t = this.tables.get(domid);
    const p = t?.ports.get(port);
    if (!t || !p || !p.pending) return false;
    p.pending = false;
    this.recomputeVcpu(t, p.vcpu);
    return true;
  }

  private recomputeVcpu(t: PortTable, vcpu: number): void {
    let sel = 0n;
    for (const q of t.ports.values()) if (q.vcpu === vcpu && q.pending && !q.masked) sel |= selectorBit(q.port);
    const v = t.vcpus[vcpu]!;
    v.selector = sel;
    v.upcallPending = sel !== 0n;
  }

  /** EVTCHNOP_close: the port is freed; an interdomain peer goes back to unbound (still naming us). */
  close(domid: number, port: number): void {
    const p = this.port(domid, port);
    const t = this.tables.get(domid)!;
    if (p.state === 'interdomain') {
      const peer = this.tables.get(p.remoteDom)?.ports.get(p.remotePort);
      if (peer) {
        peer.state = 'unbound';
        peer.remotePort = 0;
      }
    }
    t.ports.delete(port);
    this.recomputeVcpu(t, p.vcpu);
    if (t.ports.size === 0) this.tables.delete(domid);
  }

  /** Every port of a domain goes (domain teardown, evtchn_destroy). */
  closeAll(domid: number): void {
    for (const port of [...(this.tables.get(domid)?.ports.keys() ?? [])]) this.close(domid, port);
    this.tables.delete(domid);
  }

  /**
   * EVTCHNOP_status (evtchn_status): a port in use as it is; a free one (or reserved port 0) is closed,
   * rc 0; only a port past the domain's range is EINVAL (port_is_valid).
   */
  status(domid: number, port: number): Port | ClosedPort {
    if (!Number.isInteger(port) || port < 0 || port > this.highestPort(domid))
      fail('EINVAL', `port ${port} is outside domain ${domid}'s 0-${this.highestPort(domid)}`);
    const p = this.tables.get(domid)?.ports.get(port);
    return p ? { ...p } : { port, state: 'closed' };
  }

  port(domid: number, port: number): Port {
    const p = this.tables.get(domid)?.ports.get(port);
    if (!p)
      fail('EINVAL', `domain ${domid} has no event-channel port ${port}${port === 0 ? ' (port 0 is reserved)' : ''}`);
    return p;
  }

  portsOf(domid: number): Port[] {
    return [...(this.tables.get(domid)?.ports.values() ?? [])].sort((a, b) => a.port - b.port);
  }

  vcpuBits(domid: number): VcpuBits[] {
    return (this.tables.get(domid)?.vcpus ?? []).map((v) => ({ ...v }));
  }

  activity(domid: number): { sent: number; received: number } {
    const t = this.tables.get(domid);
    return { sent: t?.sent ?? 0, received: t?.received ?? 0 };
  }

  domains(): number[] {
    return [...this.tables.keys()].sort((a, b) => a - b);
  }

  save(): EvtchnSnapshot {
    return {
      tables: [...this.tables].map(([d, t]) => [
        d,
        {
          ports: [...t.ports.values()].map((p) => ({ ...p })),
          vcpus: t.vcpus.map((v) => ({ selector: v.selector.toString(), upcallPending: v.upcallPending })),
          sent: t.sent,
          received: t.received,
        },
      ]),
    };
  }

  static load(s: EvtchnSnapshot, limit: number): EventChannels {
    const e = new EventChannels(limit);
    for (const [d, t] of s.tables) {
      e.tables.set(d, {
        ports: new Map(t.ports.map((p) => [p.port, { ...p }])),
        vcpus: t.vcpus.map((v) => ({ selector: BigInt(v.selector), upcallPending: v.upcallPending })),
        sent: t.sent,
        received: t.received,
      });
    }
    return e;
  }

  /** Peers symmetric, ports in range, selector and upcall flags agree with pending and mask bits. */
  check(live: (domid: number) => boolean): string[] {
    const problems: string[] = [];
    for (const [d, t] of this.tables) {
      if (!live(d)) problems.push(`domain ${d} is gone but still has ${t.ports.size} event-channel ports`);
      if (t.ports.size === 0) problems.push(`domain ${d} has an empty port table`);
      for (const p of t.ports.values()) {
        if (p.port < 1 || p.port > this.highestPort(d))
          problems.push(`domain ${d} uses port ${p.port}, outside 1-${this.highestPort(d)}`);
        if (p.state === 'interdomain') {
          const q = this.tables.get(p.remoteDom)?.ports.get(p.remotePort);
          if (!q || q.state !== 'interdomain' || q.remoteDom !== d || q.remotePort !== p.port) {
            problems.push(
              `port ${p.port} of domain ${d} is bound to ${p.remoteDom}:${p.remotePort}, which is not bound back`,
            );
          }
        }
      }
      t.vcpus.forEach((v, i) => {
        const want = { ...v };
        this.recomputeVcpu(t, i);
        const got = t.vcpus[i]!;
        if (got.selector !== want.selector || got.upcallPending !== want.upcallPending)
          problems.push(`domain ${d} vCPU ${i}: selector/upcall do not match the pending and mask bits`);
        t.vcpus[i] = want;
      });
    }
    return problems;
  }
}
