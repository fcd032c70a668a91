// The shapes every command shares: its entry in the table, what it gets, what it returns.

import type { CostExplanation } from '../engine/cost-model.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import type { Engine } from '../engine/index.js';
import type { HostConfig, ImageConfig } from '../engine/image.js';
import type { LibraryStore } from '../engine/dl/store.js';
import type { PointResult, SweepJob } from './bench/sweep-point.js';
import type { PlotSpec } from './plot-spec.js';
import type { ArgSpecs, OptSpecs, Values } from './args.js';
import type { ActEffect, ShowEffect } from './effects.js';

/** A command's data for --json: a JSON object. */
export type Data = Record<string, unknown>;

/** What a command returns in every mode: text for people, data for --json. */
export interface Result<D extends Data = Data> {
  text: string;
  data: D;
  /** Modeled latency on KylinX (cost.ts), when the command models one. */
  latencyUs?: number;
  /**
   * The latency as the primitives charged while the command ran (cost-model.ts); the shell fills it in
   * for every command with a latency, unless the command gives its own (try, from the command it ran).
   */
  cost?: CostExplanation;
  /** How the mode shows it beyond its text (narration, a mechanism animated); see effects.ts. */
  effect?: ShowEffect;
  /**
   * The text only confirms a change that xl makes silently (pause, vcpu-pin, sched-credit -w): the
   * console shows it; the scripted modes print it only with -v (xl prints nothing).
   */
  confirmation?: boolean;
}

/**
 * A command whose work is the mode's to do (the dashboard, the clock, play, a long run): the mode's
 * host acts on `effect`, or, where it does not (scripted modes), calls `otherwise`, which gives the
 * command's result or refuses it by throwing.
 */
export interface Handoff<D extends Data = Data> {
  effect: ActEffect;
  otherwise(): Result<D>;
}

/** What a handler returns. */
export type Reply<D extends Data = Data> = Result<D> | Handoff<D>;

export function isHandoff<D extends Data>(r: Reply<D>): r is Handoff<D> {
  return 'otherwise' in r;
}

export type Family = 'lifecycle' | 'inspect' | 'memory' | 'ipc' | 'libraries' | 'scheduler' | 'session';

/**
 * One command: its name, help, and arguments and options as typed specs (args.ts); the handler gets
 * their values parsed (a pVM as its Domain, a duration in ns, an int within its range) and returns
 * a result whose data is of type D.
 */
export interface CommandSpec<D extends Data = Data, A extends ArgSpecs = ArgSpecs, O extends OptSpecs = OptSpecs> {
  name: string;
  family: Family;
  summary: string;
  /** Usage line after the name, e.g. "<pvm> [n]". Generated from args and options when omitted. */
  usage?: string;
  /** Positional arguments in order (an object keeps its keys' order). */
  args: A;
  options?: O;
  /** Longer help shown by `help <cmd>`. */
  help?: string;
  /** Every word after the name is a positional argument, dashes included (try wraps another command). */
  rawArgs?: boolean;
  /** Only the interactive console carries it out (`clock`, `play`); elsewhere it fails saying so. */
  consoleOnly?: boolean;
  /**
   * An xl command (xl_cmdtable.c has it): `help` marks it (xl), and lookup finds it by xl's prefixes.
   * Its outputs print xl's bytes for the same state.
   */
  xl?: boolean;
  /** Where the model differs from xl on purpose, for `help <cmd>`. */
  differs?: string;
  run(ctx: Ctx, a: Values<A>, o: Values<O>): Reply<D>;
}

/** Any command of the table, its argument and data types erased. */
export type AnyCommand = CommandSpec<Data, ArgSpecs, OptSpecs>;

/** The data type of a handler's replies: the union of every branch's. */
export type DataOf<R> = R extends Result<infer D> ? D : R extends Handoff<infer D> ? D : never;

/**
 * A command spec with its types inferred from the object literal: the arguments' and options' values
 * from their specs, the data from every reply the handler can give.
 */
export function command<R extends Reply, A extends ArgSpecs, O extends OptSpecs = Record<never, never>>(
  spec: Omit<CommandSpec<DataOf<R>, A, O>, 'run'> & { run(ctx: Ctx, a: Values<A>, o: Values<O>): R },
): CommandSpec<DataOf<R>, A, O>;
export function command(spec: AnyCommand): AnyCommand {
  return spec;
}

/** Reading and writing files for the commands that do (source, save, restore, export). */
export interface HostIO {
  readText(path: string): string;
  writeAtomic(path: string, text: string): void;
  sleepMs(ms: number): void;
  /** Graphviz DOT to SVG (the WASM Graphviz the package ships); absent where a host cannot render. */
  renderSvg?(dot: string): string;
  /**
   * Run a sweep's points on worker threads, `jobs` at a time (every core when undefined), and return
   * their results in the points' order; absent where a host has none (the points then run here).
   */
  runSweep?(job: SweepJob, jobs: number | undefined): PointResult[];
  /** Draw a chart (Vega-Lite) to `file` as SVG or PNG by its extension; returns the bytes written. */
  plot?(spec: PlotSpec, file: string): number;
}

/** What a sandbox is built from: a host, images and a library store of its own. */
export interface SandboxOptions {
  host: HostConfig;
  images: Map<string, ImageConfig>;
  libs: LibraryStore;
}

/** A shell of its own (a sweep's point): a fresh engine booted from its host, writing no files. */
export interface Sandbox {
  ctx: Ctx;
  /** Run command text, stopping at the first failure; every command's outcome in order. */
  run(text: string, origin: string): Outcome[];
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
  spec(name: string): AnyCommand | undefined;
  /** A shell of its own on a fresh engine, for a sweep's point; it reads files as this one does. */
  sandbox(o: SandboxOptions): Sandbox;
  allSpecs(): AnyCommand[];
}

interface OutcomeBase {
  command: string;
  line: string;
  /** "file:line: " when the command came from a script, else "". */
  where: string;
}

/** A command that ran: its result (data of type D) and the engine events it caused. */
export interface Done<D extends Data = Data> extends OutcomeBase {
  ok: true;
  result: Result<D>;
  events: EngineEvent[];
}

/** A command that failed and changed nothing. */
export interface Failed extends OutcomeBase {
  ok: false;
  error: { code: string; message: string };
  events: EngineEvent[];
}

/** One command's outcome, as every mode prints it. */
export type Outcome<D extends Data = Data> = Done<D> | Failed;
