// Peak RSS of one engine after forking the redis appliance into 100,000 live pVMs (budget 2048 MiB).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, round } from '../lib.mjs';

export function scale(n, commands = []) {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', join(ROOT, 'perf', 'scale-child.mjs'), String(n), commands.join(',')],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out);
}

export default {
  name: 'pvms_100k_mib',
  unit: 'MiB peak RSS',
  budget: 2048,
  compare: '<=',
  async measure() {
    const r = scale(100_000);
    const bytes = r.maxRssKiB * 1024;
    return {
      value: round(r.maxRssKiB / 1024, 1),
      // Per pVM: what the model costs for each process-like VM. Per frame: the host memory in use is few
      // frames shared by all; the pages mapped are what 100,000 copies would need without sharing.
      note: `${r.pvms} live pVMs: ${Math.round(bytes / r.pvms)} bytes per pVM; ${r.frames} frames in use (${round(bytes / r.frames, 0)} bytes each), mapped as ${r.mappedPages} guest pages (${round((r.mappedPages * 4) / 1024 / 1024, 1)} GiB modeled, ${round(bytes / r.mappedPages, 3)} bytes each)`,
    };
  },
};
