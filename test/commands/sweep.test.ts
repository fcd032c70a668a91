// bench sweep in one process (the test shell's host has no worker pool, so points run one after another
// on sandboxes): parameters and points, what each kind of parameter reaches, the rows against the same
// work done by hand, scripts and their failures, CSV, and every mistake as a one-line error that
// changes nothing. The worker pool, --plot and the CSV across worker counts are in sweep-cli.test.ts.

import { describe, expect, it } from 'vitest';
import { checkDistinct, parseParam, pointsOf } from '../../src/commands/bench/sweep-params.js';
import { checkCosts, type MakeSandbox } from '../../src/commands/bench/sweep-point.js';
import { sweepJob } from '../../src/commands/bench/sweep.js';
import type { BenchRow } from '../../src/commands/bench/types.js';
import { err, IMAGES, makeShell, memoryIO, ok } from '../helpers.js';

interface SweepData {
  target: string;
  params: string[];
  points: {
    values: Record<string, number | string>;
    ok: boolean;
    rows?: { series: string; unit: string; model: number | null; paper: number | null; ratio: number | null }[];
    error?: { code: string; message: string };
  }[];
}

const sweepData = (line: string, files: Record<string, string> = {}): SweepData =>
  ok(makeShell({}, memoryIO(files)), line).data as unknown as SweepData;

const modelOf = (d: SweepData, i: number, series: string): number | null | undefined =>
  d.points[i]!.rows!.find((r) => r.series === series)?.model;

describe('sweep parameters', () => {
  it('a range gives A, A+STEP, ... up to B, rounded to the step (no float noise)', () => {
    expect(parseParam('n=100..500:200', IMAGES).values).toEqual([100, 300, 500]);
    expect(parseParam('n=1..4', IMAGES).values).toEqual([1, 2, 3, 4]);
    expect(parseParam('cost.x=0.1..0.5:0.1', IMAGES).values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseParam('n=1..10:4', IMAGES).values).toEqual([1, 5, 9]);
  });

  it('a list gives its words, numbers as numbers', () => {
    expect(parseParam('host.toolstack=xs,noxs', IMAGES).values).toEqual(['xs', 'noxs']);
    expect(parseParam('n=3,1,2.5', IMAGES).values).toEqual([3, 1, 2.5]);
  });

  it('the name says where the value goes', () => {
    expect(parseParam('host.pcpus=1..2', IMAGES).target).toEqual({ kind: 'host', key: 'pcpus' });
    expect(parseParam('image.web.memory=8,16', IMAGES).target).toEqual({ kind: 'image', image: 'web', key: 'memory' });
    expect(parseParam('cost.xs_op=1,2', IMAGES).target).toEqual({ kind: 'cost', key: 'xs_op' });
    expect(parseParam('n=1,2', IMAGES).target).toEqual({ kind: 'count', key: 'n' });
  });

  it('points are every combination, the first parameter varying slowest', () => {
    const ps = [parseParam('a=1..2', IMAGES), parseParam('host.toolstack=xs,noxs', IMAGES)];
    expect(pointsOf(ps)).toEqual([
      [1, 'xs'],
      [1, 'noxs'],
      [2, 'xs'],
      [2, 'noxs'],
    ]);
  });

  it('mistakes are named, with the fix', () => {
    const bad = (w: string): string => {
      try {
        parseParam(w, IMAGES);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`${w} was accepted`);
    };
    expect(bad('n')).toMatch(/'n' is not PARAM=A\.\.B\[:STEP\]/);
    expect(bad('n=5..1')).toMatch(/runs backwards/);
    expect(bad('n=1..5:0')).toMatch(/step must be more than zero/);
    expect(bad('n=1..100000')).toMatch(/100000 values, more than 10000; take a larger step/);
    expect(bad('hots.pcpus=1..2')).toMatch(/did you mean 'host\.pcpus'\?/);
    expect(bad('host.pcpu=1..2')).toMatch(/no host key 'pcpu' \(did you mean 'pcpus'\?\)/);
    expect(bad('image.wbe.memory=8')).toMatch(/no image named 'wbe' \(did you mean 'web'\?\)/);
    expect(bad('image.web.memroy=8')).toMatch(/no image key 'memroy' \(did you mean 'memory'\?\)/);
    expect(bad('image.web=8')).toMatch(/not of the form image\.NAME\.KEY/);
    expect(bad('n=1..x')).toMatch(/is not A\.\.B\[:STEP\]/);
    expect(() => checkDistinct([parseParam('n=1', IMAGES), parseParam('n=2', IMAGES)])).toThrow(/n is swept twice/);
  });
});

