// The shell: one engine, the image catalogue and a session history, running command lines. Every mode
// (console, -c, script, stdin) drives this same object, so a command behaves the same everywhere.

import { EngineError, fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import type { HostConfig, ImageConfig } from '../engine/image.js';
import { bootHost, newEngine } from '../engine/index.js';
import { roundUs } from '../engine/cost.js';
import type { CostOverrides } from '../engine/cost-model.js';
import type { LibraryStore } from '../engine/dl/store.js';
import { type ArgSpecs, type OptSpecs, parseArgs, type Values } from './args.js';
import { HELD, type ModeHost, QUIET_HOST, type Resume } from './effects.js';
import { loadState } from './session.js';
import { type CommandText, splitLine } from './lex.js';
import { COMMANDS, findCommand, lookupCommand } from './table.js';
import {
  type CommandSpec,
  type Ctx,
  type Data,
  type Failed,
  type HostIO,
  isHandoff,
  type Outcome,
  type Result,
  type Sandbox,
  type SandboxOptions,
} from './types.js';

export interface ShellOptions {
  host: Partial<HostConfig>;
  images: Map<string, ImageConfig>;
  io: HostIO;
  /** Start from this engine (a loaded state) instead of booting the host. */
  engine?: Engine;
  /** The library store read from the images directory's lib/ and trust/ (src/dl-io.ts). */
  libs?: LibraryStore;
  /** Cost overrides of a new engine (--costs FILE); a given engine has its own. */
  costs?: CostOverrides;
}

export interface RunOptions {
  /** Stop at the first failing command of the text (scripts); the console runs on. */
  stopOnError?: boolean;
  /** Where the text came from, for error messages ("demo.kx:12"). */
  origin?: string;
  /** Record in the history. */
  remember?: boolean;
  /**
   * The line may wait for a command's effect (a line typed at the console): the host may hold the
   * commands after it and run them when the effect ends (a long run).
   */
  mayHold?: boolean;
}

export interface RunSummary {
  failures: number;
  /** Code of the first failure, if any: EUSAGE makes a script exit 2. */
  firstError: string | null;
  /** `exit` or `quit` alone: leave the shell. */
  quit: boolean;
  /** A command's effect holds the rest of the text; the host runs it when the effect ends. */
  held: boolean;
}

const MAX_SOURCE_DEPTH = 16;

/** `exit` or `quit` alone leaves the shell (with arguments, exit is a pVM's exit). */
export function isQuit(words: readonly string[]): boolean {
  return words.length === 1 && (words[0] === 'exit' || words[0] === 'quit');
}

/** Where a run of text is: its lines, the one being run, that line's commands and the next of them. */
interface Cursor {
  lines: string[];
  line: number;
  cmds: CommandText[];
  next: number;
  where: string;
  opts: RunOptions;
  summary: RunSummary;
}

export class Shell {
  hv: Engine;
  readonly images: Map<string, ImageConfig>;
  readonly history: string[] = [];
  private readonly io: HostIO;
  private readonly host: Partial<HostConfig>;
  private readonly libs: LibraryStore | undefined;
  private sinks: ((o: Outcome) => void)[] = [];
  private mode: ModeHost = QUIET_HOST;
  private depth = 0;
  /** What commands run against: one object for the shell's life (it reads the current engine). */
  private readonly context: Ctx;

  constructor(opts: ShellOptions) {
    this.images = opts.images;
    this.io = opts.io;
    this.host = opts.host;
    this.libs = opts.libs;
    if (opts.engine) this.hv = opts.engine;
    else {
      this.hv = newEngine(opts.host, { libs: opts.libs, costs: opts.costs });
      bootHost(this.hv, this.images);
    }
    this.context = this.makeCtx();
  }

  /** What commands run against (a sandbox's commands, a sweep worker's figures). */
  get ctx(): Ctx {
    return this.context;
  }

  /** The mode's host: it shows every outcome and carries out the effects commands hand off. */
  useHost(mode: ModeHost): void {
    this.mode = mode;
  }

  /** Replace the engine with one loaded from a serialized state (time travel, restore). */
  rewind(serialized: string): void {
    this.hv = loadState((h) => this.context.newEngine(h), serialized, 'snapshot');
  }

  /** Watch every command's outcome (tests, the stepper); the mode's host shows them first. */
  onOutcome(sink: (o: Outcome) => void): () => void {
    this.sinks.push(sink);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Run one line (or a whole script's text): every command's outcome goes to the host and the sinks. */
  run(text: string, opts: RunOptions = {}): RunSummary {
    const summary: RunSummary = { failures: 0, firstError: null, quit: false, held: false };
    const at: Cursor = { lines: text.split('\n'), line: -1, cmds: [], next: 0, where: '', opts, summary };
    this.go(at);
    return summary;
  }

  /** Run commands already split from a line (a script's steps), as `run` runs a line's. */
  runCommands(cmds: CommandText[], opts: RunOptions = {}): RunSummary {
    const summary: RunSummary = { failures: 0, firstError: null, quit: false, held: false };
    if (opts.remember) for (const c of cmds) this.history.push(c.text);
    this.go({ lines: [], line: 0, cmds, next: 0, where: '', opts, summary });
    return summary;
  }

  /** Run from the cursor on until the text ends, a command fails in a script, `exit`, or a hold. */
  private go(at: Cursor): void {
    const { opts, summary } = at;
    for (;;) {
      while (at.next >= at.cmds.length) {
        if (++at.line >= at.lines.length) return;
        if (!this.lexLine(at)) {
          if (opts.stopOnError) return;
        }
      }
      const c = at.cmds[at.next++]!;
      const w0 = c.words[0]!;
      if (isQuit(c.words)) {
        summary.quit = true;
        return;
      }
      let held = false;
      const hold = opts.mayHold
        ? (): Resume => {
            held = true;
            summary.held = true;
            return () => this.go(at);
          }
        : undefined;
      const o = this.exec(c.words, c.text, at.where, hold);
      if (o === HELD) {
        if (held) return;
        this.fail(summary, bug(w0, c.text, at.where, 'an effect was held without holding the line'));
        if (opts.stopOnError) return;
        continue;
      }
      if (!o.ok) {
        this.fail(summary, o);
        if (opts.stopOnError) return;
      } else this.emit(o);
    }
  }

  /** Split the cursor's line into its commands; false (and the error reported) when it does not lex. */
  private lexLine(at: Cursor): boolean {
    const line = at.lines[at.line]!;
    at.where = at.opts.origin ? `${at.opts.origin}:${at.line + 1}: ` : '';
    at.next = 0;
    try {
      at.cmds = splitLine(line);
    } catch (e) {
      at.cmds = [];
      this.fail(at.summary, { command: '', line, where: at.where, ok: false, error: errorOf(e), events: [] });
      return false;
    }
    if (at.opts.remember && at.cmds.length > 0) this.history.push(line.trim());
    return true;
  }

  /** Run one command given as words; the outcome is returned and not sent to the host or the sinks. */
  runOne(words: string[], text: string = words.join(' '), where = ''): Outcome {
    const o = this.exec(words, text, where, undefined);
    return o === HELD ? bug(words[0] ?? '', text, where, 'an effect was held outside a line') : o;
  }

  /**
   * Run a command of the table by its spec, with its data typed: for the console's own steps (the
   * clock's and a long run's `run`, the dashboard's figures). A handoff runs as in a script.
   */
  invoke<D extends Data, A extends ArgSpecs, O extends OptSpecs>(
    spec: CommandSpec<D, A, O>,
    words: string[],
  ): Outcome<D> {
    const text = [spec.name, ...words].join(' ');
    try {
      const { a, o } = parseArgs(spec, words, this.context);
      this.hv.cost.begin();
      // parseArgs gives each key of the spec its value as the spec's kinds parse it: Values<A>, Values<O>.
      const reply = spec.run(this.context, a as Values<A>, o as Values<O>);
      const result = isHandoff(reply) ? reply.otherwise() : reply;
      return this.done(spec.name, text, '', result);
    } catch (e) {
      return this.failed(spec.name, text, '', e);
    }
  }

  private exec(words: string[], text: string, where: string, hold: (() => Resume) | undefined): Outcome | typeof HELD {
    let name = words[0]!;
    try {
      const spec = findCommand(name);
      name = spec.name;
      const { a, o } = parseArgs(spec, words.slice(1), this.context);
      this.hv.cost.begin();
      const reply = spec.run(this.context, a, o);
      const result = isHandoff(reply)
        ? this.mode.act(reply, { ctx: this.context, line: text, ...(hold ? { hold } : {}) })
        : reply;
      if (result === HELD) return HELD;
      return this.done(name, text, where, result);
    } catch (e) {
      return this.failed(name, text, where, e);
    }
  }

  private done<D extends Data>(command: string, line: string, where: string, result: Result<D>): Outcome<D> {
    if (result.latencyUs !== undefined) {
      result.latencyUs = roundUs(result.latencyUs);
      result.cost ??= this.hv.cost.take();
    }
    const events = this.hv.drainEvents();
    // What a command did goes to the hypervisor's log (dmesg); a failed one did nothing to log.
    this.hv.conring.logEvents(events);
    return { command, line, where, ok: true, result, events };
  }

  private failed(command: string, line: string, where: string, e: unknown): Failed {
    // A failed command changed nothing, so whatever it emitted before failing is dropped with it.
    this.hv.drainEvents();
    return { command, line, where, ok: false, error: errorOf(e), events: [] };
  }

  private fail(summary: RunSummary, o: Failed): void {
    summary.failures++;
    summary.firstError ??= o.error.code;
    this.emit(o);
  }

  private emit(o: Outcome): void {
    this.mode.show(o);
    for (const s of this.sinks) s(o);
  }

  private makeCtx(): Ctx {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context reads the shell's current engine
    const shell = this;
    return {
      get hv(): Engine {
        return shell.hv;
      },
      images: this.images,
      io: this.io,
      history: this.history,
      runWords: (words) => this.runOne(words),
      runText: (text, origin) => {
        if (this.depth >= MAX_SOURCE_DEPTH)
          throw new EngineError(
            'ELOOP',
            `source nests deeper than ${MAX_SOURCE_DEPTH} files (does a script source itself?)`,
          );
        this.depth++;
        try {
          return this.run(text, { origin, stopOnError: true }).failures;
        } finally {
          this.depth--;
        }
      },
      replaceEngine: (hv) => {
        this.hv = hv;
      },
      newEngine: (host) => newEngine(host ?? this.host, { libs: this.libs }),
      spec: (n) => lookupCommand(n),
      sandbox: (o) => sandbox(o, this.io),
      allSpecs: () => COMMANDS,
    };
  }
}

/**
 * A shell of its own for a sweep's point: the host booted, files read through `io`, none written (the
 * points run at once and would overwrite each other's), `sleep` not waiting, no nested worker pool.
 */
export function sandbox(o: SandboxOptions, io: HostIO): Sandbox {
  const shell = new Shell({
    host: o.host,
    images: o.images,
    libs: o.libs,
    io: {
      readText: (path) => io.readText(path),
      writeAtomic: (path) =>
        fail('EPERM', `${path}: a sweep's point writes no files (its points run at once and would overwrite them)`),
      sleepMs: () => {},
    },
  });
  return {
    ctx: shell.ctx,
    run(text, origin) {
      const outs: Outcome[] = [];
      const off = shell.onOutcome((x) => outs.push(x));
      try {
        shell.run(text, { origin, stopOnError: true });
      } finally {
        off();
      }
      return outs;
    },
  };
}

function bug(command: string, line: string, where: string, why: string): Failed {
  return { command, line, where, ok: false, error: errorOf(new Error(why)), events: [] };
}

/** One-line error for any failure; a bug in kylinx-sh is reported as such, never as a stack trace. */
export function errorOf(e: unknown): { code: string; message: string } {
  // One line, whatever the message holds: errors are read in logs and by scripts.
  if (e instanceof EngineError) return { code: e.code, message: e.message.replace(/\s*\n\s*/g, ' ') };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'EBUG', message: `internal error in kylinx-sh (please report it): ${msg.split('\n')[0]}` };
}
