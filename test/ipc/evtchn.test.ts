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
    expect(code(() => ev.status(1, 0))).toBe('EINVAL');
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

  it('binds interdomain only to an unbound port naming the binder; the bind sets the local port pending', () => {
    const ev = new EventChannels();
    const ra = ev.allocUnbound(1, 2, 'link');
    expect(code(() => ev.bindInterdomain(3, 1, ra, 'x'))).toBe('EPERM');
    const lb = ev.bindInterdomain(2, 1, ra, 'link');
    expect(ev.status(1, ra)).toMatchObject({ state: 'interdomain', remoteDom: 2, remotePort: lb });
    expect(ev.status(2, lb)).toMatchObject({ state: 'interdomain', remoteDom: 1, remotePort: ra, pending: true });
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 1, upcallPending: true });
    expect(code(() => ev.bindInterdomain(3, 1, ra, 'x'))).toBe('EINVAL');
    expect(ev.check(() => true)).toEqual([]);
  });

  it('send sets pending, then the selector bit and the upcall flag, which wakes the vCPU once', () => {
    const ev = new EventChannels();
    const pa = ev.allocUnbound(1, 2, 'l');
    const pb = ev.bindInterdomain(2, 1, pa, 'l');
    ev.consume(2, pb);
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 0, upcallPending: false });
    expect(ev.send(1, pa)).toEqual({ raised: true, woke: true, to: { domid: 2, port: pb } });
    // A second event before the guest handled the first merges into it.
    expect(ev.send(1, pa)).toMatchObject({ raised: false, woke: false });
    expect(ev.activity(1)).toEqual({ sent: 2, received: 0 });
    expect(ev.activity(2)).toEqual({ sent: 0, received: 2 });
    expect(ev.consume(2, pb)).toBe(true);
    expect(ev.vcpuBits(2)[0]).toEqual({ selector: 0, upcallPending: false });
    expect(ev.check(() => true)).toEqual([]);
  });

  it('the selector has one bit per 64 ports', () => {
    const ev = new EventChannels(200);
    for (let i = 0; i < 70; i++) ev.bindIpi(1, 0, 'x');
    ev.send(1, 70);
    expect(ev.vcpuBits(1)[0]!.selector).toBe(2);
    ev.send(1, 3);
    expect(ev.vcpuBits(1)[0]!.selector).toBe(3);
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
