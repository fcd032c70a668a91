// Plays the console's animations in wall time: the mechanisms commands hand over (timeline.ts), one after
// another, and the short tweens the console makes from data (a pipe's ring filling or draining). It
// only draws: the engine finished the command before an animation starts, so skipping one (any key)
// or turning animations off changes neither the state nor the output. A timer ticks only while
// something plays; an idle console has none.

import type { Animation } from '../../commands/effects.js';
import { positionAt, type Timeline, timeline, type TimedStep } from './timeline.js';

/** Frames a second while something plays. */
const FPS = 15;
/** How long a ring's fill takes to move, at least and at most (ms of wall time). */
const RING_MIN_MS = 350;
const RING_MAX_MS = 1_500;

export interface Playing {
  timeline: Timeline;
  /** The step playing (index into timeline.steps; steps.length once done). */
  index: number;
  step: TimedStep | undefined;
  /** How far into the step, 0..1. */
  frac: number;
  /** Modeled time elapsed, µs. */
  us: number;
  /** Timelines waiting after this one. */
  queued: number;
}

export interface AnimatorHost {
  now(): number;
  /** Redraw. */
  changed(): void;
}

interface Ring {
  from: number;
  to: number;
  startMs: number;
  wallMs: number;
}

export class Animator {
  on = true;
  factor: number;
  private queue: Timeline[] = [];
  private current: { t: Timeline; startMs: number } | null = null;
  private rings = new Map<number, Ring>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: AnimatorHost,
    factor: number,
  ) {
    this.factor = factor;
  }

  /** Queue a mechanism's animation (nothing when animations are off). */
  play(a: Animation): void {
    if (!this.on) return;
    const t = timeline(a, this.factor);
    if (t.steps.length === 0) return;
    this.queue.push(t);
    if (!this.current) this.next();
    this.arm();
  }

  /** A pipe's fill moved from `from` to `to` (fractions of the ring); `us` is the call's modeled time. */
  ring(pipe: number, from: number, to: number, us: number): void {
    if (!this.on || from === to) return;
    const wallMs = Math.min(RING_MAX_MS, Math.max(RING_MIN_MS, (us * this.factor) / 1000));
    this.rings.set(pipe, { from, to, startMs: this.host.now(), wallMs });
    this.arm();
  }

  /** The fill to draw for a pipe whose fill is `now`: part way from where it was while its tween plays. */
  ringFill(pipe: number, now: number): number {
    const r = this.rings.get(pipe);
    if (!r || r.to !== now) return now;
    const f = Math.min(1, (this.host.now() - r.startMs) / r.wallMs);
    return r.from + (r.to - r.from) * f;
  }

  /** What plays now, or null. */
  playing(): Playing | null {
    if (!this.current) return null;
    const p = positionAt(this.current.t, this.host.now() - this.current.startMs);
    return {
      timeline: this.current.t,
      index: p.index,
      step: this.current.t.steps[p.index],
      frac: p.frac,
      us: p.us,
      queued: this.queue.length,
    };
  }

  get busy(): boolean {
    return this.current !== null || this.rings.size > 0;
  }

  /** Any key: every animation jumps to its end. Returns whether something was playing. */
  skip(): boolean {
    const was = this.busy;
    this.queue = [];
    this.current = null;
    this.rings.clear();
    this.disarm();
    if (was) this.host.changed();
    return was;
  }

  /** `animate off`, or `animate on` / a factor. */
  set(on: boolean, factor?: number): void {
    if (!on) this.skip();
    this.on = on;
    if (factor !== undefined) this.factor = factor;
  }

  dispose(): void {
    this.skip();
  }

  private next(): void {
    const t = this.queue.shift();
    this.current = t ? { t, startMs: this.host.now() } : null;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), 1000 / FPS);
    // Drawing never keeps a leaving console alive.
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = this.host.now();
    while (this.current && now - this.current.startMs >= this.current.t.totalMs) this.next();
    for (const [pipe, r] of this.rings) if (now - r.startMs >= r.wallMs) this.rings.delete(pipe);
    if (!this.busy) this.disarm();
    this.host.changed();
  }
}
