// A long `run` in the console, interruptible: the duration is run as a sequence of shorter `run`
// commands (the scheduler's state after them is the same as after one run: its timers carry over),
// yielding to the event loop between them so keys are read and the panels follow; Ctrl-C stops it
// after the step in progress, with the host consistent. Steps start at 100 ms of virtual time and
// adapt to take about 40 ms of wall time each, so a busy host stays responsive and an idle one is not
// slowed by a step's fixed cost.
//
// The report adds the steps' figures up (CPU time and share, requests, dropped, pages written, CoW
// breaks). Latency percentiles cannot be added up from per-step percentiles, so a chunked run shows
// none and says so; runs up to LONG_RUN_NS (src/commands/sched.ts) are one step and report them.

import { run } from '../commands/sched.js';
import type { Shell } from '../commands/shell.js';
import type { Outcome } from '../commands/types.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import type { PvmRun, RunReport } from '../engine/sched/report.js';

const FIRST_STEP_NS = 100e6;
const STEP_WALL_MS = 40;
const MIN_STEP_NS = 1e6;

export interface LongRunEnd {
  doneNs: number;
  interrupted: boolean;
  /** The figures of the steps that ran, added up; null when no step ran. */
  report: RunReport | null;
  /** The step that failed, if one did (the run stops there). */
  failed: Outcome | null;
  /** Events of the steps other than their per-step CoW counts (those are in the report). */
  events: EngineEvent[];
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** The steps' reports as one (latency percentiles left out: they do not add up). */
export function mergeRuns(reports: readonly RunReport[]): RunReport | null {
  if (reports.length === 0) return null;
  const dur = reports.reduce((t, r) => t + r.duration_ns, 0);
  const byDomid = new Map<number, PvmRun>();
  for (const r of reports) {
    for (const p of r.pvms) {
      const m = byDomid.get(p.domid);
      if (!m) byDomid.set(p.domid, { ...p, median_us: null, p99_us: null });
      else {
        m.name = p.name;
        m.cpu_ns += p.cpu_ns;
        m.requests += p.requests;
        m.dropped += p.dropped;
        m.failed += p.failed;
        m.pages_written += p.pages_written;
        m.cow_breaks += p.cow_breaks;
      }
    }
  }
  const pvms = [...byDomid.values()].map((p) => ({ ...p, cpu_pct: round((p.cpu_ns / dur) * 100, 2) }));
  const cpus = reports[0]!.pcpu_busy_pct.length;
  const busy = Array.from({ length: cpus }, (_, i) =>
    round(reports.reduce((t, r) => t + (r.pcpu_busy_pct[i] ?? 0) * r.duration_ns, 0) / dur, 2),
  );
  return {
    start_ns: reports[0]!.start_ns,
    end_ns: reports[reports.length - 1]!.end_ns,
    duration_ns: dur,
    pvms,
    pcpu_busy_pct: busy,
  };
}

export class LongRun {
  doneNs = 0;
  private stopAsked = false;

  constructor(
    private readonly shell: Shell,
    readonly totalNs: number,
    /** The command as typed, for the log. */
    readonly text: string,
  ) {}

  /** Ctrl-C: stop after the step in progress. */
  stop(): void {
    this.stopAsked = true;
  }

  /** Run every step, calling `afterStep` after each (the console redraws); resolves when done or stopped. */
  async go(afterStep: () => void): Promise<LongRunEnd> {
    const reports: RunReport[] = [];
    const events: EngineEvent[] = [];
    let step = FIRST_STEP_NS;
    let failed: Outcome | null = null;
    while (this.doneNs < this.totalNs && !this.stopAsked) {
      const ns = Math.min(step, this.totalNs - this.doneNs);
      const t0 = performance.now();
      const o = this.shell.invoke(run, [`${ns}ns`]);
      const ms = performance.now() - t0;
      if (!o.ok) {
        failed = o;
        break;
      }
      this.doneNs += ns;
      reports.push(o.result.data);
      for (const e of o.events) if (e.kind !== 'cow') events.push(e);
      // Aim each step at STEP_WALL_MS of wall time, growing at most 4x at a time.
      step = Math.max(
        MIN_STEP_NS,
        Math.round(Math.min(step * 4, (step * STEP_WALL_MS) / Math.max(ms, 0.1)) / 1e6) * 1e6,
      );
      afterStep();
      // Let the terminal's keys (Ctrl-C) and ink's redraw in before the next step.
      await new Promise((r) => setTimeout(r, 0));
    }
    return {
      doneNs: this.doneNs,
      interrupted: this.stopAsked && this.doneNs < this.totalNs,
      report: mergeRuns(reports),
      failed,
      events,
    };
  }
}
