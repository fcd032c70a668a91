// Running the console in a terminal: the alternate screen, ink mounted on a view of stdout, resize and
// Ctrl+L as a clean redraw, and the trips to the dashboard (`top`) and back with the state intact.
// cli.ts imports this module only when stdin and stdout are terminals (scripted modes never load ink).

import { render } from 'ink';
import type { Shell } from '../commands/shell.js';
import { Console, Leave } from './app.js';
import { applyColorPolicy } from './color.js';
import { inkStdout } from './ink-streams.js';
import { InkView } from './inkview.js';
import { layout } from './layout.js';
import { ConsoleModel } from './model.js';
import { altScreen, Screen } from './terminal.js';

export interface ConsoleOptions {
  /** false for --no-color (NO_COLOR is read from the environment). */
  color?: boolean;
  history?: string[];
  remember?: (line: string) => void;
}

export const BANNER =
  'kylinx-sh console — type help for commands, help keys for keys, top for the dashboard, Ctrl+D to leave';

/** One stretch of console between two dashboards: resolves with why it ended. */
function consoleStretch(model: ConsoleModel, screen: Screen): Promise<Leave> {
  const out = process.stdout;
  const view = new InkView(out);
  const size = () => ({ cols: out.columns || 80, rows: out.rows || 24 });
  let why: Leave = 'quit';
  const element = () => {
    const { cols, rows } = size();
    return <Console model={model} cols={cols} rows={rows} onLeave={(w) => (why = w)} onRedraw={redraw} />;
  };
  const restart = () => {
    const { cols, rows } = size();
    const L = layout(cols, rows);
    if (!L.tooSmall) model.resetStatic(L.logRows, cols, BANNER);
  };
  function redraw() {
    screen.clear();
    restart();
    instance.rerender(element());
  }
  restart();
  const instance = render(element(), {
    stdout: inkStdout(view, out),
    stdin: process.stdin,
    exitOnCtrlC: false,
    incrementalRendering: true,
  });
  out.on('resize', redraw);
  return instance.waitUntilExit().then(
    () => {
      out.off('resize', redraw);
      return why;
    },
    (e: unknown) => {
      out.off('resize', redraw);
      throw e;
    },
  );
}

/** The console until `exit` or Ctrl+D; returns the exit status. */
export async function runConsole(shell: Shell, o: ConsoleOptions = {}): Promise<number> {
  const color = applyColorPolicy(o.color);
  const model = new ConsoleModel(shell, { history: o.history ?? [], remember: o.remember ?? (() => {}) });
  const screen = altScreen();
  screen.enter();
  try {
    for (;;) {
      const why = await consoleStretch(model, screen);
      if (why === 'quit') return 0;
      screen.leave();
      // Ink unref'd stdin when it unmounted; blessed needs it to keep the process alive and reading.
      process.stdin.ref();
      const { runDashboard } = await import('./dashboard.js');
      await runDashboard(model, { color });
      screen.enter();
    }
  } finally {
    model.dispose();
    screen.leave();
  }
}

/** `kylinx-sh top`: the dashboard alone, until q. */
export async function runTop(shell: Shell, o: ConsoleOptions = {}): Promise<number> {
  const color = applyColorPolicy(o.color);
  const model = new ConsoleModel(shell);
  const { runDashboard } = await import('./dashboard.js');
  await runDashboard(model, { color });
  return 0;
}
