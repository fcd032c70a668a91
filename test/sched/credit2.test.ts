// The credit2 policy (sched = "credit2"), each test from a rule of Xen's xen/common/sched/credit2.c,
// named in the test. Hosts: the one-pCPU twin (examples/hosts/one-pcpu-credit2.cfg) and the default
// 6-pCPU host running credit2 (examples/hosts/credit2.cfg).
import fc from 'fast-check';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Shell } from '../../src/commands/shell.js';
import { arrangeRunqueues, CARRYOVER_MAX, CREDIT_INIT } from '../../src/engine/sched/credit2-state.js';
import { newEngine } from '../../src/engine/index.js';
import { hostFromCfg } from '../../src/engine/config.js';
import { parseCfg, type HostConfig } from '../../src/engine/image.js';
import type { PvmRun } from '../../src/engine/sched/report.js';
import { loadHost } from '../../src/host-io.js';
import { err, IMAGES, makeShell, memoryIO, ok, run, said } from '../helpers.js';

const HOSTS = resolve(import.meta.dirname, '..', '..', 'examples', 'hosts');
const ONE_PCPU = loadHost(join(HOSTS, 'one-pcpu-credit2.cfg'));
const SIX_PCPUS = loadHost(join(HOSTS, 'credit2.cfg'));

/** A host file's config with some keys changed (as if written in the file). */
function withKeys(h: HostConfig, keys: Record<string, string | number | string[]>): Partial<HostConfig> {
  return { ...h, ...keys, raw: { ...h.raw, ...keys } };
}

function pvm(r: { data: Record<string, unknown> }, name: string): PvmRun {
  const p = (r.data.pvms as PvmRun[]).find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} in run's report`);
  return p;
}

interface Vcpu {
  name: string;
  vcpu: number;
  cpu: number;
  state: string;
  credit: number;
  runqueue: number;
  budget?: number;
}

const vcpus = (sh: Shell, names = ''): Vcpu[] => ok(sh, `vcpu-list ${names}`).data.vcpus as Vcpu[];
const stateOf = (sh: Shell, name: string): string => vcpus(sh, name)[0]!.state;

describe('credit2: credit and weight', () => {
  it('burns credit at max_weight/weight per ns (t2c_update): weights 512:256 get 2:1 of one pCPU over 60 s, within 2%', () => {
    const sh = makeShell(ONE_PCPU);
    expect(ok(sh, 'info xen_scheduler').text).toBe('credit2');
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; sched-credit2 -d a -w 512');
    const r = ok(sh, 'run 60s');
    const ratio = pvm(r, 'a').cpu_ns / pvm(r, 'b').cpu_ns;
    expect(ratio).toBeGreaterThan(2 * 0.98);
    expect(ratio).toBeLessThan(2 * 1.02);
    expect(pvm(r, 'a').cpu_ns + pvm(r, 'b').cpu_ns).toBe(60e9);
  });

  it('gives equal weights equal shares, and the runqueue is ordered by credit (runq_insert)', () => {
    const sh = makeShell(ONE_PCPU);
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; create empty workload=cpu name=c');
    const r = ok(sh, 'run 30s');
    for (const n of ['a', 'b', 'c']) expect(Math.abs(pvm(r, n).cpu_pct - 100 / 3)).toBeLessThan(0.5);
    expect(sh.hv.check()).toEqual([]); // includes: every runqueue in non-increasing credit order
  });

  it('resets credit when the vCPU about to run has none (CSCHED2_CREDIT_RESET): everyone gets CREDIT_INIT, clipped at CREDIT_INIT + CARRYOVER_MAX', () => {
    const sh = makeShell(ONE_PCPU);
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b');
    // New vCPUs start with CREDIT_INIT (csched2_alloc_udata).
    expect(vcpus(sh).map((v) => v.credit)).toEqual([CREDIT_INIT, CREDIT_INIT, CREDIT_INIT]);
    ok(sh, 'run 1s');
    const v = vcpus(sh);
    // Domain-0 never runs: each reset adds CREDIT_INIT and the clip holds it at the maximum carried over.
    expect(v[0]!.credit).toBe(CREDIT_INIT + CARRYOVER_MAX);
    for (const x of v.slice(1)) {
      expect(x.credit).toBeLessThanOrEqual(CREDIT_INIT + CARRYOVER_MAX);
      expect(x.credit).toBeGreaterThan(-CREDIT_INIT);
    }
  });
});

