// Wall time of `kylinx-sh -c "fork web 4"` over `node -e 0`, medians of interleaved runs (DESIGN §6).
import { BIN, median, round, wallMs } from '../lib.mjs';

export default {
  name: 'startup_ratio',
  unit: 'x node -e 0',
  budget: 3,
  compare: '<=',
  async measure() {
    const runs = 15;
    const node = [];
    const sh = [];
    wallMs(process.execPath, [BIN, '-c', 'fork web 4']);
    for (let i = 0; i < runs; i++) {
      node.push(wallMs(process.execPath, ['-e', '0']));
      sh.push(wallMs(process.execPath, [BIN, '-c', 'fork web 4']));
    }
    const n = median(node);
    const s = median(sh);
    return {
      value: round(s / n, 2),
      note: `kylinx-sh ${s.toFixed(1)} ms, node -e 0 ${n.toFixed(1)} ms (medians of ${runs})`,
    };
  },
};
