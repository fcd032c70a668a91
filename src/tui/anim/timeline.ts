// An animation as a timeline: the steps of a mechanism with their modeled times (from the command's
// `animate` effect, computed by the engine when the command ran), each given a stretch of wall time by
// the slow-down factor. Steps too short to see get MIN_STEP_MS; a timeline longer than MAX_TOTAL_MS is
// played faster as a whole (and says by how much), so one `fork web 100` does not hold the class.

import type { Animation } from '../../commands/effects.js';

export const MIN_STEP_MS = 90;
export const MAX_TOTAL_MS = 9_000;

export interface TimedStep {
  /** What the step does. */
  label: string;
  detail: string;
  /** Modeled time, µs. */
  us: number;
  /** Modeled time from the timeline's start to this step's start, µs. */
  startUs: number;
  /** Wall time it plays for, and from the timeline's start, ms. */
  wallMs: number;
  startMs: number;
  /** The pVM the step works on (a fork's child, an updated pVM). */
  pvm: string;
  domid: number | null;
  /** After the call returned (fork's parent–child link). */
  async: boolean;
  /** An update's stage (1-4), 0 for the wait for quiescence; null outside updates. */
  stage: number | null;
  /** The pVM is paused during this step (update's stages 2-4). */
  paused: boolean;
}

export interface Timeline {
  animation: Animation;
  /** One line: what plays ("do_fork web → 4 children", "update web: libm → 1.18"). */
  title: string;
  steps: TimedStep[];
  totalUs: number;
  totalMs: number;
  /** How much faster than the factor it plays to fit MAX_TOTAL_MS (1: as asked). */
  speedup: number;
}

type Draft = Omit<TimedStep, 'startUs' | 'wallMs' | 'startMs'>;

function forkDrafts(a: Extract<Animation, { mechanism: 'fork-steps' }>): Draft[] {
  const first = a.children[0];
  const out: Draft[] = [];
  if (!first) return out;
  for (const s of a.steps)
    out.push({
      label: s.step,
      detail: s.detail,
      us: s.us,
      pvm: first.name,
      domid: first.domid,
      async: s.async,
      stage: null,
      paused: false,
    });
  for (const c of a.children.slice(1))
    out.push({
      label: `do_fork ${c.name}: the same steps`,
      detail: '',
      us: c.us,
      pvm: c.name,
      domid: c.domid,
      async: false,
      stage: null,
      paused: false,
    });
  return out;
}

function updateDrafts(a: Extract<Animation, { mechanism: 'update-stages' }>): Draft[] {
  const out: Draft[] = [];
  for (const p of a.pvms) {
    const base = { pvm: p.name, domid: null, async: false, detail: '' };
    if (p.waitUs > 0) out.push({ ...base, label: 'wait until quiescent', us: p.waitUs, stage: 0, paused: false });
    for (const s of p.stages)
      out.push({ ...base, label: `stage ${s.stage} ${s.name}`, us: s.us, stage: s.stage, paused: s.stage > 1 });
  }
  return out;
}

function titleOf(a: Animation): string {
  switch (a.mechanism) {
    case 'fork-steps':
      return `do_fork ${a.parent} → ${a.children.length === 1 ? a.children[0]!.name : `${a.children.length} children`}`;
    case 'update-stages':
      return `update ${a.pvms.length === 1 ? a.pvms[0]!.name : `${a.pvms.length} pVMs`}: ${a.lib}`;
  }
}

/** The timeline of `a` played `factor` times slower than modeled time. */
export function timeline(a: Animation, factor: number): Timeline {
  const drafts = a.mechanism === 'fork-steps' ? forkDrafts(a) : updateDrafts(a);
  const asked = drafts.map((d) => Math.max(MIN_STEP_MS, (d.us * factor) / 1000));
  const sum = asked.reduce((t, x) => t + x, 0);
  const speedup = sum > MAX_TOTAL_MS ? sum / MAX_TOTAL_MS : 1;
  let us = 0;
  let ms = 0;
  const steps = drafts.map((d, i): TimedStep => {
    const wallMs = asked[i]! / speedup;
    const s = { ...d, startUs: us, wallMs, startMs: ms };
    us += d.us;
    ms += wallMs;
    return s;
  });
  return { animation: a, title: titleOf(a), steps, totalUs: us, totalMs: ms, speedup };
}

/** Where a timeline is after `ms` of wall time: the step playing, how far into it, and modeled time elapsed. */
export function positionAt(t: Timeline, ms: number): { index: number; frac: number; us: number } {
  if (t.steps.length === 0 || ms >= t.totalMs) return { index: t.steps.length, frac: 1, us: t.totalUs };
  let i = 0;
  while (i < t.steps.length - 1 && ms >= t.steps[i]!.startMs + t.steps[i]!.wallMs) i++;
  const s = t.steps[i]!;
  const frac = s.wallMs > 0 ? Math.max(0, Math.min(1, (ms - s.startMs) / s.wallMs)) : 1;
  return { index: i, frac, us: s.startUs + frac * s.us };
}
