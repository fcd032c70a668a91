import type { Ctx } from '../types.js';

/** One row of `bench`: the paper's figure beside the model's (DESIGN.md §3). */
export interface BenchRow {
  figure: string;
  case: string;
  unit: string;
  /** The paper's value, or null where the paper has none. */
  paper: number | null;
  model: number;
  /** model / paper, or null without a paper value. */
  ratio: number | null;
}

export interface BenchPart {
  name: string;
  summary: string;
  /** Runs on fresh engines of its own, never on the session's engine. */
  run(ctx: Ctx): BenchRow[];
}

export function row(figure: string, kase: string, unit: string, paper: number | null, model: number): BenchRow {
  const m = Math.round(model * 100) / 100;
  return { figure, case: kase, unit, paper, model: m, ratio: paper === null ? null : Math.round((model / paper) * 1000) / 1000 };
}
