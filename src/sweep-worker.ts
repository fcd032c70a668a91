// A worker thread of `bench sweep` (sweep-child.ts): it takes the next point's index from the shared
// counter, runs the point on a sandbox of its own (the same function as a sweep run without workers),
// and posts the result, until no point is left.

import { parentPort, workerData } from 'node:worker_threads';
import { runPoint, type SweepJob } from './commands/bench/sweep-point.js';
import { sandbox } from './commands/shell.js';
import { nodeIO } from './host-io.js';

const { job, next } = workerData as { job: SweepJob; next: SharedArrayBuffer };
const counter = new Int32Array(next);
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= job.points.length) break;
  parentPort!.postMessage({ i, result: runPoint(job, i, (o) => sandbox(o, nodeIO)) });
}
