// The thin layer between kylinx-sh and the file system: images, host configs, scripts and state files.
// The engine never touches files; commands reach them through HostIO.

import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EngineError, fail } from './engine/errors.js';
import { hostFromCfg, imageFromCfg } from './engine/config.js';
import { HostConfig, ImageConfig, parseCfg } from './engine/image.js';
import type { HostIO } from './commands/types.js';
import { renderSvg } from './graphviz.js';
import { plotToFile } from './plot.js';
import { runSweepPool } from './sweep-pool.js';
import { packageDir, userPath } from './package-paths.js';

export { packageDir };

/** The package's own images/ directory (next to dist/). */
export function defaultImagesDir(): string {
  return join(packageDir(), 'images');
}

/** Read a text file a user named; a shipped example or image is found from any directory (package-paths). */
export function readText(path: string): string {
  try {
    return readFileSync(userPath(path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('ENOENT', `${path}: no such file`);
    if (code === 'EISDIR') fail('EINVAL', `${path}: is a directory, not a file`);
    if (code === 'EACCES') fail('EACCES', `${path}: permission denied`);
    fail('EIO', `${path}: cannot read (${(e as Error).message})`);
  }
}

/** Every appliance image (*.cfg except host.cfg) in a directory. */
export function loadImages(dir: string): Map<string, ImageConfig> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.cfg') && f !== 'host.cfg')
      .sort();
  } catch {
    fail('ENOENT', `${dir}: no such images directory`);
  }
  const images = new Map<string, ImageConfig>();
  for (const f of files) {
    const path = join(dir, f);
    const img = imageFromCfg(parseCfg(readText(path), path, cfgWarn), path, basename(f, '.cfg'));
    if (images.has(img.name)) fail('EEXIST', `${path}: image name '${img.name}' is used by another file too`);
    images.set(img.name, img);
  }
  return images;
}

export function loadHost(file: string): HostConfig {
  return hostFromCfg(parseCfg(readText(file), file, cfgWarn), file);
}

/** A config file's warning (a key set twice: the later value wins, as libxlu reads it) goes to stderr. */
function cfgWarn(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Write a file atomically: a temporary file beside it, fsync, then rename over the old one. A crash or
 * a signal at any point leaves either the old file or the new one, never a torn one.
 */
export function writeAtomic(path: string, text: string | Uint8Array): void {
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      if (typeof text === 'string') writeSync(fd, text);
      else writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may not exist */
    }
    if (e instanceof EngineError) throw e;
    fail('EIO', `${path}: cannot write (${(e as Error).message})`);
  }
}

export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const nodeIO: HostIO = {
  readText,
  writeAtomic,
  sleepMs,
  renderSvg,
  // Progress goes to stderr while a sweep runs, where stderr is a terminal to show it.
  runSweep: (job, jobs) => runSweepPool(job, jobs, { progress: process.stderr.isTTY === true }),
  plot: plotToFile,
};

/**
 * An exclusive lock on a state file (`<file>.lock`, created with O_EXCL and holding our pid), so two
 * shells on one state never lose an update: the second waits up to `waitMs`, then fails clearly.
 * A lock whose process is gone is stale and taken over.
 */
export function lockState(file: string, waitMs = 10_000): () => void {
  const lock = `${resolve(file)}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') fail('EIO', `${file}: cannot lock (${(e as Error).message})`);
    }
    const holder = lockHolder(lock);
    if (holder !== null && !alive(holder)) {
      try {
        unlinkSync(lock);
      } catch {
        /* someone else took it over first */
      }
      continue;
    }
    if (Date.now() >= deadline) {
      fail(
        'EBUSY',
        `${file} is in use by another kylinx-sh (process ${holder ?? '?'}); try again when it has finished, or remove ${lock} if it is stale`,
      );
    }
    sleepMs(20);
  }
}

function lockHolder(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function fileExists(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
