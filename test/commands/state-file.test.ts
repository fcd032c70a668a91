// State files under concurrency and interruption, with real processes: two shells on one state never
// lose an update (the second waits for the lock, or fails clearly), and SIGTERM mid-run leaves the
// previous state file intact.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kylinx-sh.js');

function start(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d));
  p.stderr.on('data', (d: Buffer) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((res) =>
    p.on('close', (code, signal) => res({ code, signal, out, err })),
  );
  return { p, done };
}

const listOf = (s: string) =>
  spawnSync(process.execPath, [BIN, '--state', s, '-c', 'list'], { encoding: 'utf8' }).stdout;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForLock(s: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(`${s}.lock`); i++) await sleep(20);
  expect(existsSync(`${s}.lock`)).toBe(true);
}

describe('two shells on one state file', () => {
  it('the second waits for the first and both updates are kept', async () => {
    const s = join(mkdtempSync(join(tmpdir(), 'kx-')), 's.json');
    const a = start(['--state', s, '-c', 'fork web; sleep 1200']);
    await waitForLock(s);
    const b = start(['--state', s, '-c', 'fork redis']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const l = listOf(s);
    expect(l).toContain('web.1');
    expect(l).toContain('redis.1');
  });

  it('a second shell that cannot wait longer fails with a clear message and changes nothing', async () => {
    const s = join(mkdtempSync(join(tmpdir(), 'kx-')), 's.json');
    const a = start(['--state', s, '-c', 'fork web; sleep 2000']);
    await waitForLock(s);
    const b = await start(['--state', s, '-c', 'fork redis'], { KYLINX_SH_LOCK_WAIT_MS: '200' }).done;
    expect(b.code).toBe(1);
    expect(b.err).toMatch(
      /^kylinx-sh: .*s\.json is in use by another kylinx-sh \(process \d+\); try again when it has finished/,
    );
    expect((await a.done).code).toBe(0);
    expect(listOf(s)).not.toContain('redis.1');
  });
});

describe('interrupted runs', () => {
  it('SIGTERM during a scripted run leaves the previous state intact, and the stale lock is taken over', async () => {
    const s = join(mkdtempSync(join(tmpdir(), 'kx-')), 's.json');
    expect(spawnSync(process.execPath, [BIN, '--state', s, '-c', 'fork web'], { encoding: 'utf8' }).status).toBe(0);
    const before = readFileSync(s, 'utf8');
    const a = start(['--state', s, '-c', 'fork web 3; sleep 5000']);
    await waitForLock(s);
    a.p.kill('SIGTERM');
    const r = await a.done;
    expect(r.signal).toBe('SIGTERM');
    expect(readFileSync(s, 'utf8')).toBe(before);
    const l = listOf(s);
    expect(l).toContain('web.1');
    expect(l).not.toContain('web.2');
  });

  it('an unwritable state directory is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-'));
    writeFileSync(join(dir, 'f'), '');
    const r = spawnSync(process.execPath, [BIN, '--state', join(dir, 'f', 's.json'), '-c', 'list'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kylinx-sh: .*s\.json: cannot lock/);
  });
});