describe('bench sweep of a figure', () => {
  it("fig5 at the paper's counts gives bench boot's Fig. 5 rows, and the paper's cells there", () => {
    const bench = ok(makeShell(), 'bench boot').data.rows as BenchRow[];
    const d = sweepData('bench sweep fig5 n=100,500,1000');
    expect(d.target).toBe('fig5');
    expect(d.params).toEqual(['n']);
    [100, 500, 1000].forEach((n, i) => {
      const row = bench.find((r) => r.case === `${n} pVMs booted in sequence, xs`)!;
      expect(modelOf(d, i, 'KylinX, xs'), `n=${n}`).toBe(row.model);
      const xs = d.points[i]!.rows!.find((r) => r.series === 'KylinX, xs')!;
      expect(xs.paper).toBe(row.paper);
    });
    const noxs = bench.find((r) => r.case === '1000 pVMs booted in sequence, noxs')!;
    expect(modelOf(d, 2, 'KylinX, noxs')).toBe(noxs.model);
    // MiniOS is modeled (its libraries linked into the image); Docker is the paper's only.
    const minios = bench.find((r) => r.id === 'fig5.minios.500')!;
    expect(d.points[1]!.rows!.find((r) => r.series === 'MiniOS, xs')).toMatchObject({
      model: minios.model,
      paper: 127,
    });
    expect(d.points[1]!.rows!.find((r) => r.series === 'Docker (paper only)')).toMatchObject({
      model: null,
      paper: 110,
    });
  });

  it("between the paper's counts there is no paper value, and XenStore makes the total grow faster than n", () => {
    const d = sweepData('bench sweep fig5 n=200..800:300');
    expect(d.points.map((p) => p.values.n)).toEqual([200, 500, 800]);
    expect(d.points[0]!.rows!.find((r) => r.series === 'KylinX, xs')!.paper).toBeNull();
    const xs = [0, 1, 2].map((i) => modelOf(d, i, 'KylinX, xs')!);
    const noxs = [0, 1, 2].map((i) => modelOf(d, i, 'KylinX, noxs')!);
    expect(xs[2]! - xs[1]!).toBeGreaterThan(xs[1]! - xs[0]!);
    // Without XenStore the boots cost the same each: the total is linear in n (to the rounding).
    expect(Math.abs(noxs[2]! - noxs[1]! - (noxs[1]! - noxs[0]!))).toBeLessThanOrEqual(0.02);
  });

  it('a host key reaches the figure: a pool of shells takes shell creation off the fork path', () => {
    const d = sweepData('bench sweep fork host.pool=0,2');
    const redis = 'redis (6 MiB, 1728 pages with libraries), noxs';
    expect(modelOf(d, 1, redis)!).toBeLessThan(modelOf(d, 0, redis)!);
    expect(modelOf(d, 0, redis)).toBe(
      (ok(makeShell(), 'bench fork').data.rows as BenchRow[]).find((r) => r.case === redis)!.model,
    );
  });

  it('an image key reaches the figure: a bigger redis forks slower (every page is shared)', () => {
    const d = sweepData('bench sweep fork image.redis.memory=8,64');
    const at = (i: number) => d.points[i]!.rows!.find((r) => r.series.startsWith('redis ('))!;
    expect(at(0).series).toContain('8 MiB');
    expect(at(1).series).toContain('64 MiB');
    expect(at(1).model!).toBeGreaterThan(at(0).model!);
  });

  it("a figure's own keys, counts it does not have and values out of range are refused, changing nothing", () => {
    const sh = makeShell();
    expect(err(sh, 'bench sweep fig5 host.toolstack=xs,noxs', 'EINVAL')).toMatch(/fig5 sets toolstack itself/);
    expect(err(sh, 'bench sweep fig5 m=1..3', 'EINVAL')).toMatch(/fig5 has no count 'm' \(its counts: n\)/);
    expect(err(sh, 'bench sweep table3 n=1..3', 'EINVAL')).toMatch(/table3 has no counts; sweep host\.KEY/);
    expect(err(sh, 'bench sweep fig5 n=0..2', 'EINVAL')).toMatch(
      /n is pVMs booted in sequence: a whole number 1-10000, not 0/,
    );
    expect(err(sh, 'bench sweep fig55 n=1', 'ENOENT')).toMatch(/no figure 'fig55' \(did you mean 'fig5'\?\)/);
    expect(err(sh, 'bench sweep fig5', 'EUSAGE')).toMatch(/needs at least one PARAM=A\.\.B/);
    expect(err(sh, 'bench sweep', 'EUSAGE')).toMatch(/needs a figure or a script/);
    expect(err(sh, 'bench sweep fork host.pcpus=0,1', 'EINVAL')).toMatch(
      /host\.pcpus=0: pcpus must be at least 1, not 0/,
    );
    expect(err(sh, 'bench sweep fig5 n=1 --read x', 'EUSAGE')).toMatch(/--read reads a script's JSON data/);
    expect(err(sh, 'bench fork --csv x.csv', 'EUSAGE')).toMatch(/--csv is for bench sweep/);
    expect(err(sh, 'bench fork fig5', 'EUSAGE')).toMatch(/only bench sweep takes more words/);
  });

  it("an unknown cost parameter fails the sweep with the cost command's error and its suggestion", () => {
    expect(err(makeShell(), 'bench sweep boot cost.xs_opp=1,2', 'EINVAL')).toMatch(
      /cost xs_opp=1: .*'xs_opp'.*did you mean 'xs_op'/,
    );
  });

  // The seam with the cost model (sweep-targets.ts): a cost set on the point's sandbox must reach the
  // engines the figure builds (bench/env.ts benchEnv carries the sandbox's overrides), or a cost sweep
  // changes nothing.
  it('a swept cost reaches the figure: a costlier xs_op boots slower', () => {
    const d = sweepData('bench sweep fig5 n=100 cost.xs_op=1,1000');
    const [cheap, dear] = [0, 1].map((i) => modelOf(d, i, 'KylinX, xs'));
    expect(d.points.every((p) => p.ok)).toBe(true);
    expect(dear).toBeGreaterThan(cheap!);
  });

  it('with a cost command, every cost value is set once before any point runs; a refused one fails the sweep', () => {
    const job = {
      ...sweepJob(makeShell().ctx, ['fork', 'host.pool=0'], undefined),
      params: [parseParam('cost.x=1,2', IMAGES)],
    };
    const ran: string[] = [];
    const make: MakeSandbox = (o) => {
      expect(o.host.boot).toEqual([]);
      return {
        ctx: makeShell().ctx,
        run(text) {
          ran.push(text);
          return text.split('\n').map((line) =>
            line === 'cost x=2'
              ? {
                  ok: false,
                  command: 'cost',
                  line,
                  where: '',
                  events: [],
                  error: { code: 'EINVAL', message: "no cost 'x' (did you mean 'xs_op'?)" },
                }
              : { ok: true, command: 'cost', line, where: '', events: [], result: { text: '', data: {} } },
          );
        },
      };
    };
    expect(() => checkCosts(job, make)).toThrow("cost x=2: no cost 'x' (did you mean 'xs_op'?)");
    expect(ran).toEqual(['cost x=1\ncost x=2']);
  });

  it('--plot FILE.json writes the Vega-Lite spec anywhere; SVG and PNG need a host that draws', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    expect(err(sh, 'bench sweep fig5 n=1 --plot f.svg', 'ENOSYS')).toMatch(
      /cannot draw f\.svg here; write --plot FILE\.json/,
    );
    expect(err(sh, 'bench sweep fig5 n=1 --plot f.pdf', 'EUSAGE')).toMatch(
      /--plot f\.pdf: name an \.svg, a \.png or a \.json/,
    );
    expect(ok(sh, 'bench sweep fig5 n=100,500 --plot f5.json').text).toMatch(
      /drew the chart to f5\.json \(\d+ bytes\)$/,
    );
    const spec = JSON.parse(io.files.get('f5.json')!) as { title: { text: string }; data: { values: unknown[] } };
    expect(spec.title.text).toBe('KylinX Fig. 5: n pVMs booted one after another, swept over n');
    // Three model series at two points, the paper's KylinX, MiniOS and Docker cells at 100 and 500.
    expect(spec.data.values).toHaveLength(3 * 2 + 3 * 2);
  });
});

