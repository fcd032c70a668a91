// bench fork and bench boot: the paper's fork latency (§3.2.1) and boot times (§4.1, Fig. 5), measured
// by running the same operations on fresh engines and summing their modeled latencies.

import type { CostExplanation } from '../../engine/cost-model.js';
import { pagesOf } from '../../engine/domain.js';
import { staticImage } from '../../engine/dl/static.js';
import { nepheleClone, vmFork } from '../../engine/baselines.js';
import { create, fork } from '../../engine/lifecycle.js';
import { engineFor, imageOf, measured } from './env.js';
import { BenchEnv, BenchFigure, BenchRow, row } from './types.js';

export const FORK: BenchFigure = {
  name: 'fork',
  summary: 'fork latency of the redis appliance (KylinX §3.2.1), noxs and with a pool of shells',
  run(env) {
    const rows: BenchRow[] = [];
    const hv = engineFor(env, { toolstack: 'noxs' });
    const redis = create(hv, imageOf(env, 'redis')).domain;
    const cold = measured(hv, () => fork(hv, redis, 1).latencyUs);
    rows.push(
      row(env, {
        id: 'fork.redis',
        figure: 'fork',
        case: `redis (${redis.memMiB} MiB, ${pagesOf(redis)} pages with libraries), noxs`,
        unit: 'ms',
        paper: 1.3,
        model: cold.us / 1000,
        cost: cold.cost,
      }),
    );
    hv.pool = 1;
    const pooled = measured(hv, () => fork(hv, redis, 1).latencyUs);
    rows.push(
      row(env, {
        id: 'fork.redis.pool',
        figure: 'fork',
        case: 'redis, shell from the pool',
        unit: 'ms',
        paper: null,
        model: pooled.us / 1000,
        cost: pooled.cost,
      }),
    );
    const web = create(hv, imageOf(env, 'web')).domain;
    const w = measured(hv, () => fork(hv, web, 1).latencyUs);
    rows.push(
      row(env, {
        id: 'fork.web',
        figure: 'fork',
        case: `web (${web.memMiB} MiB, ${pagesOf(web)} pages with libraries), noxs`,
        unit: 'ms',
        paper: null,
        model: w.us / 1000,
        cost: w.cost,
      }),
    );
    rows.push(...forkBaselines(env));
    return rows;
  },
};

/**
 * The peers' forks of the same redis: Xen's VM fork (the paper's related work: about 0.7 ms, measured with
 * the parent already paused, as Xen requires) and Nephele's clone (EuroSys'23: a 30.7 ms median over 1000
 * sequential clones, with XenStore and xencloned).
 */
function forkBaselines(env: BenchEnv): BenchRow[] {
  const hv = engineFor(env, { toolstack: 'noxs' });
  const redis = create(hv, imageOf(env, 'redis')).domain;
  vmFork(hv, redis, 1);
  const xen = measured(hv, () => vmFork(hv, redis, 1).latencyUs);
  const xs = engineFor(env, { toolstack: 'xs' });
  const parent = create(xs, imageOf({ ...env, image: { max_clones: 1, ...env.image } }, 'redis')).domain;
  const neph = measured(xs, () => nepheleClone(xs, parent, 1).latencyUs);
  return [
    row(env, {
      id: 'fork.xen',
      figure: 'fork',
      case: 'redis, Xen VM fork (mem_sharing: empty p2m, parent paused)',
      unit: 'ms',
      paper: 0.7,
      model: xen.us / 1000,
      cost: xen.cost,
    }),
    row(env, {
      id: 'fork.nephele',
      figure: 'fork',
      case: "redis, Nephele's clone (xencloned copies its XenStore entries), xs",
      unit: 'ms',
      paper: 30.7,
      model: neph.us / 1000,
      cost: neph.cost,
    }),
  ];
}

/** The image Fig. 5 and the one-pVM boots boot: the paper's Redis appliance, with its shared libraries. */
const BOOT_IMAGE = 'redis';

/** How a curve boots its pVMs: KylinX's dynamic image, or MiniOS's (libraries linked into the image). */
type Flavour = 'kylinx' | 'minios';

/**
 * Boot pVMs one after another on a fresh host and read the total at each count of `at` (ascending): one
 * sequence serves every count, as the paper's curve is one sequence read at 100, 500 and 1000.
 */
function sequentialBoots(
  env: BenchEnv,
  toolstack: 'xs' | 'noxs',
  at: number[],
  flavour: Flavour = 'kylinx',
): { n: number; us: number; cost: CostExplanation }[] {
  const last = at[at.length - 1]!;
  const base = imageOf(env, BOOT_IMAGE);
  const hv = engineFor(env, { toolstack, max_domains: Math.max(last, 32751), memory: hostMiBFor(last, base.memory) });
  const img = flavour === 'minios' ? staticImage(hv.dl, base) : base;
  const out = [];
  let total = 0;
  hv.cost.begin();
  for (let i = 1, k = 0; i <= last; i++) {
    total += create(hv, img).latencyUs;
    if (i === at[k]) {
      out.push({ n: i, us: total, cost: hv.cost.peek() });
      k++;
    }
  }
  return out;
}

