// Test helpers shared by every suite: a shell on the package's images with an in-memory file system,
// and `run`, which checks the engine's invariants after every command and proves that a failing command
// changed nothing (the serialized state is byte-identical before and after).

import { expect } from 'vitest';
import { Shell } from '../src/commands/shell.js';
import { fail } from '../src/engine/errors.js';
import type { Data, Failed, HostIO, Outcome, Result } from '../src/commands/types.js';
import type { HostConfig } from '../src/engine/image.js';
import { defaultImagesDir, loadImages } from '../src/host-io.js';
import { loadLibraries } from '../src/dl-io.js';

export const IMAGES = loadImages(defaultImagesDir());
/** The shipped library store (images/lib, verified against images/trust), as the CLI loads it. */
export const LIBS = loadLibraries(defaultImagesDir());

/** HostIO over a Map, so tests never touch the disk unless they mean to. */
export function memoryIO(files: Record<string, string> = {}): HostIO & { files: Map<string, string> } {
  const map = new Map(Object.entries(files));
  return {
    files: map,
    readText(path) {
      const t = map.get(path);
      if (t === undefined) fail('ENOENT', `${path}: no such file`);
      return t;
    },
    writeAtomic(path, text) {
      map.set(path, text);
    },
    sleepMs() {},
  };
}

export function makeShell(host: Partial<HostConfig> = {}, io: HostIO = memoryIO()): Shell {
  return new Shell({ host, images: IMAGES, io, libs: LIBS });
}

export function stateOf(shell: Shell): string {
  return JSON.stringify(shell.hv.save());
}

/**
 * Run each command of `line` on its own, asserting check() is clean after every one and that a failed
 * command left the serialized state unchanged. Returns the outcomes.
 */
export function run(shell: Shell, line: string): Outcome[] {
  const outs: Outcome[] = [];
  const off = shell.onOutcome((o) => outs.push(o));
  try {
    for (const part of splitCommands(line)) {
      const before = stateOf(shell);
      const n = outs.length;
      shell.run(part);
      const o = outs[n];
      if (o && !o.ok) expect(stateOf(shell), `failed '${part}' (${o.error.message}) changed the state`).toBe(before);
      for (const x of outs.slice(n)) if (x.ok) expectExplained(x);
      expect(shell.hv.check(), `invariants after '${part}'`).toEqual([]);
    }
  } finally {
    off();
  }
  return outs;
}

/**
 * A modeled latency is explained by the primitives charged while its command ran (data.cost): their
 * sum is the latency (stages of an update are rounded to 0.1 µs each, hence the slack).
 */
export function expectExplained(o: Outcome): void {
  if (!o.ok || o.result.latencyUs === undefined) return;
  const c = o.result.cost;
  expect(c, `${o.line}: a latency without its explanation`).toBeDefined();
  expect(Math.abs(c!.total_us - o.result.latencyUs), `${o.line}: ${JSON.stringify(c)}`).toBeLessThan(0.3);
}

/** The outcome's result; a failed outcome fails the test, saying why. */
export function resultOf<D extends Data>(o: Outcome<D> | undefined): Result<D> {
  if (!o) throw new Error('no outcome');
  if (!o.ok) throw new Error(`${o.line}: ${o.error.message} [${o.error.code}]`);
  return o.result;
}

/** The outcome's error; an outcome that succeeded fails the test. */
export function failureOf(o: Outcome | undefined): Failed['error'] {
  if (!o) throw new Error('no outcome');
  if (o.ok) throw new Error(`${o.line} should have failed`);
  return o.error;
}

/** What an outcome says: its text, or its error message. */
export function said(o: Outcome): string {
  return o.ok ? o.result.text : o.error.message;
}

/** Run and expect success; returns the last outcome's result. */
export function ok(shell: Shell, line: string): Result {
  const outs = run(shell, line);
  for (const o of outs) expect(o.ok, `${o.line}: ${o.ok ? '' : o.error.message}`).toBe(true);
  return resultOf(outs[outs.length - 1]);
}

/** Run one command and expect it to fail with `code`; returns the error message. */
export function err(shell: Shell, line: string, code: string): string {
  const outs = run(shell, line);
  const e = failureOf(outs[outs.length - 1]);
  expect(e.code, e.message).toBe(code);
  return e.message;
}

function splitCommands(line: string): string[] {
  // One command at a time, so the state comparison is per command; quotes keep their ';'.
  const parts: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (const c of line) {
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === ';') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.filter((p) => p.trim() !== '');
}
