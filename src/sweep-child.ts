// The child process behind `bench sweep` (sweep-pool.ts): a job on stdin, the points' results on stdout
// as JSON in the points' order. Workers (sweep-worker.ts) take the next point from a shared counter
// until none is left, so a slow point never holds the others back; which worker ran a point changes
// nothing in its result. A worker that fails ends the child with its reason on stderr.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PointResult } from './commands/bench/sweep-point.js';
import { jobFromJson, type PoolInput } from './sweep-pool.js';

const WORKER = new URL('./sweep-worker.js', import.meta.url);

const input = JSON.parse(readFileSync(0, 'utf8')) as PoolInput;
const job = jobFromJson(input.job);
const total = job.points.length;
const workers = Math.max(1, Math.min(input.jobs ?? availableParallelism(), total));
const next = new SharedArrayBuffer(4);
const results: PointResult[] = new Array<PointResult>(total);
let done = 0;

const show = (s: string): void => {
  if (input.progress) process.stderr.write(s);
};

await new Promise<void>((resolve, reject) => {
  if (total === 0) resolve();
  for (let k = 0; k < workers; k++) {
    const w = new Worker(WORKER, { workerData: { job, next } });
    w.on('message', (m: { i: number; result: PointResult }) => {
      results[m.i] = m.result;
      done++;
      show(`\rsweep: ${done}/${total} points`);
      if (done === total) resolve();
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0 && done < total) reject(new Error(`a worker exited with status ${code}`));
    });
  }
}).then(
  () => {
    show('\r\x1b[K');
    process.stdout.write(JSON.stringify(results));
    process.exit(0);
  },
  (e: unknown) => {
    show('\n');
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
