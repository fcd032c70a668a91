// The host's side of `bench sweep`: the points run on worker threads, every core by default. A command
// runs synchronously and a pool needs its event loop to hear its workers (a result, an error, an exit),
// so the pool lives in a short-lived child process (sweep-child.ts) that the command waits for, as
// `export --format svg` waits for Graphviz: a worker that dies fails the sweep with its reason instead
// of leaving the shell waiting, and a deadline (the console's) stops the whole pool at once.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PointResult, SweepJob } from './commands/bench/sweep-point.js';
import { fail } from './engine/errors.js';
import type { ImageConfig } from './engine/image.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'sweep-child.js');

/** A job as JSON (its images map as entries), for the child's stdin. */
export function jobToJson(job: SweepJob): string {
  return JSON.stringify({ ...job, images: [...job.images] });
}

/** The job the child reads back. */
export function jobFromJson(text: string): SweepJob {
  const j = JSON.parse(text) as Omit<SweepJob, 'images'> & { images: [string, ImageConfig][] };
  return { ...j, images: new Map(j.images) };
}

export interface PoolOptions {
  /** Show "sweep: 7/20 points" on stderr while it runs (stderr is a terminal). */
  progress: boolean;
  /** Stop the pool after this long (the console's bound), failing the command. */
  timeoutMs?: number;
}

/** What the child reads on stdin. */
export interface PoolInput {
  job: string;
  jobs: number | null;
  progress: boolean;
}

/** Run every point of the job on `jobs` worker threads (every core when undefined); results in order. */
export function runSweepPool(job: SweepJob, jobs: number | undefined, o: PoolOptions): PointResult[] {
  const input: PoolInput = { job: jobToJson(job), jobs: jobs ?? null, progress: o.progress };
  const r = spawnSync(process.execPath, [CHILD], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', o.progress ? 'inherit' : 'pipe'],
    ...(o.timeoutMs !== undefined ? { timeout: o.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    fail(
      'EINTR',
      `stopped after ${o.timeoutMs! / 1000} s, the console's bound for a sweep; run a long sweep from a script: kylinx-sh -c 'bench sweep ...'`,
    );
  if (r.error) fail('EIO', `cannot start the sweep's workers (${r.error.message})`);
  if (r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').pop();
    fail('EIO', `the sweep's workers failed: ${why || `exit status ${r.status ?? r.signal}`}`);
  }
  return JSON.parse(r.stdout) as PointResult[];
}