describe('credit2: caps as budgets', () => {
  it('holds a CPU-bound pVM capped at 50 to 50% of one pCPU, within 2 points (budget replenished every CSCHED2_BDGT_REPL_PERIOD)', () => {
    const sh = makeShell(SIX_PCPUS);
    ok(sh, 'create empty workload=cpu name=hog; sched-credit2 -d hog -c 50');
    const r = ok(sh, 'run 60s');
    expect(Math.abs(pvm(r, 'hog').cpu_pct - 50)).toBeLessThanOrEqual(2);
    ok(sh, 'sched-credit2 -d hog -c 0');
    expect(pvm(ok(sh, 'run 10s'), 'hog').cpu_pct).toBeGreaterThan(99);
  });

  it('caps a domain, not a vCPU: two vCPUs capped at 150 share 150% (the domain-wide budget pool)', () => {
    const sh = makeShell(SIX_PCPUS);
    ok(sh, 'create empty workload=cpu vcpus=2 name=hog; sched-credit2 -d hog -c 150');
    expect(Math.abs(pvm(ok(sh, 'run 30s'), 'hog').cpu_pct - 150)).toBeLessThanOrEqual(3);
  });

  it('parks a vCPU whose domain has no budget left (park_unit) and unparks it at the replenishment', () => {
    const sh = makeShell(ONE_PCPU);
    ok(sh, 'create empty workload=cpu name=hog; sched-credit2 -d hog -c 10');
    // 10% of a 10 ms period is 1 ms of budget; the quota is at least CSCHED2_MIN_TIMER (500 µs).
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      ok(sh, 'run 500us');
      seen.add(stateOf(sh, 'hog'));
    }
    expect(seen).toEqual(new Set(['running', 'offline']));
    expect(schedPanelLabel(sh, 'hog')).toMatch(/^(parked|[+-]\d+\.\dms)$/);
    expect(vcpus(sh, 'hog')[0]!.budget).toBeDefined();
  });

  it('keeps a forked child of a capped domain capped (it inherits weight and cap)', () => {
    const sh = makeShell(SIX_PCPUS);
    ok(sh, 'create empty workload=cpu name=hog; sched-credit2 -d hog -c 30 -w 400; fork hog');
    expect(ok(sh, 'sched-credit2 -d hog.1').data).toMatchObject({ weight: 400, cap: 30 });
    expect(Math.abs(pvm(ok(sh, 'run 20s'), 'hog.1').cpu_pct - 30)).toBeLessThanOrEqual(2);
  });
});

function schedPanelLabel(sh: Shell, name: string): string {
  const sched = sh.hv.sched;
  return sched.describe(sched.vcpusOf(sh.hv.lookup(name))[0]!).label;
}

