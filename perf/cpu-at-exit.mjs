// Preloaded into a measured node process (`node --import ./perf/cpu-at-exit.mjs ...`): as it exits, it
// writes its own user and system CPU time in seconds ("user sys") to $KYLINX_PERF_CPU_FILE, so a row can
// read a child's CPU time with nothing but Node (no shell's `time`).
import { writeFileSync } from 'node:fs';

const file = process.env.KYLINX_PERF_CPU_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, `${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
