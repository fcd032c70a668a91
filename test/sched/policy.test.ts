// The scheduler interface (engine/sched/policy.ts) is the whole seam: a third policy is a SchedPolicy
// and an entry in the registry's table, nothing else. This one is written here, in the test: round
// robin, one FIFO queue for the host, 10 ms slices, no parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFromCfg } from '../../src/engine/config.js';
import { parseCfg } from '../../src/engine/image.js';
import { newEngine } from '../../src/engine/index.js';
import { onlyKeys, type SchedCore, type SchedParams, type SchedPolicy } from '../../src/engine/sched/policy.js';
import { policyNames, registerPolicy, unregisterPolicy } from '../../src/engine/sched/registry.js';
import type { PvmRun } from '../../src/engine/sched/report.js';
import { allowed, type VCpu } from '../../src/engine/sched/state.js';
import { err, makeShell, ok } from '../helpers.js';

const SLICE_NS = 10e6;

class RoundRobin implements SchedPolicy {
  readonly name = 'rr';
  private queue: number[] = [];
  private sliceEnd: number[];

  constructor(private readonly core: SchedCore) {
    this.sliceEnd = core.s.pcpus.map(() => 0);
  }

  private vcpu(uid: number): VCpu {
    return this.core.s.vcpus.get(uid)!;
  }

  insertDomain(): void {}
  removeDomain(): void {}
  removeVcpu(): void {}

  insertVcpu(v: VCpu): void {
    v.cpu = v.affinity ? v.affinity[0]! : 0;
  }

  wake(v: VCpu, now: number): void {
    if (v.state === 'running' || v.state === 'runnable') return;
    v.state = 'runnable';
    v.stateSinceNs = now;
    this.queue.push(v.uid);
    const idle = this.core.s.pcpus.find((p) => p.curr < 0 && allowed(v, p.id));
    if (idle) this.schedule(idle.id, now);
  }

  sleep(v: VCpu, to: 'blocked' | 'offline', now: number): void {
    if (v.state === 'running') {
      this.core.account(v, now);
      v.state = to;
      this.schedule(v.cpu, now);
      return;
    }
    if (v.state === 'runnable') this.queue.splice(this.queue.indexOf(v.uid), 1);
    v.state = to;
    v.stateSinceNs = now;
  }

  /** The runner goes to the back of the queue; the first queued vCPU allowed here runs for a slice. */
  private schedule(cpu: number, now: number): void {
    const p = this.core.s.pcpus[cpu]!;
    const prev = p.curr >= 0 ? this.vcpu(p.curr) : null;
    if (prev) {
      this.core.account(prev, now);
      prev.stateSinceNs = now;
      if (prev.state === 'running') {
        prev.state = 'runnable';
        this.queue.push(prev.uid);
      }
    }
    const i = this.queue.findIndex((uid) => allowed(this.vcpu(uid), cpu));
    if (i < 0) {
      p.curr = -1;
      p.timerSeq = 0;
      return;
    }
    const next = this.vcpu(this.queue.splice(i, 1)[0]!);
    p.curr = next.uid;
    next.cpu = cpu;
    next.state = 'running';
    next.stateSinceNs = now;
    next.chargedToNs = now;
    this.sliceEnd[cpu] = now + SLICE_NS;
    this.core.armDecision(cpu, next, now, this.sliceEnd[cpu]!);
  }

  decide(cpu: number, now: number, armed: number): void {
    const p = this.core.s.pcpus[cpu]!;
    if (p.timerSeq === armed && now >= this.sliceEnd[cpu]!) this.schedule(cpu, now);
    else this.core.armDecision(cpu, this.vcpu(p.curr), now, this.sliceEnd[cpu]!);
  }

  timer(): void {}

  /** Off its pCPU or the queue, then woken again where it may run. */
  migrate(v: VCpu, now: number): void {
    if (allowed(v, v.cpu)) return;
    const was = v.state;
    if (was === 'running' || was === 'runnable') this.sleep(v, 'blocked', now);
    v.cpu = v.affinity![0]!;
    if (was === 'running' || was === 'runnable') this.wake(v, now);
  }

  domainParams(): SchedParams {
    return {};
  }

  adjustDomain(_domid: number, p: SchedParams): void {
    onlyKeys(p, []);
  }

  globalParams(): SchedParams {
    return { slice_ms: SLICE_NS / 1e6 };
  }

