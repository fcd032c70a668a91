// What the console carries out itself (console-commands.ts decides which): `clock on|off`, `play FILE`
// and its keys, and a long `run` in interruptible steps. Each reports in the log as a command would.

import { parseSpeed } from '../commands/console-only.js';
import { errorOf, type Shell } from '../commands/shell.js';
import { durationText, runText } from '../commands/sched.js';
import type { Outcome, Result } from '../commands/types.js';
import { fail } from '../engine/errors.js';
import { Clock, STEP_MS } from './clock.js';
import type { Planned } from './console-commands.js';
import { LongRun, LONG_RUN_NS } from './longrun.js';
import type { LogKind } from './model.js';
import { Player } from './player.js';

export interface ActionHost {
  shell: Shell;
  /** Add to the log (no redraw). */
  log(kind: LogKind, text: string): void;
  /** Log an outcome as the shell's sink does (output, error line, events). */
  report(o: Outcome): void;
  /** A command ran: count it, ask the engine again, redraw. */
  ranCommand(): void;
  /** Ask the engine again and redraw. */
  refresh(): void;
  readText(path: string): string;
}

export class ConsoleActions {
  readonly clock: Clock;
  player: Player | null = null;
  longRun: LongRun | null = null;

  constructor(private readonly host: ActionHost) {
    this.clock = new Clock({
      shell: host.shell,
      busy: () => this.longRun !== null,
      stepped: () => host.refresh(),
      failed: (o) => {
        host.report(o);
        host.log('notice', 'clock stopped');
        host.refresh();
      },
    });
  }

  /** Run a planned line from `from` on; a long run continues the rest when it ends (unless stopped). */
  runPlan(plan: Planned[], from = 0): { quit: boolean } {
    const shell = this.host.shell;
    for (let i = from; i < plan.length; i++) {
      const p = plan[i]!;
      if (p.kind === 'shell') {
        const s = shell.run(p.text);
        this.host.ranCommand();
        if (s.quit) return { quit: true };
      } else if (p.kind === 'console') {
        this.consoleCommand(p);
        this.host.ranCommand();
      } else {
        this.startLongRun(p.ns, p.text, () => this.runPlan(plan, i + 1));
        return { quit: false };
      }
    }
    return { quit: false };
  }

  private consoleCommand(p: Extract<Planned, { kind: 'console' }>): void {
    const out: Outcome = { command: p.spec.name, line: p.text, where: '', ok: true, events: [] };
    try {
      if (p.error) throw p.error;
      out.result =
        p.spec.name === 'clock'
          ? this.clockCommand(p.args!.pos['on|off']!, p.args!.pos.speed)
          : this.playCommand(p.args!.pos.file!);
    } catch (e) {
      out.ok = false;
      out.error = errorOf(e);
    }
    this.host.report(out);
  }

  private clockCommand(onOff: string, speedText: string | undefined): Result {
    if (onOff === 'on') {
      const speed = parseSpeed(speedText);
      this.clock.start(speed);
      return {
        text: `clock on at ${speed}x: ${durationText(speed * STEP_MS * 1e6)} of virtual time every ${STEP_MS} ms (clock off stops it)`,
        data: { clock: 'on', speed },
      };
    }
    if (onOff === 'off') {
      if (!this.clock.on) return { text: 'the clock is off already', data: { clock: 'off' } };
      return { text: this.clock.stop(), data: { clock: 'off' } };
    }
    fail('EUSAGE', `clock: expected on or off, not '${onOff}' (usage: clock on [speed] | off)`);
  }

  private playCommand(file: string): Result {
    if (this.player) fail('EBUSY', `already playing ${this.player.file} (q stops it)`);
    const text = this.host.readText(file);
    const player = new Player(this.host.shell, file, text);
    if (player.total === 0) fail('EINVAL', `${file} has no commands to play`);
    this.player = player;
    return {
      text: `play ${file}: ${player.total} steps; Enter, Space or → runs the next, ← or b steps back, q stops`,
      data: { file, steps: player.total },
    };
  }

  // ---- play keys -----------------------------------------------------------------------------------

  playNext(): void {
    const p = this.player;
    if (!p) return;
    const step = p.next;
    if (!step) return;
    this.host.log('input', step.text);
    p.stepper.forward();
    this.host.ranCommand();
  }

  playBack(): void {
    const p = this.player;
    if (!p) return;
    const undone = p.stepper.back();
    this.host.log(
      'notice',
      undone ? `⟲ stepped back before line ${undone.line}: ${undone.text}` : '(already at the start of the script)',
    );
    this.host.refresh();
  }

  playStop(): void {
    const p = this.player;
    if (!p) return;
    this.player = null;
    this.host.log('notice', `stopped playing ${p.file} at step ${p.at} of ${p.total}`);
    this.host.refresh();
  }

  // ---- long runs ---------------------------------------------------------------------------------

  private startLongRun(ns: number, text: string, then: () => void): void {
    const run = new LongRun(this.host.shell, ns, text);
    this.longRun = run;
    void run
      .go(() => this.host.refresh())
      .then((end) => {
        this.longRun = null;
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
        if (lines.length) this.host.log(end.interrupted ? 'notice' : 'output', lines.join('\n'));
        for (const p of end.report?.pvms ?? [])
          if (p.cow_breaks > 0)
            this.host.log(
              'event',
              `${'cow'.padEnd(9)} ${p.name}: ${p.cow_breaks} copy-on-write breaks while serving requests`,
            );
        for (const e of end.events) this.host.log('event', `${e.kind.padEnd(9)} ${e.text}`);
        if (end.failed) this.host.report(end.failed);
        this.host.refresh();
        if (!end.interrupted && !end.failed) then();
      });
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