describe('credit2: wake-up preemption (runq_tickle)', () => {
  it('a woken vCPU with more credit preempts a runner that has run its rate limit (tickle_score, is_preemptable)', () => {
    const sh = makeShell(ONE_PCPU);
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; pause b; run 5ms');
    expect(stateOf(sh, 'a')).toBe('running');
    ok(sh, 'unpause b');
    // b has CREDIT_INIT, a 5 ms less after 5 ms alone: b preempts at once.
    expect(stateOf(sh, 'b')).toBe('running');
    expect(stateOf(sh, 'a')).toBe('runnable');
  });

  it('does not preempt a runner inside its rate limit, and does not tickle again when it ends: the woken waits for the slice (csched2_runtime)', () => {
    const sh = makeShell(ONE_PCPU);
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; pause b; run 5ms');
    ok(sh, 'pause a; unpause a'); // a starts a new slice now, with 5 ms of credit left: a 5 ms slice
    ok(sh, 'unpause b');
    expect(stateOf(sh, 'a')).toBe('running');
    ok(sh, 'run 2ms'); // past the 1 ms rate limit, still inside a's slice
    expect(stateOf(sh, 'a')).toBe('running');
    expect(stateOf(sh, 'b')).toBe('runnable');
    ok(sh, 'run 3ms'); // the slice ends with a's credit at the reset value: b runs
    expect(stateOf(sh, 'b')).toBe('running');
  });

  it('with the rate limit off (sched_ratelimit_us = 0), the woken vCPU preempts at once', () => {
    const sh = makeShell(withKeys(ONE_PCPU, { sched_ratelimit_us: 0 }));
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; pause b; run 5ms; pause a; unpause a');
    ok(sh, 'unpause b');
    expect(stateOf(sh, 'b')).toBe('running');
  });

  it('keeps an http appliance among CPU hogs about as fast as credit1 with BOOST, far faster than credit1 without it', () => {
    const median = (host: Partial<HostConfig>): number => {
      const sh = makeShell(host);
      ok(sh, 'create empty workload=cpu name=h1; create empty workload=cpu name=h2; create empty workload=cpu name=h3');
      return pvm(ok(sh, 'run 60s'), 'web').median_us!;
    };
    const base = { pcpus: 2, boot: ['web'] };
    const credit2 = median({ ...base, raw: { sched: 'credit2' } });
    const boost = median({ ...base, raw: {} });
    const noBoost = median({ ...base, raw: { sched_credit_boost: 0 } });
    expect(credit2).toBeLessThan(1000);
    expect(credit2).toBeLessThan(2 * boost);
    expect(credit2 * 10).toBeLessThan(noBoost);
  });
});