  adjustGlobal(p: SchedParams): void {
    onlyKeys(p, []);
  }

  describe(): { label: string; fields: Record<string, string | number> } {
    return { label: 'rr', fields: {} };
  }

  queued(cpu: number): number[] {
    return this.queue.filter((uid) => this.vcpu(uid).cpu === cpu);
  }

  saveParams(): object {
    return { sliceMs: SLICE_NS / 1e6 };
  }

  save(): object {
    return { queue: [...this.queue], sliceEnd: [...this.sliceEnd] };
  }

  load(_params: unknown, priv: unknown): void {
    const s = priv as { queue: number[]; sliceEnd: number[] };
    this.queue = [...s.queue];
    this.sliceEnd = [...s.sliceEnd];
  }

  reset(): void {
    this.queue = [];
    this.sliceEnd = this.core.s.pcpus.map(() => 0);
  }

  check(): string[] {
    return this.queue
      .filter((uid) => this.vcpu(uid)?.state !== 'runnable')
      .map((uid) => `vCPU ${uid} queued, not runnable`);
  }
}

const pvm = (r: { data: Record<string, unknown> }, name: string): PvmRun =>
  (r.data.pvms as PvmRun[]).find((x) => x.name === name)!;

describe('a third policy, added by implementing SchedPolicy only', () => {
  beforeAll(() => registerPolicy('rr', (core) => new RoundRobin(core)));
  afterAll(() => unregisterPolicy('rr'));

  it('is chosen by the host key sched, and the core runs it: two hogs on one pCPU get half each', () => {
    expect(policyNames()).toEqual(['credit', 'credit2', 'rr']);
    // The host file parser takes the new name (its check reads the registry).
    expect(hostFromCfg(parseCfg('sched = "rr"\npcpus = 1', 'rr.cfg'), 'rr.cfg').raw.sched).toBe('rr');
    const sh = makeShell({ pcpus: 1, boot: [], raw: { sched: 'rr' } });
    expect(ok(sh, 'info xen_scheduler').text).toBe('rr');
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b');
    const r = ok(sh, 'run 1s');
    expect(pvm(r, 'a').cpu_ns).toBe(500e6);
    expect(pvm(r, 'b').cpu_ns).toBe(500e6);
    expect(ok(sh, 'list').text).toMatch(/^[ab] +\d +2 +1 +r----- /m);
  });

  it('serves requests, pauses, pins, and saves and restores through the core alone', () => {
    const sh = makeShell({ pcpus: 2, boot: ['web', 'redis'], raw: { sched: 'rr' } });
    ok(sh, 'create empty workload=cpu name=hog; fork web 2; run 2s; pause web.1; vcpu-pin hog 0 1; run 1s');
    const r = ok(sh, 'run 3s');
    expect(pvm(r, 'web').requests).toBeGreaterThan(5);
    expect(pvm(r, 'web.1').requests).toBe(0);
    expect((r.data.pcpu_busy_pct as number[])[1]).toBe(100);
    const v = (ok(sh, 'vcpu-list hog').data.vcpus as { cpu: number }[])[0]!;
    expect(v.cpu).toBe(1);
    const snap = JSON.parse(JSON.stringify(sh.hv.save()));
    expect(snap.subsystems.sched.scheduler).toBe('rr');
    const hv = newEngine(snap.host);
    hv.load(snap);
    expect(JSON.stringify(hv.save())).toBe(JSON.stringify(snap));
  });

  it('has no xl command of its own: sched-credit and sched-credit2 refuse, naming it', () => {
    const sh = makeShell({ pcpus: 1, boot: [], raw: { sched: 'rr' } });
    expect(err(sh, 'sched-credit', 'EINVAL')).toBe(
      'libxl_domain_sched_params_get returned rr not credit: this host runs the rr scheduler (set sched = "credit" in the host file)',
    );
    err(sh, 'sched-credit2 -d Domain-0', 'EINVAL');
  });
});

describe('the policy registry', () => {
  it('is a table keyed by name: a name taken is refused, a name unknown is an error naming the others', () => {
    expect(() => registerPolicy('credit', (core) => new RoundRobin(core))).toThrow(/already registered/);
    expect(() => newEngine({ raw: { sched: 'fifo' } })).toThrow(
      "sched: no scheduler named 'fifo' (there are credit, credit2)",
    );
    expect(() => unregisterPolicy('credit2')).toThrow(/built in/);
  });
});