/** Host memory (MiB) for n appliances of `mib` with room for libraries: the default 16 GiB, or more. */
function hostMiBFor(n: number, mib: number): number {
  return Math.max(16384, 1024 + n * (mib + 2));
}

/** Fig. 5, read off the paper's plot: total seconds to boot n pVMs in sequence with XenStore. */
const FIG5: Record<Flavour, Record<number, number>> = {
  kylinx: { 100: 13, 500: 115, 1000: 392 },
  minios: { 100: 13, 500: 127, 1000: 447 },
};

/** Fig. 5's curves as points (n, s), Docker's too (not modeled), for charts. */
export const FIG5_PAPER: Record<'KylinX' | 'MiniOS' | 'Docker', [n: number, s: number][]> = {
  KylinX: Object.entries(FIG5.kylinx).map(([n, s]) => [Number(n), s]),
  MiniOS: Object.entries(FIG5.minios).map(([n, s]) => [Number(n), s]),
  Docker: [
    [100, 20],
    [500, 110],
    [1000, 235],
  ],
};

/** The difference of two explanations (a - b): the primitives whose counts differ. */
function difference(a: CostExplanation, b: CostExplanation): CostExplanation {
  const terms = a.terms
    .map((t) => {
      const o = b.terms.find((x) => x.name === t.name);
      return { ...t, count: t.count - (o?.count ?? 0), us: Math.round((t.us - (o?.us ?? 0)) * 10) / 10 };
    })
    .filter((t) => t.count !== 0);
  return { terms, total_us: Math.round((a.total_us - b.total_us) * 10) / 10 };
}

export const BOOT: BenchFigure = {
  name: 'boot',
  summary: 'boot of one pVM, toolstack xs and noxs (KylinX §4.1)',
  run(env) {
    const xs = sequentialBoots(env, 'xs', [1])[0]!;
    const noxs = sequentialBoots(env, 'noxs', [1])[0]!;
    const minios = sequentialBoots(env, 'xs', [1], 'minios')[0]!;
    return [
      row(env, {
        id: 'boot.xs',
        figure: 'boot',
        case: 'one pVM, toolstack xs',
        unit: 'ms',
        paper: 124,
        model: xs.us / 1000,
        cost: xs.cost,
      }),
      row(env, {
        id: 'boot.noxs',
        figure: 'boot',
        case: 'one pVM, toolstack noxs',
        unit: 'ms',
        paper: null,
        model: noxs.us / 1000,
        cost: noxs.cost,
      }),
      row(env, {
        id: 'boot.minios.xs',
        figure: 'boot',
        case: 'one pVM, MiniOS (libraries linked into the image), toolstack xs',
        unit: 'ms',
        paper: 133,
        model: minios.us / 1000,
        cost: minios.cost,
      }),
      row(env, {
        id: 'boot.minios-over-kylinx',
        figure: 'boot',
        case: 'MiniOS boot minus KylinX boot, one pVM',
        unit: 'ms',
        paper: 133 - 124,
        model: (minios.us - xs.us) / 1000,
        cost: difference(minios.cost, xs.cost),
      }),
    ];
  },
};

export const FIG5_FIGURE: BenchFigure = {
  name: 'fig5',
  summary: 'total time to boot n pVMs in sequence, xs (superlinear, XenStore) and noxs (Fig. 5)',
  count: { what: 'pVMs booted in sequence', min: 1, max: 10_000 },
  run(env, p) {
    const xsAt = p.n === undefined ? [100, 500, 1000, 2000] : [p.n];
    const miniosAt = p.n === undefined ? [100, 500, 1000] : [p.n];
    const noxsAt = p.n === undefined ? [1000] : [p.n];
    const rows: BenchRow[] = [];
    for (const s of sequentialBoots(env, 'xs', xsAt))
      rows.push(
        row(env, {
          id: `fig5.xs.${s.n}`,
          figure: 'fig5',
          case: `${s.n} pVMs booted in sequence, xs`,
          unit: 's',
          paper: FIG5.kylinx[s.n] ?? null,
          model: s.us / 1e6,
          cost: s.cost,
        }),
      );
    for (const s of sequentialBoots(env, 'xs', miniosAt, 'minios'))
      rows.push(
        row(env, {
          id: `fig5.minios.${s.n}`,
          figure: 'fig5',
          case: `${s.n} MiniOS pVMs (static libraries) booted in sequence, xs`,
          unit: 's',
          paper: FIG5.minios[s.n] ?? null,
          model: s.us / 1e6,
          cost: s.cost,
        }),
      );
    for (const s of sequentialBoots(env, 'noxs', noxsAt))
      rows.push(
        row(env, {
          id: `fig5.noxs.${s.n}`,
          figure: 'fig5',
          case: `${s.n} pVMs booted in sequence, noxs`,
          unit: 's',
          paper: null,
          model: s.us / 1e6,
          cost: s.cost,
        }),
      );
    return rows;
  },
};