describe('credit2: runqueues, load balancing, affinity', () => {
  it('arranges runqueues as credit2_runqueue says (cpu_add_to_runqueue) on a one-socket host of one-thread cores', () => {
    expect(arrangeRunqueues(6, 'socket', 16)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arrangeRunqueues(6, 'all', 16)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arrangeRunqueues(6, 'node', 16)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arrangeRunqueues(6, 'core', 16)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(arrangeRunqueues(6, 'cpu', 16)).toEqual([0, 1, 2, 3, 4, 5]);
    // sched_credit2_max_cpus_runqueue: at most that many per runqueue, spread evenly.
    expect(arrangeRunqueues(6, 'socket', 4)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(arrangeRunqueues(20, 'socket', 16)).toEqual([...Array(10).fill(0), ...Array(10).fill(1)]);
    // The default host: one runqueue (Xen's default, socket).
    const sh = makeShell(SIX_PCPUS);
    expect(new Set(vcpus(sh).map((v) => v.runqueue))).toEqual(new Set([0]));
  });

  it('balances load between runqueues (balance_load): two hogs left on one runqueue of a per-pCPU arrangement spread out', () => {
    const sh = makeShell(withKeys(SIX_PCPUS, { credit2_runqueue: 'cpu', boot: [] }));
    for (let i = 1; i <= 12; i++) ok(sh, `create empty workload=cpu name=h${i}`);
    ok(sh, 'run 1s');
    // Placement by res_pick spreads 12 hogs two per runqueue; destroy all but four, two of which share one.
    const byRq = new Map<number, string[]>();
    for (const v of vcpus(sh).filter((x) => x.name.startsWith('h')))
      byRq.set(v.runqueue, [...(byRq.get(v.runqueue) ?? []), v.name]);
    expect([...byRq.values()].every((names) => names.length === 2)).toBe(true);
    const [pair, ...rest] = [...byRq.values()];
    const keep = new Set([...pair!, rest[0]![0]!, rest[1]![0]!]);
    for (let i = 1; i <= 12; i++) if (!keep.has(`h${i}`)) ok(sh, `destroy h${i}`);
    const r = ok(sh, 'run 5s');
    for (const n of keep) expect(pvm(r, n).cpu_pct).toBeGreaterThan(95);
    expect(
      new Set(
        vcpus(sh)
          .filter((v) => keep.has(v.name))
          .map((v) => v.runqueue),
      ).size,
    ).toBe(4);
  });

  it('keeps a pinned vCPU on its pCPU (hard affinity) and moves it when the pin changes', () => {
    const sh = makeShell(SIX_PCPUS);
    ok(sh, 'create empty workload=cpu name=hog; vcpu-pin hog 0 3');
    let r = ok(sh, 'run 2s');
    expect(r.data.pcpu_busy_pct as number[]).toMatchObject({ 3: 100 });
    ok(sh, 'vcpu-pin hog 0 5');
    expect(vcpus(sh, 'hog')[0]).toMatchObject({ cpu: 5, state: 'running' });
    r = ok(sh, 'run 1s');
    expect((r.data.pcpu_busy_pct as number[])[5]).toBe(100);
  });
});

describe('credit2: determinism, snapshots, invariants', () => {
  const session =
    'fork web 3; fork redis 2; create empty workload=cpu name=hog; sched-credit2 -d hog -c 40; run 10s; pause web.2; kill web.1; run 5s; vcpu-pin redis 0 1; sched-credit2 -d web -w 1000; run 2s; vcpu-list; top -b';

  it('gives the same bytes for the same seed and commands, and different ones for another seed', () => {
    const textOf = (seed: number): string =>
      run(makeShell({ ...SIX_PCPUS, seed }), session)
        .map((o) => (o.ok ? o.result.text + JSON.stringify(o.result.data) : o.error.message))
        .join('\n');
    expect(textOf(7)).toBe(textOf(7));
    expect(textOf(7)).not.toBe(textOf(8));
  });

  it('continues identically from a saved state', () => {
    const a = makeShell(withKeys(SIX_PCPUS, { credit2_runqueue: 'core' }));
    ok(
      a,
      'fork web 2; create empty workload=cpu name=hog; sched-credit2 -d hog -c 30; run 3s; pause web.1; run 1234ms',
    );
    const snap = JSON.parse(JSON.stringify(a.hv.save()));
    expect(snap.subsystems.sched.scheduler).toBe('credit2');
    const hv = newEngine(snap.host);
    hv.load(snap);
    const b = new Shell({ host: snap.host, images: IMAGES, io: memoryIO(), engine: hv });
    expect(JSON.stringify(b.hv.save())).toBe(JSON.stringify(a.hv.save()));
    const more = 'run 7s; unpause web.1; fork redis 2; run 2s; vcpu-list; top -b -i 2 -d 1';
    expect(run(b, more).map(said)).toEqual(run(a, more).map(said));
  });

  it('refuses a state whose scheduler is not the host one', () => {
    const snap = JSON.parse(JSON.stringify(makeShell(SIX_PCPUS).hv.save()));
    snap.subsystems.sched.scheduler = 'credit';
    const hv = newEngine(snap.host);
    expect(() => hv.load(snap)).toThrow(/sched\.scheduler must be "credit2"/);
  });

  it('keeps every invariant while time runs between forks, kills, pauses, pins, weights and caps, on every arrangement', () => {
    const step = fc.oneof(
      fc.integer({ min: 1, max: 400 }).map((ms) => `run ${ms}ms`),
      fc.constantFrom('web', 'redis', 'dns').map((p) => `fork ${p}`),
      fc
        .constantFrom('web.1', 'redis.1', 'web.2', 'dns.1', 'hog', 'web.1.1')
        .chain((p) =>
          fc.constantFrom(
            `kill ${p}`,
            `pause ${p}`,
            `unpause ${p}`,
            `destroy ${p}`,
            `fork ${p}`,
            `vcpu-pin ${p} 0 1-2`,
            `vcpu-pin ${p} all all`,
            `sched-credit2 -d ${p} -c 20`,
            `sched-credit2 -d ${p} -c 0`,
            `sched-credit2 -d ${p} -w 1000`,
            `wait ${p}`,
          ),
        ),
      fc.constant('create empty workload=cpu vcpus=2 name=hog'),
      fc.constant('sched-credit2 -s -r 0'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('socket', 'core', 'cpu'),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        (arrangement, steps) => {
          const sh = makeShell(withKeys(SIX_PCPUS, { credit2_runqueue: arrangement }));
          for (const s of steps) run(sh, s); // run() checks invariants after each and that failures change nothing
          run(sh, 'run 100ms');
        },
      ),
      { numRuns: 40, seed: 5 },
    );
  });
});

describe('sched-credit2 and sched-credit on each scheduler', () => {
  it("prints xl's formats: the pool line, then Name ID Weight Cap rows", () => {
    const sh = makeShell(SIX_PCPUS);
    const lines = ok(sh, 'sched-credit2').text.split('\n');
    expect(lines[0]).toBe('Cpupool Pool-0: ratelimit=1000us');
    expect(lines[1]).toBe('Name                                ID Weight  Cap');
    expect(lines[2]).toBe('Domain-0                             0    256    0');
    expect(ok(sh, 'sched-credit2 -d web -w 512 -c 75').text.split('\n')[1]).toBe(
      'web                                  1    512   75',
    );
    expect(ok(sh, 'sched-credit2 -s -r 500').text).toBe('Cpupool Pool-0: ratelimit=500us');
    expect(ok(sh, 'sched-credit2 -s').data).toEqual({ pool: 'Pool-0', ratelimit_us: 500 });
    expect(ok(sh, 'sched-credit2 -p Pool-0').text.split('\n')[0]).toBe('Cpupool Pool-0: ratelimit=500us');
  });

  it("refuses bad values with libxl's messages and bad option mixes as xl does, changing nothing", () => {
    const sh = makeShell(SIX_PCPUS);
    expect(err(sh, 'sched-credit2 -d web -w 0', 'EINVAL')).toBe(
      'Domain 1:Cpu weight out of range, valid values are within range from 1 to 65535; libxl_domain_sched_params_set failed.',
    );
    expect(err(sh, 'sched-credit2 -d web -c 101', 'EINVAL')).toBe(
      'Domain 1:Cpu cap out of range, valid range is from 0 to 100 for specified number of vcpus; libxl_domain_sched_params_set failed.',
    );
    expect(err(sh, 'sched-credit2 -s -r 50', 'EINVAL')).toBe(
      'Ratelimit out of range, valid range is from 100 to 500000; libxl_sched_credit2_params_set failed.',
    );
    expect(err(sh, 'sched-credit2 -p Pool-1', 'ENOENT')).toBe("unknown cpupool 'Pool-1' (this host has Pool-0)");
    expect(err(sh, 'sched-credit2 -p Pool-0 -d web', 'EINVAL')).toMatch(/^Specifying a cpupool is not allowed/);
    expect(err(sh, 'sched-credit2 -w 300', 'EINVAL')).toMatch(/^Must specify a domain/);
    err(sh, 'sched-credit2 -r 300', 'EINVAL');
    err(sh, 'sched-credit2 -d web -w heavy', 'EUSAGE');
    err(sh, 'sched-credit2 -d wbe', 'ENOENT');
  });

  it('fails on the other scheduler as xl does (libxl_domain_sched_params_get returned ...), saying which command to use', () => {
    const c1 = makeShell();
    expect(err(c1, 'sched-credit2', 'EINVAL')).toBe(
      'libxl_domain_sched_params_get returned credit not credit2: this host runs the credit scheduler (use sched-credit, or set sched = "credit2" in the host file)',
    );
    err(c1, 'sched-credit2 -d web -w 512', 'EINVAL');
    const c2 = makeShell(SIX_PCPUS);
    expect(err(c2, 'sched-credit -d web', 'EINVAL')).toMatch(
      /^libxl_domain_sched_params_get returned credit2 not credit:/,
    );
    expect(ok(makeShell(), 'info xen_scheduler').text).toBe('credit');
  });

  it('refuses a host file naming a scheduler that does not exist, with the ones that do', () => {
    expect(() => hostFromCfg(parseCfg('pcpus = 2\nsched = "fifo"', 'h.cfg'), 'h.cfg')).toThrow(
      'h.cfg:2: sched must be one of "credit", "credit2", not "fifo"',
    );
    expect(() => hostFromCfg(parseCfg('credit2_runqueue = "die"', 'h.cfg'), 'h.cfg')).toThrow(
      /credit2_runqueue must be one of "cpu", "core", "socket", "node", "all"/,
    );
  });
});
