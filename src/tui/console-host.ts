// The console's host (src/commands/effects.ts): the one place where the console carries out what
// commands hand it and shows their outcomes. It opens the dashboard, runs the clock, plays a script (first
// offering to boot the host again when it has changed), runs a long `run` in steps Ctrl-C can stop
// (holding the rest of the line until the run ends) and sets animations. Outcomes go to the output
// pane: text whole, errors marked, narration framed, events folded by kind (not again when the text
// already says them), and a mechanism's record; its animation is queued.

import { banner } from '../commands/banner.js';
import { ANIMATE_DEFAULT_FACTOR } from '../commands/classroom.js';
import { CLOCK_STEP_MS } from '../commands/console-only.js';
import { type ActOptions, HELD, type ModeHost, type Resume } from '../commands/effects.js';
import { errorLine, isAside, outcomeText } from '../commands/output.js';
import { durationText, LONG_RUN_NS, runText } from '../commands/sched.js';
import type { Ctx, Handoff, Outcome, Result } from '../commands/types.js';
import { fail } from '../engine/errors.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import { bootHost } from '../engine/index.js';
import { hostFromCfg } from '../engine/config.js';
import { parseCfg } from '../engine/image.js';
import { recordText } from './anim/record.js';
import { Clock } from './clock.js';
import { LongRun, type LongRunEnd } from './longrun.js';
import type { ConsoleModel } from './model.js';
import { Player, scriptHost } from './player.js';

/** Events of one command the output already says in its text are not listed again. */
function eventItems(es: readonly EngineEvent[]): EngineEvent[] {
  return es.filter((e) => !isAside(e.kind));
}

/** `play FILE` on a host that has changed since boot: the question the bar asks. */
export interface PlayOffer {
  file: string;
  text: string;
  /** The host file the script names, or null for the start-up host. */
  host: string | null;
  /** What changed, in a few words ("7 pVMs, t=3.2 s"). */
  changed: string;
}

export class ConsoleHost implements ModeHost {
  readonly clock: Clock;
  player: Player | null = null;
  offer: PlayOffer | null = null;
  longRun: LongRun | null = null;
  private dashboardAsked = false;

