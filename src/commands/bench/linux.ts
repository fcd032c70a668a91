// Table 3's Ubuntu row run in the model: each exchange of a pair of Linux processes as the primitives
// of the process cost model (engine/linux-baseline.ts), metered on a fresh engine so the row carries its
// explanation and what-ifs (`cost linux_wakeup=10`) as the pVMs' rows do. `bench ipc --baseline linux`
// shows these rows alone with their primitives; `bench ipc` and `bench all` show them in Table 3.

import { LINUX_EXCHANGES, type LinuxExchange, linuxExchange } from '../../engine/linux-baseline.js';
import { engineFor, measured } from './env.js';
import { type BenchEnv, type BenchRow, row } from './types.js';

/** Table 3's Ubuntu row (µs). */
export const UBUNTU_PAPER: Record<LinuxExchange, number> = {
  pipe: 54,
  'msg queue': 97,
  kill: 68,
  'exit/wait': 95,
  shm: 53,
};

/** The case's part of a row id (table3.ubuntu.msgq), as the pVMs' rows name it. */
export const LINUX_CASE_ID: Record<LinuxExchange, string> = {
  pipe: 'pipe',
  'msg queue': 'msgq',
  kill: 'kill',
  'exit/wait': 'exit-wait',
  shm: 'shm',
};

/** The five Ubuntu rows of Table 3, modeled, in the paper's order. */
export function ubuntuRows(env: BenchEnv): BenchRow[] {
  return LINUX_EXCHANGES.map((x) => {
    const hv = engineFor(env);
    const m = measured(hv, () => linuxExchange(hv.cost, x));
    return row(env, {
      id: `table3.ubuntu.${LINUX_CASE_ID[x]}`,
      figure: 'table3',
      case: `Ubuntu processes, ${x}`,
      unit: 'us',
      paper: UBUNTU_PAPER[x],
      model: m.us,
      cost: m.cost,
    });
  });
}
