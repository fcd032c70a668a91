// `bench`: the KylinX paper's micro-benchmarks run inside the model, model beside paper. Each part
// lives in its own file; this list is the one place that names them (ipc, update, memory join here).

import { BENCH_IPC } from './ipc.js';
import { BENCH_BOOT, BENCH_FORK } from './lifecycle.js';
import { BENCH_MEMORY } from './memory.js';
import type { BenchPart } from './types.js';
import { BENCH_UPDATE } from './update.js';

export const BENCH_PARTS: BenchPart[] = [BENCH_BOOT, BENCH_FORK, BENCH_IPC, BENCH_MEMORY, BENCH_UPDATE];
