// The shell: one engine, the image catalogue and a session history, running command lines. Every mode
// (console, -c, script, stdin) drives this same object, so a command behaves the same everywhere.

import { EngineError } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import type { HostConfig, ImageConfig } from '../engine/image.js';
import { bootHost, newEngine } from '../engine/index.js';
import { roundUs } from '../engine/cost.js';
import type { LibraryStore } from '../engine/dl/store.js';
import { parseArgs } from './args.js';
import { loadState } from './session.js';
import { splitLine } from './lex.js';
import { COMMANDS, findCommand } from './table.js';
import type { Ctx, HostIO, Outcome } from './types.js';

export interface ShellOptions {
  host: Partial<HostConfig>;
  images: Map<string, ImageConfig>;
  io: HostIO;
  /** Start from this engine (a loaded state) instead of booting the host. */
  engine?: Engine;
  /** The library store read from the images directory's lib/ and trust/ (src/dl-io.ts). */
  libs?: LibraryStore;
}

export interface RunOptions {
  /** Stop at the first failing command of the text (scripts); the console runs on. */
  stopOnError?: boolean;
  /** Where the text came from, for error messages ("demo.kx:12"). */
  origin?: string;
  /** Record in the history. */
  remember?: boolean;
}

export interface RunSummary {
  failures: number;
  /** Code of the first failure, if any: EUSAGE makes a script exit 2. */
  firstError: string | null;
  /** `exit` or `quit` alone: leave the shell. */
  quit: boolean;
}

const MAX_SOURCE_DEPTH = 16;

export class Shell {
  hv: Engine;
  readonly images: Map<string, ImageConfig>;
  readonly history: string[] = [];
  private readonly io: HostIO;
  private readonly host: Partial<HostConfig>;
  private readonly libs: LibraryStore | undefined;
  private sinks: ((o: Outcome) => void)[] = [];
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
      this.hv = newEngine(opts.host, { libs: opts.libs });
      bootHost(this.hv, this.images);
    }
    this.context = this.makeCtx();
  }

  /** Replace the engine with one loaded from a serialized state (time travel, restore). */
  rewind(serialized: string): void {
    this.hv = loadState((h) => this.context.newEngine(h), serialized, 'snapshot');
  }

  /** Receive every command's outcome (printing, the console's log, tests). */
  onOutcome(sink: (o: Outcome) => void): () => void {
    this.sinks.push(sink);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Run one line (or a whole script's text): every command's outcome goes to the sinks. */
  run(text: string, opts: RunOptions = {}): RunSummary {
    const summary: RunSummary = { failures: 0, firstError: null, quit: false };
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const where = opts.origin ? `${opts.origin}:${i + 1}: ` : '';
      let cmds;
      try {
        cmds = splitLine(line);
      } catch (e) {
        this.fail(summary, { command: '', line, where, ok: false, error: errorOf(e), events: [] });
        if (opts.stopOnError) return summary;
        continue;
      }
      if (opts.remember && cmds.length > 0) this.history.push(line.trim());
      for (const c of cmds) {
        const w0 = c.words[0]!;
        if ((w0 === 'exit' || w0 === 'quit') && c.words.length === 1) {
          summary.quit = true;
          return summary;
        }
        const o = this.runOne(c.words, c.text, where);
        if (!o.ok) {
          this.fail(summary, o);
          if (opts.stopOnError) return summary;
        } else this.emit(o);
      }
    }
    return summary;
  }

  /** Run one command given as words; the outcome is returned and not sent to the sinks. */
  runOne(words: string[], text: string = words.join(' '), where = ''): Outcome {
    let name = words[0]!;
    try {
      const spec = findCommand(name);
      name = spec.name;
      const args = parseArgs(spec, words.slice(1));
      const result = spec.run(this.context, args);
      if (result.latencyUs !== undefined) result.latencyUs = roundUs(result.latencyUs);
      return { command: name, line: text, where, ok: true, result, events: this.hv.drainEvents() };
    } catch (e) {
      // A failed command changed nothing, so whatever it emitted before failing is dropped with it.
      this.hv.drainEvents();
      return { command: name, line: text, where, ok: false, error: errorOf(e), events: [] };
    }
  }

  private fail(summary: RunSummary, o: Outcome): void {
    summary.failures++;
    summary.firstError ??= o.error!.code;
    this.emit(o);
  }

  private emit(o: Outcome): void {
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
      spec: (n) => {
        try {
          return findCommand(n);
        } catch {
          return undefined;
        }
      },
      allSpecs: () => COMMANDS,
    };
  }
}

/** One-line error for any failure; a bug in kylinx-sh is reported as such, never as a stack trace. */
export function errorOf(e: unknown): { code: string; message: string } {
  // One line, whatever the message holds: errors are read in logs and by scripts.
  if (e instanceof EngineError) return { code: e.code, message: e.message.replace(/\s*\n\s*/g, ' ') };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'EBUG', message: `internal error in kylinx-sh (please report it): ${msg.split('\n')[0]}` };
}
