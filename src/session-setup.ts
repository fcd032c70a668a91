// Setting up a shell from the command-line options: host, images, seed and state file. Shared by the
// scripted modes, the plain REPL and the console.

import { Shell } from './commands/shell.js';
import type { HostIO } from './commands/types.js';
import { loadState } from './commands/session.js';
import { type CostOverrides, costsFromCfg } from './engine/cost-model.js';
import { type HostConfig, parseCfg } from './engine/image.js';
import { newEngine } from './engine/index.js';
import {
  defaultImagesDir,
  fileExists,
  loadHost,
  loadImages,
  lockState,
  nodeIO,
  readText,
  writeAtomic,
} from './host-io.js';
import { fail } from './engine/errors.js';
import { loadLibraries } from './dl-io.js';
import { userPath } from './package-paths.js';

export interface SetupOptions {
  host?: string;
  images?: string;
  seed?: string;
  state?: string;
  /** A file of cost overrides (xl.cfg syntax: name = value), applied on top of a loaded state's. */
  costs?: string;
}

export interface Setup {
  shell: Shell;
  /** Write the state back (if --state) and release its lock. */
  finish(save: boolean): void;
}

/** `io`: the commands' file and sleep access (the scripted modes flush their stdout before a sleep). */
export function setupShell(o: SetupOptions, io: HostIO = nodeIO): Setup {
  const imagesDir = o.images === undefined ? defaultImagesDir() : userPath(o.images);
  const images = loadImages(imagesDir);
  const libs = loadLibraries(imagesDir);
  if (o.host !== undefined && o.state !== undefined && fileExists(o.state))
    fail(
      'EUSAGE',
      `--host ${o.host} cannot apply: ${o.state} already holds a host, and a state file's host wins; to start fresh on ${o.host}, remove ${o.state} or name a new --state file`,
    );
  let host: Partial<HostConfig> = o.host ? loadHost(o.host) : {};
  if (o.seed !== undefined) {
    if (!/^[0-9]+$/.test(o.seed) || Number(o.seed) > 2 ** 32 - 1)
      fail('EUSAGE', `--seed must be a whole number 0-4294967295, not '${o.seed}'`);
    host = { ...host, seed: Number(o.seed) };
  }
  const costs: CostOverrides = o.costs === undefined ? {} : costsFromCfg(parseCfg(readText(o.costs), o.costs), o.costs);
  let unlock = (): void => {};
  let shell: Shell;
  if (o.state) {
    const wait = process.env.KYLINX_SH_LOCK_WAIT_MS;
    unlock = lockState(o.state, wait !== undefined && /^[0-9]+$/.test(wait) ? Number(wait) : undefined);
    try {
      const engine = fileExists(o.state)
        ? loadState((h) => newEngine(h ?? host, { libs }), readText(o.state), o.state)
        : undefined;
      // The file's overrides go on top of the ones the state holds, and are saved with it.
      engine?.cost.load({ ...engine.cost.overrides(), ...costs });
      shell = new Shell({ host, images, io, engine, libs, costs });
    } catch (e) {
      unlock();
      throw e;
    }
  } else {
    shell = new Shell({ host, images, io, libs, costs });
  }
  const stateFile = o.state;
  return {
    shell,
    finish(save: boolean) {
      try {
        if (save && stateFile) writeAtomic(stateFile, JSON.stringify(shell.hv.save()));
      } finally {
        unlock();
      }
    },
  };
}
