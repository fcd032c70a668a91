// Engine fork time of a 4 GiB pVM over that of a 64 MiB pVM: the chunked p2m makes fork nearly flat
// in memory size (budget 4). Both measured in this run.
import { round } from '../lib.mjs';
import { engineForkUs } from './fork_1gib_ratio_vs_linux.mjs';

export async function forkScaling(bigMiB = 4096, smallMiB = 64) {
  const small = await engineForkUs(smallMiB, 41);
  const big = await engineForkUs(bigMiB, 41);
  return { ratio: big / small, small, big };
}

export default {
  name: 'fork_scaling',
  unit: 'x (4 GiB / 64 MiB)',
  budget: 4,
  compare: '<=',
  async measure() {
    const r = await forkScaling();
    return {
      value: round(r.ratio, 2),
      note: `fork of 4 GiB ${r.big.toFixed(1)} µs, of 64 MiB ${r.small.toFixed(1)} µs (engine, medians)`,
    };
  },
};
