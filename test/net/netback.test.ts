// Domain-0's netback in `run` (src/engine/net/netback.ts): the requests' packets are Domain-0's vCPUs'
// work, scheduled by the host's policy like any vCPU's, and a request arriving at a blocked pVM waits for
// netback to carry it in.
import { describe, expect, it } from 'vitest';
import { netbackPrice } from '../../src/engine/net/netback.js';
import type { PvmRun } from '../../src/engine/sched/report.js';
import type { AppKind } from '../../src/engine/apps/subsystem.js';
import { makeShell, ok, stateOf } from '../helpers.js';

function pvm(r: { data: Record<string, unknown> }, name: string): PvmRun {
  const p = (r.data.pvms as PvmRun[]).find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} in run's report`);
  return p;
}

const APP: Record<string, AppKind> = { web: 'http', redis: 'redis', dns: 'dns' };

describe('netback in run', () => {
  it("Domain-0's CPU is netback's price for every request's packets in and out", () => {
    const sh = makeShell();
    const r = ok(sh, 'run 30s');
    let expected = 0;
    let inFlight = 0;
    for (const [name, app] of Object.entries(APP)) {
      const p = netbackPrice(sh.hv.cost, app);
      expected += pvm(r, name).requests * (p.inNs + p.outNs);
      inFlight += p.inNs + p.outNs;
    }
    const dom0 = pvm(r, 'Domain-0');
    expect(dom0.requests).toBe(0); // packets carried, not requests served
    expect(expected).toBeGreaterThan(0);
    // Requests still queued or being served at the end had their packets in carried, not yet their reply.
    expect(Math.abs(dom0.cpu_ns - expected)).toBeLessThanOrEqual(inFlight);
    for (const q of sh.hv.sched.netback()) expect(q.done).toBeGreaterThan(0);
  });

  it("a request waits for netback: dearer packets lengthen web's latency by what netback does for them", () => {
    const median = (line: string): number => {
      const sh = makeShell();
      if (line) ok(sh, line);
      return pvm(ok(sh, 'run 20s'), 'web').median_us!;
    };
    const base = median('');
    // netback_packet +100 µs: web's request comes in as 4 packets (SYN, then ACK, GET, FIN).
    const dear = median('cost netback_packet=101.5');
    expect(dear - base).toBeGreaterThan(4 * 100 * 0.9);
    expect(dear - base).toBeLessThan(4 * 100 * 1.5);
  });

  it('netback competes for the pCPUs: on one pCPU with a CPU hog and BOOST off, web waits behind the hog twice', () => {
    const medians = (boost: 0 | 1): number => {
      const sh = makeShell({ pcpus: 1, boot: ['web'] });
      ok(sh, `create empty workload=cpu name=hog; sched-credit -s -b ${boost}`);
      return pvm(ok(sh, 'run 30s'), 'web').median_us!;
    };
    const boosted = medians(1);
    const unboosted = medians(0);
    expect(boosted).toBeLessThan(1000);
    // Without BOOST netback's vCPU and then web's each wait for the hog's turn to end.
    expect(unboosted).toBeGreaterThan(10 * boosted);
  });

  it('a state saved with packets in netback continues exactly as an unbroken run', () => {
    const setup = 'cost netback_packet=20000; fork redis 3';
    const straight = makeShell();
    ok(straight, setup);
    ok(straight, 'run 2s');
    const queued = straight.hv.sched.netback().reduce((n, q) => n + q.jobs, 0);
    ok(straight, 'run 3s');

    const broken = makeShell();
    ok(broken, setup);
    ok(broken, 'run 2s');
    const saved = stateOf(broken);
    const resumed = makeShell();
    resumed.hv.load(JSON.parse(saved));
    expect(resumed.hv.sched.netback().reduce((n, q) => n + q.jobs, 0)).toBe(queued);
    ok(resumed, 'run 3s');
    expect(queued).toBeGreaterThan(0);
    expect(stateOf(resumed)).toBe(stateOf(straight));
  });
});