  constructor(private readonly m: ConsoleModel) {
    this.clock = new Clock({
      shell: m.shell,
      busy: () => this.longRun !== null,
      stepped: (o) => {
        m.out.addEvents(eventItems(o.events), 'while the clock ran');
        m.noteEvents(o.events);
        m.markStale();
        m.refresh();
      },
      failed: (o) => {
        this.show(o);
        m.out.add('notice', 'clock stopped');
        m.markStale();
        m.refresh();
        m.changed();
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
        this.m.out.closeSource();
        return { text: this.clock.stop(), data: { clock: 'off' } };
      case 'play-script':
        return this.play(o.ctx, e.file, o.ctx.io.readText(e.file));
      case 'long-run':
        // Inside `source` or `try` the line cannot wait: the run is one step, as in a script.
        if (!o.hold) return h.otherwise();
        this.startLongRun(e.ns, o.line, o.hold());
        return HELD;
      case 'animation':
        return this.animation(e.set);
    }
  }

  private animation(set: 'on' | 'off' | number | null): Result {
    const a = this.m.animator;
    if (set === 'off') a.set(false);
    else if (set === 'on') a.set(true, a.factor || ANIMATE_DEFAULT_FACTOR);
    else if (typeof set === 'number') a.set(true, set);
    const state = a.on ? `on at ${a.factor}x: 1 ms of modeled time plays in ${durationText(a.factor * 1e6)}` : 'off';
    return {
      text: `animations ${state}${a.on ? '; any key skips one' : ''}`,
      data: { animate: a.on ? 'on' : 'off', factor: a.factor },
    };
  }

  /** An outcome in the output pane: its text or error, narration framed, events, a mechanism's record. */
  show(o: Outcome): void {
    const m = this.m;
    m.markStale();
    if (!o.ok) {
      m.out.add('error', errorLine(o));
      return;
    }
    m.lastLatencyUs = o.result.latencyUs ?? 0;
    const effect = o.result.effect;
    if (effect?.kind === 'say') m.out.add('say', banner(effect.text));
    else {
      const t = outcomeText(o);
      if (t) m.out.add('output', t);
    }
    m.out.addEvents(eventItems(o.events));
    m.noteEvents(o.events);
    if (effect?.kind === 'animate') {
      const r = recordText(effect.animation);
      if (r) m.out.add('steps', r);
      m.animator.play(effect.animation);
    }
  }

  /** Whether a command of the last line asked for the dashboard (asking once). */
  takeDashboard(): boolean {
    const asked = this.dashboardAsked;
    this.dashboardAsked = false;
    return asked;
  }

  // ---- play ------------------------------------------------------------------------------------------

  private play(ctx: Ctx, file: string, text: string): Result {
    if (this.player) fail('EBUSY', `already playing ${this.player.file} (q stops it)`);
    const host = scriptHost(text);
    const changed = this.changedSinceBoot(ctx, host);
    if (changed) {
      this.offer = { file, text, host, changed };
      return {
        text: `play ${file}: the host is not as it booted (${changed})${host ? `, and the script asks for ${host}` : ''}; y or Enter boots it again first, n plays on this state, q cancels`,
        data: { file, offer: 'reset' },
      };
    }
    return this.startPlayer(file, text);
  }

  /** How the engine differs from a fresh boot of the script's host (or the start-up one), or null when it does not. */
  private changedSinceBoot(ctx: Ctx, hostFile: string | null): string | null {
    const host = hostFile === null ? undefined : hostFromCfg(parseCfg(ctx.io.readText(hostFile), hostFile), hostFile);
    const fresh = ctx.newEngine(host);
    bootHost(fresh, ctx.images);
    const hv = ctx.hv;
    if (fresh.fingerprint() === hv.fingerprint()) return null;
    return `${hv.liveCount - 1} pVMs, t=${durationText(hv.nowNs)}`;
  }

  private startPlayer(file: string, text: string): Result {
    const player = new Player(this.m.shell, file, text);
    if (player.total === 0) fail('EINVAL', `${file} has no commands to play`);
    this.player = player;
    return {
      text: `play ${file}: ${player.total} steps; Enter, Space or → runs the next, ← or b steps back, q stops`,
      data: { file, steps: player.total },
    };
  }

  /** The answer to the offer: boot again first ('reset'), play on as is ('keep'), or not play ('cancel'). */
  answerOffer(a: 'reset' | 'keep' | 'cancel'): void {
    const offer = this.offer;
    if (!offer) return;
    this.offer = null;
    const m = this.m;
    if (a === 'cancel') m.out.add('notice', `not playing ${offer.file}`);
    else {
      if (a === 'reset') {
        const line = offer.host ? `reset --host ${quote(offer.host)}` : 'reset';
        m.out.add('input', line);
        const s = m.shell.run(line);
        if (s.failures > 0) {
          m.ranCommand();
          return;
        }
      }
      try {
        const r = this.startPlayer(offer.file, offer.text);
        m.out.add('output', r.text);
      } catch (e) {
        m.out.add('error', `play: ${(e as Error).message}`);
      }
    }
    m.ranCommand();
    m.changed();
  }

  playNext(): void {
    const p = this.player;
    if (!p) return;
    const step = p.next;
    if (!step) return;
    this.m.out.live();
    this.m.out.add('input', step.text);
    this.m.cowMarks = new Set();
    p.stepper.forward();
    this.m.ranCommand();
  }

  playBack(): void {
    const p = this.player;
    if (!p) return;
    const undone = p.stepper.back();
    this.m.out.add(
      'notice',
      undone ? `⟲ stepped back before line ${undone.line}: ${undone.text}` : '(already at the start of the script)',
    );
    this.m.markStale();
    this.m.refresh();
    this.m.changed();
  }

  playStop(): void {
    const p = this.player;
    if (!p) return;
    this.player = null;
    this.m.out.add('notice', `stopped playing ${p.file} at step ${p.at} of ${p.total}`);
    this.m.changed();
  }

  // ---- long runs -------------------------------------------------------------------------------------

  private startLongRun(ns: number, text: string, resume: Resume): void {
    const run = new LongRun(this.m.shell, ns, text);
    this.longRun = run;
    void run
      .go(() => {
        this.m.markStale();
        this.m.refresh();
      })
      .then((end) => {
        this.longRun = null;
        this.reportLongRun(ns, text, end);
        this.m.markStale();
        this.m.refresh();
        // The commands typed after the run on the same line run now, unless it was stopped or failed.
        if (!end.interrupted && !end.failed) {
          resume();
          this.m.ranCommand();
        }
        this.m.changed();
      });
  }

  private reportLongRun(ns: number, text: string, end: LongRunEnd): void {
    const out = this.m.out;
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
    if (lines.length) out.add(end.interrupted ? 'notice' : 'output', lines.join('\n'));
    // The steps' copy-on-write events are summed per pVM in the report: one line each, folded with the rest.
    const cows: EngineEvent[] = (end.report?.pvms ?? [])
      .filter((p) => p.cow_breaks > 0)
      .map((p) => ({
        kind: 'cow',
        domid: p.domid,
        name: p.name,
        text: `${p.name}: ${p.cow_breaks} copy-on-write breaks while serving requests`,
        t: end.report!.end_ns,
      }));
    out.addEvents(eventItems([...cows, ...end.events]));
    this.m.noteEvents([...cows, ...end.events]);
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

function quote(path: string): string {
  return /^[\w./@+-]+$/.test(path) ? path : `"${path.replace(/"/g, '\\"')}"`;
}
