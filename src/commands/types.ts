// The shapes every command shares: its entry in the table, what it gets, what it returns.

import type { EngineEvent } from '../engine/hypervisor.js';
import type { Engine } from '../engine/index.js';
import type { HostConfig, ImageConfig } from '../engine/image.js';

/** What a command returns in every mode: text for people, data for --json. */
export interface Result {
  text: string;
  data: Record<string, unknown>;
  /** Modeled latency on KylinX (cost.ts), when the command models one. */
  latencyUs?: number;
}

/** The kind of a positional argument; completion and help use it. */
export type ArgKind =
  'pvm' | 'image' | 'region' | 'int' | 'word' | 'text' | 'file' | 'command' | 'signal' | 'duration' | 'lib' | 'pipe';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  optional?: boolean;
  /** Takes every remaining positional argument (at least one unless optional). */
  rest?: boolean;
}

export interface OptSpec {
  /** Long name without dashes: --offset. */
  name: string;
  /** Single-letter form without the dash: -d. */
  short?: string;
  /** Whether the option takes a value (and of what kind, for completion). */
  value?: ArgKind;
  summary: string;
}

export interface Args {
  /** Positional arguments, by spec name. Rest arguments are joined into `rest` as an array. */
  pos: Record<string, string | undefined>;
  rest: string[];
  opts: Record<string, string | true | undefined>;
}

export type Family = 'lifecycle' | 'inspect' | 'memory' | 'ipc' | 'libraries' | 'scheduler' | 'session';

export interface CommandSpec {
  name: string;
  family: Family;
  summary: string;
  /** Usage line after the name, e.g. "<pvm> [n]". Generated from args and options when omitted. */
  usage?: string;
  args: ArgSpec[];
  options?: OptSpec[];
  /** Longer help shown by `help <cmd>`. */
  help?: string;
  /** Every word after the name is a positional argument, dashes included (try wraps another command). */
  rawArgs?: boolean;
  /** Commands that are only meaningful in the interactive console (e.g. `clock`). */
  consoleOnly?: boolean;
  run(ctx: Ctx, a: Args): Result;
}

/** Reading and writing files for the commands that do (source, save, restore, export). */
export interface HostIO {
  readText(path: string): string;
  writeAtomic(path: string, text: string): void;
  sleepMs(ms: number): void;
  /** Graphviz DOT to SVG (the WASM Graphviz the package ships); absent where a host cannot render. */
  renderSvg?(dot: string): string;
}

/** What a command runs against. */
export interface Ctx {
  hv: Engine;
  images: Map<string, ImageConfig>;
  io: HostIO;
  /** Run more command text (source): each command's outcome goes out as usual. Returns failures. */
  runText(text: string, origin: string): number;
  /** Run one command given as words and return its outcome (for `try`). */
  runWords(words: string[]): Outcome;
  history: string[];
  /** Replace the engine (restore). */
  replaceEngine(hv: Engine): void;
  /** Make a fresh engine with the same host and subsystems, for restore. */
  newEngine(host?: HostConfig): Engine;
  spec(name: string): CommandSpec | undefined;
  allSpecs(): CommandSpec[];
}

/** One command's outcome, as every mode prints it. */
export interface Outcome {
  command: string;
  line: string;
  /** "file:line: " when the command came from a script, else "". */
  where: string;
  ok: boolean;
  result?: Result;
  error?: { code: string; message: string };
  events: EngineEvent[];
}