describe('bench sweep of a script', () => {
  const files = { 'forks.kx': '# fork $n children\nfork web $n\nmem web\n' };

  it("each command's modeled latency is what the same command gives on a fresh shell; --read adds data", () => {
    const d = sweepData('bench sweep forks.kx n=1..3 --read total.pss_kib', files);
    expect(d.points).toHaveLength(3);
    for (const [i, n] of [1, 2, 3].entries()) {
      const sh = makeShell();
      const fork = ok(sh, `fork web ${n}`);
      const mem = ok(sh, 'mem web').data as { total: { pss_kib: number } };
      const rows = d.points[i]!.rows!;
      expect(rows.find((r) => r.series === '1: fork web $n (latency)')).toMatchObject({
        unit: 'us',
        model: fork.latencyUs,
      });
      expect(rows.find((r) => r.series === '2: mem web: total.pss_kib')!.model).toBe(mem.total.pss_kib);
      expect(rows.find((r) => r.series === 'total modeled latency')!.model).toBe(fork.latencyUs);
    }
  });

  it('a host key reaches the script: info reads the host the point booted', () => {
    const d = sweepData('bench sweep i.kx host.pcpus=1..3 --read nr_cpus', { 'i.kx': 'info' });
    expect(d.points.map((p) => p.rows!.find((r) => r.series === '1: info: nr_cpus')!.model)).toEqual([1, 2, 3]);
  });

  it('a point whose script fails is reported with its error; the other points stand', () => {
    const sh = makeShell({}, memoryIO({ 'c.kx': 'create daytime' }));
    const r = ok(sh, 'bench sweep c.kx image.daytime.memory=8,100000');
    const d = r.data as unknown as SweepData;
    expect(d.points[0]!.ok).toBe(true);
    expect(d.points[1]).toMatchObject({ ok: false, error: { code: 'ENOMEM' } });
    expect(d.points[1]!.error!.message).toMatch(/^c\.kx:1: create: /);
    expect(r.text).toContain('1 of 2 points failed:\n  image.daytime.memory=100000: ENOMEM: c.kx:1: create: ');
    // An image the host boots fails at the point's boot, which says so.
    const boot = ok(sh, 'bench sweep c.kx image.web.memory=8,100000').data as unknown as SweepData;
    expect(boot.points[1]!.error!.message).toMatch(/^booting the host: web needs 25600000 frames/);
  });

  it("a point writes no files (they would overwrite each other's), and sleeps not at all", () => {
    // The whole host's snapshot and xl save's checkpoint of one domain both write a file.
    const io = memoryIO({ 's.kx': 'sleep 60000\nsnapshot save $n.json', 'c.kx': 'save web $n.ckpt' });
    const d = ok(makeShell({}, io), 'bench sweep s.kx n=1,2').data as unknown as SweepData;
    expect(d.points.map((p) => p.error?.code)).toEqual(['EPERM', 'EPERM']);
    const c = ok(makeShell({}, io), 'bench sweep c.kx n=1').data as unknown as SweepData;
    expect(c.points.map((p) => p.error?.code)).toEqual(['EPERM']);
    expect([...io.files.keys()]).toEqual(['s.kx', 'c.kx']);
  });

  it('a swept name the script never uses, or a value that is not a word, is refused', () => {
    const sh = makeShell({}, memoryIO({ 'f.kx': 'fork web $n' }));
    expect(err(sh, 'bench sweep f.kx m=1..2', 'EINVAL')).toMatch(/m: f\.kx never uses \$m or \$\{m\}/);
    expect(err(sh, 'bench sweep f.kx "n=1,a b"', 'EINVAL')).toMatch(/'a b' is not a word a script can take/);
    expect(err(sh, 'bench sweep nope.kx n=1', 'ENOENT')).toMatch(/nope\.kx: no such file/);
  });
});

