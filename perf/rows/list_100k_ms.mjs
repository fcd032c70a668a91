// `list` and `tree` over 100,000 pVMs (budget 1000 ms each; the value is the slower of the two), and the
// 100k/10k time ratios, which stay near 10 when no command is quadratic in the number of pVMs.
import { round } from '../lib.mjs';
import { scale } from './pvms_100k_mib.mjs';

export default {
  name: 'list_100k_ms',
  unit: 'ms',
  budget: 1000,
  compare: '<=',
  async measure() {
    const cmds = ['list', 'tree', 'mem', 'sharing'];
    const small = scale(10_000, cmds);
    const big = scale(100_000, cmds);
    const ratios = cmds.map((c) => `${c} ${big.timings[c].toFixed(0)} ms (x${(big.timings[c] / small.timings[c]).toFixed(1)} of 10k)`);
    return { value: round(Math.max(big.timings.list, big.timings.tree), 1), note: ratios.join(', ') };
  },
};
