// XenStore as a mechanism: the paths xl and the backends make per domain, the watches they hold, each
// request's cost following what the store holds, and Fig. 5's superlinear boots from that alone.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { COSTS, PRIMITIVES } from '../../src/engine/cost.js';
import { err, makeShell, memoryIO, ok, run, stateOf } from '../helpers.js';

const XS = { toolstack: 'xs' as const };

describe('XenStore on an xs host', () => {
  it('xenstore-ls shows the paths of a booted web, as xl and the backends made them', () => {
    const sh = makeShell(XS);
    const ls = ok(sh, 'xenstore-ls /local/domain/1').text.split('\n');
    expect(ls[0]).toMatch(/^vm = "\/vm\/[0-9a-f-]{36}"$/);
    expect(ls).toContain('name = "web"');
    for (const l of [
      ' static-max = "8192"',
      '   backend = "/local/domain/0/backend/vif/1/0"',
      '   state = "4"',
      ' type = "xenconsoled"',
    ])
      expect(ls).toContain(l);
    const top = ok(sh, 'xenstore-ls').text.split('\n');
    expect(top.filter((l) => !l.startsWith(' '))).toEqual(['tool = ""', 'local = ""', 'vm = ""', 'libxl = ""']);
    expect(ok(sh, 'xenstore-read /local/domain/0/backend/vif/1/0/hotplug-status').text).toBe('connected');
    expect(ok(sh, 'xenstore-ls -p /local/domain/1/control').text).toMatch(/^shutdown = "" [. ]+ \(n1\)$/m);
    expect(err(sh, 'xenstore-ls /local/domain/99', 'ENOENT')).toBe(
      'xs_directory (/local/domain/99): No such file or directory',
    );
    expect(err(sh, 'xenstore-read /nope', 'ENOENT')).toBe("couldn't read path /nope");
  });

  it('on a noxs host there is no XenStore: the tools say so, and boots charge nothing of it', () => {
    const sh = makeShell();
    expect(err(sh, 'xenstore-ls', 'ENOENT')).toMatch(/toolstack is "noxs" \(LightVM\): there is no XenStore/);
    const c = ok(sh, 'create daytime');
    expect(c.cost!.terms.map((t) => t.name)).not.toContain('xs_op');
  });

  it("a boot's XenStore cost is its messages and walked entries, and grows with the domains already there", () => {
    const sh = makeShell({ ...XS, boot: [] });
    const first = ok(sh, 'create daytime');
    const xsOf = (r: ReturnType<typeof ok>) => r.cost!.terms.filter((t) => t.name.startsWith('xs_'));
    expect(xsOf(first).map((t) => t.name)).toEqual(['xs_op', 'xs_visit']);
    ok(sh, 'fork daytime 150');
    const later = ok(sh, 'create daytime');
    const count = (r: ReturnType<typeof ok>, n: string) => r.cost!.terms.find((t) => t.name === n)!.count;
    // libxl_name_to_domid reads one name per domain: 151 more messages, and every request walks more.
    expect(count(later, 'xs_op') - count(first, 'xs_op')).toBeGreaterThanOrEqual(150);
    expect(count(later, 'xs_visit')).toBeGreaterThan(20 * count(first, 'xs_visit'));
    expect(later.latencyUs!).toBeGreaterThan(first.latencyUs! + 150 * COSTS.xs_op.us);
  });

  it('no constant of cost.ts grows with domains by itself: the growth is the mechanism', () => {
    for (const p of PRIMITIVES) expect(COSTS[p].per, p).not.toMatch(/live|squared/);
  });

  it('destroy removes the domain, its backends and its watches; a write that a watch covers sends events', () => {
    const sh = makeShell(XS);
    const nodes = sh.hv.xs.store.nodes.size;
    const watches = sh.hv.xs.store.watches;
    ok(sh, 'create daytime name=d1');
    expect(sh.hv.xs.store.nodes.size).toBeGreaterThan(nodes);
    const d1 = sh.hv.lookup('d1').domid;
    const plain = ok(sh, `xenstore-write /local/domain/${d1}/data/x 1`);
    const watched = ok(sh, `xenstore-write /local/domain/${d1}/control/shutdown poweroff`);
    // The guest watches control/shutdown: its event is one more message.
    expect(watched.cost!.terms.find((t) => t.name === 'xs_op')!.count).toBe(
      plain.cost!.terms.find((t) => t.name === 'xs_op')!.count + 1,
    );
    ok(sh, 'destroy d1');
    expect(sh.hv.xs.store.nodes.has(`/local/domain/${d1}`)).toBe(false);
    expect(sh.hv.xs.store.nodes.has(`/local/domain/0/backend/vif/${d1}`)).toBe(false);
    expect(sh.hv.xs.store.watches).toBe(watches);
  });

  it('save and restore keep the store; bad writes are refused and change nothing', () => {
    const io = memoryIO();
    const sh = makeShell(XS, io);
    ok(sh, 'fork web 2; xenstore-write /local/domain/1/data/greeting "hello world"; snapshot save s.json');
    const before = ok(sh, 'xenstore-ls -p').text;
    ok(sh, 'snapshot restore s.json');
    expect(ok(sh, 'xenstore-ls -p').text).toBe(before);
    expect(err(sh, 'xenstore-write /a//b 1', 'EINVAL')).toMatch(/not a XenStore path/);
    expect(err(sh, 'xenstore-write /a', 'EUSAGE')).toMatch(/has no value/);
  });

  it('random lifecycles on an xs host keep every invariant (check() after each command)', () => {
    const cmd = fc.constantFrom(
      'create daytime',
      'fork web',
      'fork daytime 2',
      'destroy web.1',
      'destroy daytime',
      'kill -KILL web.1',
      'exit web.1 0',
      'wait web',
      'create web --recycle',
      'xenstore-write /local/domain/1/data/k v',
      'xenstore-ls /local/domain/2',
    );
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 12 }), (cmds) => {
        const sh = makeShell(XS);
        for (const c of cmds) run(sh, c);
        expect(stateOf(sh)).toContain('"xs"');
      }),
      { numRuns: 40 },
    );
  });
});

