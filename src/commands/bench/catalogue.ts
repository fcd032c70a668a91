// What `bench`'s spec shows before any figure's code is loaded (its help, usage and the parts it
// accepts): the parts with their summaries, the figures and what a sweep can name. The figures
// themselves (index.ts, sweep-targets.ts) load with bench's handler (bench-run.ts, a lazy handler:
// handlers.ts); test/commands/bench-catalogue.test.ts checks that this names exactly what they define.

/** BENCH_PARTS (index.ts): each part's name and summary, in order. */
export const PART_SUMMARIES: readonly (readonly [name: string, summary: string])[] = [
  ['boot', 'boot of one pVM (xs, noxs), Fig. 5 and recycled boots'],
  ['fork', 'fork latency of the redis appliance (KylinX §3.2.1), noxs and with a pool of shells'],
  ['ipc', 'IpC latency of lineal and non-lineal pairs and of Linux processes (KylinX Table 3)'],
  ['memory', 'host memory for n (default 1000) redis appliances with shared vs static libraries (KylinX Fig. 6)'],
  ['update', 'online update of libm 1.16 -> 1.18 in web, eager (Fig. 7), lazily, and for ten redis'],
  [
    'apps',
    'Redis SET/s with 1 and 8 servers, a web server under weighttp with 1 and 9 clients, DNS queries (KylinX §6)',
  ],
];

/** BENCH_FIGURES (index.ts): every figure's name, in the order `bench all` prints them. */
export const FIGURE_NAMES: readonly string[] = ['boot', 'fig5', 'recycle', 'fork', 'table3', 'fig6', 'fig7', 'apps'];

/** FIGURES (sweep-targets.ts): every figure and part a sweep can name, in order. */
export const SWEEP_NAMES: readonly string[] = [
  'fig5',
  'fig6',
  'table3',
  'fig7',
  'recycle',
  'boot',
  'fork',
  'ipc',
  'memory',
  'update',
  'apps',
];
