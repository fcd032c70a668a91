import type { HostConfig } from '../../engine/image.js';
import { type Engine, newEngine } from '../../engine/index.js';
import type { Ctx } from '../types.js';

/** One row of `bench`: the paper's figure beside the model's (DESIGN.md §3). */
export interface BenchRow {
  figure: string;
  case: string;
  unit: string;
  /** The paper's value, or null where the paper has none. */
  paper: number | null;
  /** The model's value, or null for a paper-only reference row (e.g. Ubuntu: Linux is not modeled). */
  model: number | null;
  /** model / paper, or null without a paper value. */
  ratio: number | null;
}

export interface BenchPart {
  name: string;
  summary: string;
  /** Runs on fresh engines of its own, never on the session's engine. */
  run(ctx: Ctx): BenchRow[];
}

/** A row from the paper's and the model's values, rounded as `bench` prints them, with their ratio. */
export function row(r: Omit<BenchRow, 'ratio'>): BenchRow {
  const { paper, model } = r;
  const m = model === null ? null : Math.round(model * 100) / 100;
  const ratio = paper === null || model === null ? null : Math.round((model / paper) * 1000) / 1000;
  // Paper values derived by division (e.g. lineal/Ubuntu) are shown to 3 digits like the model's.
  return { ...r, paper: paper === null ? null : Math.round(paper * 1000) / 1000, model: m, ratio };
}

/**
 * A fresh engine for a benchmark: the session's host (so a sweep of host keys reaches every figure)
 * with nothing booted, the session's library store, and the keys the figure sets itself.
 */
export function freshEngine(ctx: Ctx, keys: Partial<HostConfig> = {}): Engine {
  return newEngine({ ...ctx.hv.host, boot: [], ...keys }, { libs: ctx.hv.dl.store });
}
