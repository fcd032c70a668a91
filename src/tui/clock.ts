// `clock on [speed]`: virtual time runs while the class watches. Every STEP_MS of wall time the console
// runs `run <speed x STEP_MS>` through the shell (as a command, so the engine's invariants hold after
// each step) and redraws; typing goes on between steps. Steps are chained, not on an interval, so a
// host slower than the clock falls behind instead of piling steps up. The steps are not logged one by
// one: `clock off` says how much time ran, in how many steps.

import { CLOCK_STEP_MS as STEP_MS } from '../commands/console-only.js';
import type { Shell } from '../commands/shell.js';
import { durationText, run } from '../commands/sched.js';
import type { Done, Outcome } from '../commands/types.js';

export interface ClockHost {
  shell: Shell;
  /** A step ran (its outcome, events and all): ask the engine again and redraw. */
  stepped(o: Done): void;
  /** A step failed: the clock stopped. */
  failed(o: Outcome): void;
  /** Whether something else drives time now (a long run): skip this step. */
  busy(): boolean;
}

export class Clock {
  speed = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ranNs = 0;
  private steps = 0;
  private cow = 0;

  constructor(private readonly host: ClockHost) {}

  get on(): boolean {
    return this.timer !== null;
  }

  start(speed: number): void {
    this.speed = speed;
    if (this.timer) return;
    this.ranNs = this.steps = this.cow = 0;
    this.arm();
  }

  /** Stop; returns what ran since `clock on`. */
  stop(): string {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return `clock off: ran ${durationText(this.ranNs)} of virtual time in ${this.steps} step${this.steps === 1 ? '' : 's'}${this.cow > 0 ? `; ${this.cow} copy-on-write breaks while serving requests` : ''}`;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.step(), STEP_MS);
    // A running clock does not keep a leaving console alive.
    this.timer.unref?.();
  }

  private step(): void {
    if (!this.host.busy()) {
      const ns = Math.max(1, Math.round(this.speed * STEP_MS * 1e6));
      const o = this.host.shell.invoke(run, [`${ns}ns`]);
      if (!o.ok) {
        this.timer = null;
        this.host.failed(o);
        return;
      }
      this.ranNs += ns;
      this.steps++;
      for (const p of o.result.data.pvms) this.cow += p.cow_breaks;
      this.host.stepped(o);
    }
    if (this.timer) this.arm();
  }
}
