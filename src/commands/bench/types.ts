// The shapes of `bench`: a row (the paper's value beside the model's, with its kind), the environment a
// figure runs in (images, libraries, host keys, image keys, cost overrides) and a figure as a function of
// its parameters. index.ts lists the figures and says how to call them.

import type { CostExplanation, CostOverrides } from '../../engine/cost-model.js';
import { calibratorsOf } from '../../engine/cost.js';
import type { LibraryStore } from '../../engine/dl/store.js';
import type { CfgValue, HostConfig, ImageConfig } from '../../engine/image.js';

/**
 * What a row is: `calibrated` (a constant of cost.ts was fitted to this cell, or to the cells it is
 * computed from: `calibrated_by` names them; if one of those is predicted, so is the row), `predicted`
 * (the paper has a value no constant was fitted to), `derived` (computed from the mechanics; the paper
 * has no value), `paper only` (no model of it).
 */
export type RowKind = 'calibrated' | 'predicted' | 'derived' | 'paper only';

/** One row of `bench`: the paper's figure beside the model's (DESIGN.md §3). */
export interface BenchRow {
  /** Stable id (fig5.xs.100): what a constant's `calibrates` names. */
  id: string;
  figure: string;
  case: string;
  unit: string;
  /** The paper's value (or a peer paper's, for a baseline), or null where it has none. */
  paper: number | null;
  /** The model's value, or null for a paper-only reference row (Docker: not modeled). */
  model: number | null;
  /** model / paper, or null without both. */
  ratio: number | null;
  kind: RowKind;
  /** Constants fitted to this cell or to the cells it is computed from. */
  calibrated_by: string[];
  /** Constants this row used that are overridden (cost NAME=VALUE): the row is a what-if. */
  overridden: string[];
  /** A latency row's model value as the primitives it sums (its unit aside). */
  cost?: CostExplanation;
}

/** What every engine of a figure is built with. */
export interface BenchEnv {
  images: Map<string, ImageConfig>;
  libs: LibraryStore;
  /** Host keys for every engine (a figure's own keys, such as toolstack for a curve, win). */
  host: Partial<HostConfig>;
  /** Image keys applied to every image a figure boots, as create's key=value overrides are. */
  image: Record<string, CfgValue>;
  /** Cost overrides for every engine (the session's, with the parameters' on top). */
  costs: CostOverrides;
}

/** A figure's own parameters. */
export interface FigureParams {
  /** How many (Fig. 5: pVMs booted in sequence; Fig. 6: appliances); each figure says whether it takes one. */
  n?: number;
}

/** One figure of the paper: rows as a function of the environment and its parameters. */
export interface BenchFigure {
  name: string;
  summary: string;
  /** What `n` counts, when the figure takes a count; absent: the figure takes none. */
  count?: { what: string; min: number; max: number };
  /** Runs on fresh engines of its own, never on the session's. */
  run(env: BenchEnv, p: FigureParams): BenchRow[];
}

/** A group of figures `bench <part>` runs, in order. */
export interface BenchPart {
  name: string;
  summary: string;
  figures: string[];
}

export interface RowSpec {
  id: string;
  figure: string;
  case: string;
  unit: string;
  paper: number | null;
  model: number | null;
  /** The model value's explanation (latency rows): which primitives, hence which overrides, it used. */
  cost?: CostExplanation;
  /** Rows this one is computed from (a ratio, a total of stages): their calibrations and overrides carry over. */
  basis?: BenchRow[];
}

/** A row from the paper's and the model's values, rounded as `bench` prints them, with its ratio and kind. */
export function row(env: Pick<BenchEnv, 'costs'>, r: RowSpec): BenchRow {
  const { paper, model } = r;
  const m = model === null ? null : Math.round(model * 100) / 100;
  const ratio = paper === null || model === null ? null : Math.round((model / paper) * 1000) / 1000;
  const by = new Set<string>(calibratorsOf(r.id));
  const over = new Set<string>((r.cost?.terms ?? []).filter((t) => env.costs[t.name] !== undefined).map((t) => t.name));
  // A row computed from a prediction (lineal pVMs over modeled Ubuntu processes) is a prediction itself:
  // the fits of its other rows do not fix it.
  const held = (r.basis ?? []).some((b) => b.kind === 'predicted');
  for (const b of r.basis ?? []) {
    if (!held) for (const c of b.calibrated_by) by.add(c);
    for (const c of b.overridden) over.add(c);
  }
  const kind: RowKind =
    model === null ? 'paper only' : by.size > 0 ? 'calibrated' : paper !== null ? 'predicted' : 'derived';
  return {
    id: r.id,
    figure: r.figure,
    case: r.case,
    unit: r.unit,
    // Paper values derived by division (e.g. lineal/Ubuntu) are shown to 3 digits like the model's.
    paper: paper === null ? null : Math.round(paper * 1000) / 1000,
    model: m,
    ratio,
    kind,
    calibrated_by: [...by],
    overridden: [...over],
    ...(r.cost ? { cost: r.cost } : {}),
  };
}

/** The kind as `bench` prints it: `calibrated: page_share`, `predicted`, ... with `what-if: ...` when overridden. */
export function kindText(r: BenchRow): string {
  const k = r.kind === 'calibrated' ? `calibrated: ${r.calibrated_by.join(', ')}` : r.kind;
  return r.overridden.length > 0 ? `${k} (what-if: ${r.overridden.join(', ')})` : k;
}
