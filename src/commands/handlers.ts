// Command handlers that load apart from the command table. Every command's spec (name, help, arguments)
// is in the table, so help, completion and dispatch see them all; a few handlers pull in much code of
// their own (bench: its figures, sweeps and charts, some thirty modules), which a command line that does
// not run them should not load, as start-up is a measured budget (DESIGN §6).
//
// Such a handler is a LazyHandler. By default its spec's module awaits it as the table loads, so every
// shell has it (tests, the console, a sweep's workers). The scripted command line defers them
// (scripted-start.ts, cli.ts's first import) and loads those its text runs before running it.

export interface LazyHandler<M> {
  /** The handler's module; loading it is the caller's to have done (loadHandlers). */
  get(): M;
  load(): Promise<void>;
}

const registry = new Map<string, LazyHandler<unknown>>();
let deferring = false;

/** From now on, lazy handlers wait for loadHandlers instead of loading with the table. */
export function deferHandlers(): void {
  deferring = true;
}

export function handlersDeferred(): boolean {
  return deferring;
}

/** The handler module of `command`, imported by `importer` when first loaded. */
export function lazyHandler<M>(command: string, importer: () => Promise<M>): LazyHandler<M> {
  let mod: M | undefined;
  const h: LazyHandler<M> = {
    get(): M {
      // Not the user's mistake: whatever ran the command did not load its handler first.
      if (mod === undefined) throw new Error(`the handler of '${command}' ran before it was loaded`);
      return mod;
    },
    async load(): Promise<void> {
      mod ??= await importer();
    },
  };
  registry.set(command, h);
  return h;
}

/** Load the lazy handlers of the commands named (spec names), or of every command. */
export async function loadHandlers(names: Iterable<string> | 'all'): Promise<void> {
  const wanted = names === 'all' ? [...registry.keys()] : [...names];
  await Promise.all(wanted.map((n) => registry.get(n)?.load()));
}