describe('bench sweep output', () => {
  it('--csv writes one line per point and series, RFC 4180 quoted, with an error column', () => {
    const io = memoryIO({ 'c.kx': 'create daytime' });
    const sh = makeShell({}, io);
    const r = ok(sh, 'bench sweep fig5 n=100,200 --csv f5.csv');
    const csv = io.files.get('f5.csv')!;
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('n,series,unit,model,paper,ratio,error');
    expect(lines[1]).toMatch(/^100,"KylinX, xs",s,[\d.]+,13,[\d.]+,$/);
    expect(lines.filter((l) => l.startsWith('200,'))).toHaveLength(3);
    expect(r.text).toMatch(/wrote 2 points to f5\.csv \(\d+ bytes\)$/);
    ok(sh, 'bench sweep c.kx image.daytime.memory=8,100000 --csv c.csv');
    const failed = io.files
      .get('c.csv')!
      .split('\n')
      .filter((l) => l.startsWith('100000,'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^100000,,,,,,"ENOMEM: c\.kx:1: create: daytime needs/);
  });

  it('the table is long: parameters, series, unit, model, paper, ratio', () => {
    const text = ok(makeShell(), 'bench sweep fig5 n=100').text;
    expect(text.split('\n')[0]).toMatch(/^n\s+series\s+unit\s+model\s+paper\s+ratio$/);
    expect(text).toMatch(/\n100\s+KylinX, xs\s+s\s+[\d.]+\s+13\s+[\d.]+\n/);
  });

  it('--chart draws the sweep as text with its title, axes and legend, no escape codes', () => {
    const text = ok(makeShell(), 'bench sweep fig5 n=100..1000:300 --chart').text;
    expect(text).toContain('KylinX Fig. 5: n pVMs booted one after another, swept over n');
    expect(text).toContain('total boot time (s)');
    expect(text).toContain('pVMs booted (n)');
    expect(text).toContain('* KylinX, xs (model)');
    expect(text).toContain('o KylinX, xs (paper)');
    expect(text).not.toContain('\u001b');
  });

  it('a words-only first parameter cannot be an x axis', () => {
    expect(err(makeShell(), 'bench sweep fork host.toolstack=xs,noxs --chart', 'EINVAL')).toMatch(
      /host\.toolstack takes words, not numbers, so it cannot be an x axis/,
    );
  });

  it('bench <part> --chart draws bars, model beside paper', () => {
    const text = ok(makeShell(), 'bench fork --chart').text;
    expect(text).toMatch(/redis \(6 MiB, 1728 pages with libraries\), noxs\s+model #+ 1\.22\n\s+paper =+ 1\.3\n/);
  });

  it('is deterministic: the same sweep twice gives the same data', () => {
    expect(sweepData('bench sweep fork host.pool=0..2')).toEqual(sweepData('bench sweep fork host.pool=0..2'));
  });
});
