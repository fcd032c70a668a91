// Event channels, 2-level ABI (xen-reference.md "Event channels"): the engine's port tables on their own.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors.js';
import { EventChannels } from '../../src/engine/ipc/evtchn.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as EngineError).code;
  }
  return 'no error';
}

describe('event channels', () => {
  it('takes free ports lowest first, never port 0, and reuses closed ones', () => {
    const ev = new EventChannels();
    expect(ev.allocUnbound(1, 2, 'a')).toBe(1);
    expect(ev.allocUnbound(1, 2, 'b')).toBe(2);
    expect(ev.allocUnbound(1, 2, 'c')).toBe(3);
    ev.close(1, 2);
    expect(ev.allocUnbound(1, 2, 'd')).toBe(2);
  });

  it('evtchn_status: a free port (and reserved port 0) is closed with rc 0; only a port past the range is EINVAL', () => {
    const ev = new EventChannels();
    const p = ev.allocUnbound(1, 2, 'a');
    expect(ev.status(1, 0)).toEqual({ port: 0, state: 'closed' });
    expect(ev.status(1, 500)).toEqual({ port: 500, state: 'closed' });
    ev.close(1, p);
    expect(ev.status(1, p)).toEqual({ port: p, state: 'closed' });
    expect(ev.status(7, 3)).toEqual({ port: 3, state: 'closed' });
    expect(code(() => ev.status(1, 1024))).toBe('EINVAL');
    expect(code(() => ev.status(1, -1))).toBe('EINVAL');
  });

  it('evtchn_bind_interdomain: a missing remote domain is ESRCH, no free local port ENOSPC, then a bad remote port EINVAL, in that order', () => {
    const ev = new EventChannels(1);
    const ra = ev.allocUnbound(1, 2, 'link');
    expect(code(() => ev.bindInterdomain(2, 9, 1, 'x', 'd2', 1, false))).toBe('ESRCH');
    ev.allocUnbound(2, 3, 'full');
    // Domain 2's one port is taken: ENOSPC comes before the remote port is looked at.
    expect(code(() => ev.bindInterdomain(2, 1, 99, 'x'))).toBe('ENOSPC');
    expect(code(() => ev.bindInterdomain(3, 1, 99, 'x'))).toBe('EINVAL');
    expect(ev.status(1, ra)).toMatchObject({ state: 'unbound', remoteDom: 2 });
  });

  it('get_free_port / port_is_valid: Domain-0 has only the ABI limit (ports 1-4095 of 4096), a domU its max_event_channels', () => {
    const ev = new EventChannels();
    expect(ev.highestPort(0)).toBe(4095);
    expect(ev.highestPort(5)).toBe(1023);
    for (let i = 0; i < 4095; i++) ev.bindIpi(0, 0, 'x');
    expect(ev.freePorts(0)).toBe(0);
    expect(code(() => ev.bindIpi(0, 0, 'x'))).toBe('ENOSPC');
    expect(new EventChannels(4096).highestPort(3)).toBe(4095);
    expect(ev.check(() => true)).toEqual([]);
  });

  it('evtchn_2l_set_pending: the selector keeps every bit past port 3392 (bit 53 and up) as an integer', () => {
    const ev = new EventChannels();
    for (let i = 0; i < 4095; i++) ev.bindIpi(0, 0, 'x');
    ev.send(0, 3392); // bit 53: the first a double cannot add to a set bit 0 exactly
    ev.send(0, 1);
    ev.send(0, 4095); // bit 63
    expect(ev.vcpuBits(0)[0]!.selector).toBe((1n << 63n) | (1n << 53n) | 1n);
    expect(ev.check(() => true)).toEqual([]);
    // Consuming the low port clears only bit 0.
    ev.consume(0, 1);
    expect(ev.vcpuBits(0)[0]!.selector).toBe((1n << 63n) | (1n << 53n));
    // Saved and loaded, no bit is lost.
    const back = EventChannels.load(JSON.parse(JSON.stringify(ev.save())) as ReturnType<EventChannels['save']>, 1023);
    expect(back.vcpuBits(0)[0]!.selector).toBe((1n << 63n) | (1n << 53n));
    expect(back.check(() => true)).toEqual([]);
  });

  it("evtchn_destroy: a dying domain closes its ports; the survivor's port stays unbound, naming it, until the survivor closes it", () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    const pb = ev.bindInterdomain(2, 1, pa, 'l');
    ev.closeAll(2);
    expect(ev.portsOf(2)).toEqual([]);
    expect(ev.status(1, pa)).toMatchObject({ state: 'unbound', remoteDom: 2, remotePort: 0 });
    expect(ev.send(1, pa)).toEqual({ raised: false, woke: false, to: null });
    expect(ev.check((d) => d !== 2)).toEqual([]);
    expect(code(() => ev.bindInterdomain(3, 1, pa, 'x'))).toBe('EINVAL');
    ev.close(1, pa);
    expect(ev.status(1, pa)).toEqual({ port: pa, state: 'closed' });
    expect(pb).toBe(1);
  });

  it('runs out of ports at the limit with ENOSPC and changes nothing', () => {
    const ev = new EventChannels(3);
    for (let i = 0; i < 3; i++) ev.allocUnbound(1, 2, 'x');
    const before = JSON.stringify(ev.save());
    expect(code(() => ev.allocUnbound(1, 2, 'x'))).toBe('ENOSPC');
    expect(code(() => ev.bindInterdomain(1, 5, 1, 'x'))).not.toBe('no error');
    expect(JSON.stringify(ev.save())).toBe(before);
    expect(ev.freePorts(1)).toBe(0);
    expect(ev.freePorts(2)).toBe(3);
  });

  it('evtchn_bind_interdomain: only to an unbound port naming the binder (another binder is EINVAL); the bind sets the local port pending', () => {
    const ev = new EventChannels();
    const ra = ev.allocUnbound(1, 2, 'link');
    expect(code(() => ev.bindInterdomain(3, 1, ra, 'x'))).toBe('EINVAL');
    const lb = ev.bindInterdomain(2, 1, ra, 'link');
    expect(ev.status(1, ra)).toMatchObject({ state: 'interdomain', remoteDom: 2, remotePort: lb });
    expect(ev.status(2, lb)).toMatchObject({ state: 'interdomain', remoteDom: 1, remotePort: ra, pending: true });
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 1n, upcallPending: true });
    expect(code(() => ev.bindInterdomain(3, 1, ra, 'x'))).toBe('EINVAL');
    expect(ev.check(() => true)).toEqual([]);
  });

  it('send sets pending, then the selector bit and the upcall flag, which wakes the vCPU once', () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    const pb = ev.bindInterdomain(2, 1, pa, 'l');
    ev.consume(2, pb);
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 0n, upcallPending: false });
    expect(ev.send(1, pa)).toEqual({ raised: true, woke: true, to: { domid: 2, port: pb } });
    // A second event before the guest handled the first merges into it.
    expect(ev.send(1, pa)).toMatchObject({ raised: false, woke: false });
    expect(ev.activity(1)).toEqual({ sent: 2, received: 0 });
    expect(ev.activity(2)).toEqual({ sent: 0, received: 2 });
    expect(ev.consume(2, pb)).toBe(true);
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 0n, upcallPending: false });
    expect(ev.check(() => true)).toEqual([]);
  });

  it('the selector has one bit per 64 ports', () => {
    const ev = new EventChannels(200);
    for (let i = 0; i < 70; i++) ev.bindIpi(1, 0, 'x');
    ev.send(1, 70);
    expect(ev.vcpuBits(1)[0]!.selector).toBe(2n);
    ev.send(1, 3);
    expect(ev.vcpuBits(1)[0]!.selector).toBe(3n);
    expect(ev.check(() => true)).toEqual([]);
  });

  it('an event that arrives masked is delivered on unmask', () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    const pb = ev.bindInterdomain(2, 1, pa, 'l');
    ev.consume(2, pb);
    ev.mask(2, pb);
    expect(ev.send(1, pa)).toMatchObject({ raised: true, woke: false });
    expect(ev.vcpuBits(2)[0]!.upcallPending).toBe(false);
    expect(ev.unmask(2, pb)).toBe(true);
    expect(ev.vcpuBits(2)[0]!.upcallPending).toBe(true);
    expect(ev.check(() => true)).toEqual([]);
  });

  it('close of one end returns the peer to unbound, and a send on an unbound port is dropped', () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    const pb = ev.bindInterdomain(2, 1, pa, 'l');
    ev.close(2, pb);
    expect(ev.status(1, pa)).toMatchObject({ state: 'unbound', remoteDom: 2, remotePort: 0 });
    expect(ev.send(1, pa)).toEqual({ raised: false, woke: false, to: null });
    expect(ev.portsOf(2)).toEqual([]);
    // The remote may bind again to the port that names it.
    ev.bindInterdomain(2, 1, pa, 'again');
    expect(ev.check(() => true)).toEqual([]);
  });

  it('virq and ipi ports', () => {
    const ev = new EventChannels();
    const timer = ev.bindVirq(1, 0, 0, 'VIRQ_TIMER');
    expect(code(() => ev.bindVirq(1, 0, 0, 'again'))).toBe('EEXIST');
    expect(code(() => ev.send(1, timer))).toBe('EINVAL');
    expect(ev.raiseVirq(1, 0)).toMatchObject({ raised: true, woke: true });
    const ipi = ev.bindIpi(1, 1, 'ipi', 2);
    expect(ev.send(1, ipi)).toMatchObject({ raised: true, woke: true, to: { domid: 1, port: ipi } });
    expect(ev.vcpuBits(1)).toHaveLength(2);
    expect(code(() => ev.bindIpi(1, 5, 'x', 2))).toBe('ENOENT');
    expect(ev.check(() => true)).toEqual([]);
  });

  it('check finds a peer that is not bound back and ports of a domain that is gone', () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    ev.bindInterdomain(2, 1, pa, 'l');
    const snap = ev.save();
    snap.tables[0]![1].ports[0]!.remotePort = 99;
    expect(
      EventChannels.load(snap, 1023)
        .check(() => true)
        .join(),
    ).toMatch(/not bound back/);
    expect(ev.check((d) => d !== 2).join()).toMatch(/domain 2 is gone/);
  });
});
