// The bench command: model vs paper, deterministic (it runs on fresh engines, not the session's), each
// row saying whether the model reproduces it (calibrated), predicts it, derives it or has none; and
// `bench sweep`, which runs a figure or a script over a range of parameters (bench/sweep.ts).

import { FIGURE_NAMES, PART_SUMMARIES, SWEEP_NAMES } from './bench/catalogue.js';
import { flag, many, one, option } from './args.js';
import { handlersDeferred, lazyHandler } from './handlers.js';
import { choice, file, int, word } from './kinds.js';
import { command } from './types.js';

// The figures, sweeps and charts are bench-run.ts's: loaded with the table unless deferred (handlers.ts).
const handler = lazyHandler('bench', () => import('./bench-run.js'));
if (!handlersDeferred()) await handler.load();

const NAMES = [...PART_SUMMARIES.map(([name]) => name), ...FIGURE_NAMES, 'all', 'sweep'];
const PARTS = choice([...new Set(NAMES)]);

const SWEEP_HELP = `sweep <figure|script> PARAM=A..B[:STEP]...: run a figure (${SWEEP_NAMES.join(', ')}) or a script
  at every combination of the parameters' values, each point on a fresh engine, on every core:
    n=100..2000:100       a count of the figure (fig5: pVMs booted; fig6: redis appliances),
                          or a variable of the script ($n or \${n} in its text)
    host.KEY=A..B         a key of the host file (host.pcpus=1..6, host.toolstack=xs,noxs)
    image.NAME.KEY=A..B   a key of an image (image.daytime.memory=4..32:4)
    cost.NAME=A..B        a constant of the cost model (costs lists them), as 'cost NAME=VALUE' sets it
  --csv FILE writes every point (one line per point and series); --chart draws it as text;
  --plot FILE.svg|.png|.json draws it (.json: the Vega-Lite spec); --jobs N runs N points at a time (default: every core);
  --read PATH,... adds the numbers at those paths of a script's commands' JSON data.
  Example: bench sweep fig5 n=100..2000:100 --csv f5.csv --plot f5.svg`;

export const bench = command({
  name: 'bench',
  family: 'session',
  summary:
    "Reproduce the KylinX paper's micro-benchmarks in the model: paper and model side by side, each row's kind; or sweep them",
  usage: `<${PART_SUMMARIES.map(([name]) => name).join('|')}|all|figure> [--n N] [--chart] [--plot FILE] [--baseline linux] | sweep <figure|script> PARAM=A..B[:STEP]... [--csv FILE] [--jobs N] [--chart] [--plot FILE] [--read PATH,...]`,
  args: { part: one(PARTS), rest: many(word, { optional: true, label: 'figure|script PARAM=A..B[:STEP]' }) },
  options: {
    n: option(int(1, 20_000, 'n'), 'the count of a figure that has one (fig5: pVMs booted, fig6: appliances)'),
    csv: option(file, 'sweep: write every point to FILE as CSV'),
    jobs: option(int(1, 256, '--jobs'), 'sweep: points run at a time (default: every core)'),
    chart: flag('draw the figures (a sweep: line charts; a part: bars) as text'),
    plot: option(
      file,
      'draw the figures to FILE.svg or FILE.png (Vega; PNG through resvg), or FILE.json: the Vega-Lite spec',
    ),
    read: option(word, "sweep of a script: numbers at these dotted paths of its commands' JSON data"),
    baseline: option(
      choice(['linux']),
      'ipc, table3: the exchanges of Table 3 run as Linux processes (the process cost model), each with its primitives',
    ),
  },
  help: [
    ...PART_SUMMARIES.map(([name, summary]) => `${name}: ${summary}`),
    `figures: ${FIGURE_NAMES.join(', ')}`,
    'all: every figure',
    "--baseline linux (ipc, table3): Table 3's exchanges as Linux processes, priced by the process cost model (the linux_* constants: costs lists them), each row with its primitives.",
    'kind: calibrated (a constant of cost.ts was fitted to the cell: costs lists them), predicted (the paper has a value no constant was fitted to), derived (no paper value), paper only (not modeled).',
    SWEEP_HELP,
  ].join('\n'),
  run: (ctx, a, o) => handler.get().runBench(ctx, a, o),
});
