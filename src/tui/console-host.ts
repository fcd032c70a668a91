// The console's host (src/commands/effects.ts): the one place where the console carries out what
// commands hand it and shows their outcomes. It opens the dashboard, runs the clock, plays a script
// with its keys, and runs a long `run` in steps Ctrl-C can stop, holding the rest of the line until
// the run ends; outcomes go to the log, narration framed and update stages animated.

import { banner } from '../commands/banner.js';
import { CLOCK_STEP_MS } from '../commands/console-only.js';
import { type ActOptions, HELD, type ModeHost, type Resume } from '../commands/effects.js';
import { errorLine, outcomeText } from '../commands/output.js';
import { durationText, LONG_RUN_NS, runText } from '../commands/sched.js';
import type { Shell } from '../commands/shell.js';
import type { Handoff, Outcome, Result } from '../commands/types.js';
import { fail } from '../engine/errors.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import { animationLines } from './animation.js';
import { Clock } from './clock.js';
import { LongRun, type LongRunEnd } from './longrun.js';
import type { LogKind } from './model.js';
import { Player } from './player.js';

/** What the host draws on: the console's model. */
export interface ConsoleSurface {
  readonly shell: Shell;
  /** Add to the log (no redraw). */
  log(kind: LogKind, text: string, event?: string): void;
  /** A command's engine events, for the panels and the dashboard's log. */
  events(es: readonly EngineEvent[]): void;
  /** The engine may have changed: ask it again at the next refresh. */
  markStale(): void;
  /** A command ran: count it, ask the engine again, redraw. */
  ranCommand(): void;
  /** Ask the engine again and redraw. */
  refresh(): void;
}

export class ConsoleHost implements ModeHost {
  readonly clock: Clock;
  player: Player | null = null;
  longRun: LongRun | null = null;
  private dashboardAsked = false;

  constructor(private readonly surface: ConsoleSurface) {
    this.clock = new Clock({
      shell: surface.shell,
      busy: () => this.longRun !== null,
      stepped: () => surface.refresh(),
      failed: (o) => {
        this.show(o);
        surface.log('notice', 'clock stopped');
        surface.refresh();
      },
    });
  }

  act(h: Handoff, o: ActOptions): Result | typeof HELD {
    const e = h.effect;
    switch (e.kind) {
      case 'dashboard':
        // The console leaves for the dashboard once the line has run (ConsoleModel.submit).
        this.dashboardAsked = true;
        return { text: '', data: { dashboard: true } };
      case 'clock-on':
        this.clock.start(e.speed);
        return {
          text: `clock on at ${e.speed}x: ${durationText(e.speed * CLOCK_STEP_MS * 1e6)} of virtual time every ${CLOCK_STEP_MS} ms (clock off stops it)`,
          data: { clock: 'on', speed: e.speed },
        };
      case 'clock-off':
        if (!this.clock.on) return { text: 'the clock is off already', data: { clock: 'off' } };
        return { text: this.clock.stop(), data: { clock: 'off' } };
      case 'play-script':
        return this.play(e.file, o.ctx.io.readText(e.file));
      case 'long-run':
        // Inside `source` or `try` the line cannot wait: the run is one step, as in a script.
        if (!o.hold) return h.otherwise();
        this.startLongRun(e.ns, o.line, o.hold());
        return HELD;
    }
  }

  /** An outcome in the log: output or the error line, narration framed, events, an animation. */
  show(o: Outcome): void {
    const s = this.surface;
    s.markStale();
    if (!o.ok) {
      s.log('error', errorLine(o));
      return;
    }
    const effect = o.result.effect;
    if (effect?.kind === 'say') s.log('say', banner(effect.text));
    else {
      const t = outcomeText(o);
      if (t) s.log('output', t);
    }
    for (const e of o.events) s.log('event', `${e.kind.padEnd(9)} ${e.text}`, e.kind);
    s.events(o.events);
    if (effect?.kind === 'animate') for (const l of animationLines(effect.animation)) s.log('event', l, 'stage');
  }

  /** Whether a command of the last line asked for the dashboard (asking once). */
  takeDashboard(): boolean {
    const asked = this.dashboardAsked;
    this.dashboardAsked = false;
    return asked;
  }

  // ---- play ------------------------------------------------------------------------------------------

  private play(file: string, text: string): Result {
    if (this.player) fail('EBUSY', `already playing ${this.player.file} (q stops it)`);
    const player = new Player(this.surface.shell, file, text);
    if (player.total === 0) fail('EINVAL', `${file} has no commands to play`);
    this.player = player;
    return {
      text: `play ${file}: ${player.total} steps; Enter, Space or → runs the next, ← or b steps back, q stops`,
      data: { file, steps: player.total },
    };
  }

  playNext(): void {
    const p = this.player;
    if (!p) return;
    const step = p.next;
    if (!step) return;
    this.surface.log('input', step.text);
    p.stepper.forward();
    this.surface.ranCommand();
  }

  playBack(): void {
    const p = this.player;
    if (!p) return;
    const undone = p.stepper.back();
    this.surface.log(
      'notice',
      undone ? `⟲ stepped back before line ${undone.line}: ${undone.text}` : '(already at the start of the script)',
    );
    this.surface.refresh();
  }

  playStop(): void {
    const p = this.player;
    if (!p) return;
    this.player = null;
    this.surface.log('notice', `stopped playing ${p.file} at step ${p.at} of ${p.total}`);
    this.surface.refresh();
  }

  // ---- long runs -------------------------------------------------------------------------------------

  private startLongRun(ns: number, text: string, resume: Resume): void {
    const run = new LongRun(this.surface.shell, ns, text);
    this.longRun = run;
    void run
      .go(() => this.surface.refresh())
      .then((end) => {
        this.longRun = null;
        this.reportLongRun(ns, text, end);
        this.surface.refresh();
        // The commands typed after the run on the same line run now, unless it was stopped or failed.
        if (!end.interrupted && !end.failed) {
          resume();
          this.surface.ranCommand();
        }
      });
  }

  private reportLongRun(ns: number, text: string, end: LongRunEnd): void {
    const s = this.surface;
    const lines: string[] = [];
    if (end.interrupted)
      lines.push(
        `${text}: stopped by Ctrl-C after ${durationText(end.doneNs)} of ${durationText(ns)} of virtual time; the host is consistent at the end of the last step`,
      );
    if (end.report) {
      lines.push(runText(end.report));
      lines.push(
        `(run in steps so Ctrl-C can stop it: latency percentiles are given by one uninterrupted run, in the console up to ${durationText(LONG_RUN_NS)}, or any run with -c)`,
      );
    }
    if (lines.length) s.log(end.interrupted ? 'notice' : 'output', lines.join('\n'));
    for (const p of end.report?.pvms ?? [])
      if (p.cow_breaks > 0)
        s.log('event', `${'cow'.padEnd(9)} ${p.name}: ${p.cow_breaks} copy-on-write breaks while serving requests`);
    for (const e of end.events) s.log('event', `${e.kind.padEnd(9)} ${e.text}`);
    if (end.failed) this.show(end.failed);
  }

  /** Ctrl-C during a long run. */
  interrupt(): boolean {
    if (!this.longRun) return false;
    this.longRun.stop();
    return true;
  }

  dispose(): void {
    if (this.clock.on) this.clock.stop();
    this.longRun?.stop();
  }
}
