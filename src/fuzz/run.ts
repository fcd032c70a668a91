// Running a fuzz session against the engine: every command is checked for a crash (an error that is
// not an EngineError), a multi-line or code-less error, invariant failures (check()) and, when it fails,
// any change to the serialized state. Engines are renewed every `perEngine` lines so states stay small.

import { splitLine } from '../commands/lex.js';
import { isQuit, Shell } from '../commands/shell.js';
import type { HostIO } from '../commands/types.js';
import type { ImageConfig } from '../engine/image.js';
import type { LibraryStore } from '../engine/dl/store.js';
import { fail } from '../engine/errors.js';
import { SessionGenerator } from './generate.js';

export interface FuzzReport {
  seed: number;
  lines: number;
  commands: number;
  failed: number;
  crashes: number;
  invariantFailures: number;
  stateChangedOnFailure: number;
  badErrors: number;
  /** The first few problems, each with the line that caused it. */
  problems: string[];
  codes: Record<string, number>;
}

function memoryIO(): HostIO {
  const files = new Map<string, string>([['script.kx', 'fork web\nlist\n']]);
  return {
    readText(p) {
      const t = files.get(p);
      if (t === undefined) fail('ENOENT', `${p}: no such file`);
      return t;
    },
    writeAtomic(p, t) {
      files.set(p, t);
    },
    sleepMs() {},
  };
}

/** The default host, with 2 GiB so engines are cheap to make and memory runs out now and then. */
function newShell(seed: number, images: Map<string, ImageConfig>, libs: LibraryStore): Shell {
  return new Shell({ host: { seed, memory: 2048, dom0_mem: 512 }, images, io: memoryIO(), libs });
}

export function fuzz(opts: {
  seed: number;
  lines: number;
  images: Map<string, ImageConfig>;
  libs: LibraryStore;
  perEngine?: number;
}): FuzzReport {
  const gen = new SessionGenerator(opts.seed, opts.images);
  const rep: FuzzReport = {
    seed: opts.seed,
    lines: 0,
    commands: 0,
    failed: 0,
    crashes: 0,
    invariantFailures: 0,
    stateChangedOnFailure: 0,
    badErrors: 0,
    problems: [],
    codes: {},
  };
  const note = (what: string, line: string): void => {
    if (rep.problems.length < 20) rep.problems.push(`${what} :: ${JSON.stringify(line)}`);
  };
  const perEngine = opts.perEngine ?? 40;
  let shell: Shell | null = null;
  for (let i = 0; i < opts.lines; i++) {
    if (i % perEngine === 0) shell = newShell(opts.seed + i, opts.images, opts.libs);
    const sh = shell!;
    const line = gen.line(sh.hv);
    rep.lines++;
    let cmds;
    try {
      cmds = splitLine(line);
    } catch {
      rep.commands++;
      rep.failed++;
      continue;
    }
    for (const c of cmds) {
      if (isQuit(c.words)) continue;
      rep.commands++;
      const before = sh.hv.fingerprint();
      // Every 50th command also keeps the full serialization, to prove the fingerprint is not blind.
      const full = rep.commands % 50 === 0 ? JSON.stringify(sh.hv.save()) : null;
      const o = sh.runOne(c.words, c.text);
      if (!o.ok) {
        rep.failed++;
        const code = o.error.code;
        rep.codes[code] = (rep.codes[code] ?? 0) + 1;
        if (code === 'EBUG') {
          rep.crashes++;
          note(`crash: ${o.error.message}`, c.text);
        } else if (!/^E[A-Z0-9]+$/.test(code) || o.error.message.includes('\n') || o.error.message.length === 0) {
          rep.badErrors++;
          note(`bad error ${code}: ${o.error.message}`, c.text);
        }
        if (sh.hv.fingerprint() !== before || (full !== null && JSON.stringify(sh.hv.save()) !== full)) {
          rep.stateChangedOnFailure++;
          note(`failed ${code} but changed the state`, c.text);
        }
      }
      const problems = sh.hv.check();
      if (problems.length > 0) {
        rep.invariantFailures++;
        note(`invariant: ${problems[0]}`, c.text);
        shell = newShell(opts.seed + i, opts.images, opts.libs);
        break;
      }
    }
  }
  return rep;
}
