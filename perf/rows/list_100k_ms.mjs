// `list` and `tree` over 100,000 pVMs (budget 1000 ms each; the value is the slower of the two), and for
// every command that walks all pVMs the 100k/10k ratio of its time, which stays near 10 when the command
// is linear in the number of pVMs (garbage collection of a 10x larger heap adds some). CPU time is given
// beside wall time: on a loaded machine the wall time is what the process was given, not what it needed.
import { round } from '../lib.mjs';
import { scale } from './pvms_100k_mib.mjs';

/** Every command whose work grows with the number of pVMs. */
export const SCALE_COMMANDS = [
  'list',
  'tree',
  'mem',
  'sharing',
  'ipcs',
  'evtchn',
  'libs',
  'vcpu-list',
  'uptime',
  'top -b',
];

/** "list 412 ms (CPU 380 ms), x9.1 of 10k (CPU x8.7)" for each command. */
export function ratios(small, big, cmds = SCALE_COMMANDS) {
  return cmds.map((c) => {
    const x = big.timings[c] / small.timings[c];
    const xc = big.cpuMs[c] / small.cpuMs[c];
    return `${c} ${big.timings[c].toFixed(0)} ms (CPU ${big.cpuMs[c].toFixed(0)}), x${x.toFixed(1)} of 10k (CPU x${xc.toFixed(1)})`;
  });
}

export default {
  name: 'list_100k_ms',
  unit: 'ms',
  budget: 1000,
  compare: '<=',
  async measure() {
    const small = scale(10_000, SCALE_COMMANDS);
    const big = scale(100_000, SCALE_COMMANDS);
    return { value: round(Math.max(big.timings.list, big.timings.tree), 1), note: ratios(small, big).join('; ') };
  },
};
