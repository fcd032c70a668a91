// One console frame with 1,000 pVMs (DESIGN §6: under 16 ms). The console is mounted in ink exactly as
// in a terminal (120x40, writing to a sink) with 1,000 pVMs, the selection in the middle of a 998-pVM
// family; each frame moves the selection one row (so the tree scrolls and the sharing graph changes:
// nearly every line of the screen is redrawn), the model asks the engine again (tree rows, host memory,
// sharing samples) and ink lays out, draws and writes the changed lines. Median of 21 frames, React in
// production mode as the binary runs it. The note adds the 80x24 figure and a frame after a `touch`,
// where the engine also recounts every mapping (the accounting a `tree` command pays too), the CPU time
// of a frame (wall time on a loaded machine is mostly waiting for a core) and the load average.
import { loadavg } from 'node:os';
import { median, round } from '../lib.mjs';

export async function consoleFrames(pvms, cols = 120, rows = 40, runs = 21) {
  process.env.NODE_ENV ??= 'production';
  const { setupShell } = await import('../../dist/session-setup.js');
  const { ConsoleModel } = await import('../../dist/tui/model.js');
  const { liveConsole } = await import('../../dist/tui/frame.js');
  const shell = setupShell({}).shell;
  const extra = pvms - (shell.hv.liveCount - 1);
  if (extra > 0) shell.run(`fork web ${extra}`, { stopOnError: true });
  const model = new ConsoleModel(shell);
  for (let i = 0; i < Math.floor(pvms / 2); i++) model.select('next');
  const live = liveConsole(model, cols, rows);
  const time = async (change) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const bytes = await live.frame(change);
    const c = process.cpuUsage(c0);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000, bytes };
  };
  try {
    // Warm up (the JIT, ink's caches) as a console is after its first seconds on screen.
    for (let i = 0; i < 10; i++) await time(() => model.select(i % 2 ? 'prev' : 'next'));
    const moves = [];
    for (let i = 0; i < runs; i++) moves.push(await time(() => model.select(i % 2 ? 'prev' : 'next')));
    const victim = shell.hv.domains.get(model.selected).name;
    const touches = [];
    for (let i = 0; i < 5; i++)
      touches.push(await time(() => shell.run(`touch ${victim} heap 64 --offset ${i * 64}`, { stopOnError: true })));
    return {
      pvms: shell.hv.liveCount - 1,
      ms: median(moves.map((m) => m.ms)),
      cpuMs: median(moves.map((m) => m.cpuMs)),
      bytes: median(moves.map((m) => m.bytes)),
      afterTouchMs: median(touches.map((t) => t.ms)),
    };
  } finally {
    live.unmount();
  }
}

export default {
  name: 'render_1000_ms',
  unit: 'ms',
  budget: 16,
  compare: '<=',
  async measure() {
    const r = await consoleFrames(1000);
    const small = await consoleFrames(1000, 80, 24);
    return {
      value: round(r.ms, 2),
      note: `${r.pvms} pVMs at 120x40 (${r.bytes} bytes a frame, ${r.cpuMs.toFixed(1)} ms of CPU); 80x24 ${small.ms.toFixed(1)} ms (${small.cpuMs.toFixed(1)} ms CPU); a frame after touch (command and accounting included) ${r.afterTouchMs.toFixed(1)} ms; load average ${loadavg()[0].toFixed(2)}`,
    };
  },
};