describe('Fig. 5 from the XenStore model', () => {
  const rows = ok(makeShell(), 'bench fig5').data.rows as BenchRow[];
  const at = (id: string) => rows.find((r) => r.id === id)!;

  it("gives the paper's three points within 10% with two fitted constants, and predicts 2000 boots", () => {
    for (const n of [100, 500, 1000]) expect(Math.abs(at(`fig5.xs.${n}`).ratio! - 1), `${n}`).toBeLessThanOrEqual(0.1);
    expect(at('fig5.xs.500').kind).toBe('predicted');
    const fitted = new Set(
      PRIMITIVES.filter((p) =>
        (COSTS[p] as { calibrates?: readonly string[] }).calibrates?.some((c) => c.startsWith('fig5.')),
      ),
    );
    expect([...fitted].sort()).toEqual(['xs_op', 'xs_visit']);
    const p2000 = at('fig5.xs.2000');
    expect(p2000.kind).toBe('derived');
    // Superlinear: doubling the pVMs more than doubles the total, by more each time.
    const t = [100, 500, 1000, 2000].map((n) => at(`fig5.xs.${n}`).model!);
    expect(t[3]! / t[2]!).toBeGreaterThan((t[2]! / t[1]!) * 0.9);
    expect(t[3]! / t[2]!).toBeGreaterThan(3);
    // noxs stays linear (LightVM).
    expect(at('fig5.noxs.1000').model!).toBeLessThan(5);
  });

  it('xs_op and xs_visit are the solution of the two fitted cells (counts from the explanations)', () => {
    const a = at('fig5.xs.100');
    const b = at('fig5.xs.1000');
    const counts = (r: BenchRow, n: string) => r.cost!.terms.find((t) => t.name === n)!.count;
    const rest = (r: BenchRow) => r.cost!.terms.filter((t) => !t.name.startsWith('xs_')).reduce((s, t) => s + t.us, 0);
    const [a1, a2, b1, b2] = [counts(a, 'xs_op'), counts(a, 'xs_visit'), counts(b, 'xs_op'), counts(b, 'xs_visit')];
    const ya = a.paper! * 1e6 - rest(a);
    const yb = b.paper! * 1e6 - rest(b);
    const det = a1 * b2 - a2 * b1;
    expect((ya * b2 - yb * a2) / det / COSTS.xs_op.us).toBeCloseTo(1, 3);
    expect((a1 * yb - b1 * ya) / det / COSTS.xs_visit.us).toBeCloseTo(1, 2);
  });

  it('cost xs_op=<half> halves the messages part of every xs boot (a what-if bench boot shows)', () => {
    const sh = makeShell();
    const base = (ok(sh, 'bench boot').data.rows as BenchRow[]).find((r) => r.id === 'fig5.xs.1000')!;
    ok(sh, `cost xs_op=${COSTS.xs_op.us / 2}`);
    const half = (ok(sh, 'bench boot').data.rows as BenchRow[]).find((r) => r.id === 'fig5.xs.1000')!;
    const msgs = base.cost!.terms.find((t) => t.name === 'xs_op')!;
    expect(half.overridden).toEqual(['xs_op']);
    expect(half.cost!.total_us).toBeCloseTo(base.cost!.total_us - msgs.us / 2, -1);
  });
});
