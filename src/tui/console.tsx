// Running the console in a terminal: the alternate screen (and the mouse) while it runs, ink mounted on
// a view of stdout, a resize or Ctrl+L drawing everything again, and the trips to the dashboard (`top`)
// and back with the state intact. cli.ts imports this module only when stdin and stdout are terminals
// (scripted modes never load ink).

import { type Instance, render } from 'ink';
import type { Shell } from '../commands/shell.js';
import { Console, Leave } from './app.js';
import { applyColorPolicy } from './color.js';
import { inkStdout } from './ink-streams.js';
import { InkView } from './inkview.js';
import { ConsoleModel } from './model.js';
import { altScreen, Screen } from './terminal.js';
import { setTheme, type ThemeName } from './theme.js';

export interface ConsoleOptions {
  /** false for --no-color (NO_COLOR is read from the environment). */
  color?: boolean;
  theme?: ThemeName;
  history?: string[];
  remember?: (line: string) => void;
}

export const BANNER =
  'kylinx-sh console — type help for commands, help keys for keys, top for the dashboard, reset to boot again, Ctrl+D to leave';

/**
 * One stretch of console between two dashboards: resolves with why it ended. A resize or Ctrl+L mounts
 * ink afresh on a cleared screen: ink redraws only the lines it thinks changed, and after a clear
 * every line has.
 */
function consoleStretch(model: ConsoleModel, screen: Screen): Promise<Leave> {
  const out = process.stdout;
  const size = () => ({ cols: out.columns || 80, rows: out.rows || 24 });
  return new Promise((resolve, reject) => {
    let why: Leave | null = null;
    let instance: Instance;
    const element = () => {
      const { cols, rows } = size();
      return <Console model={model} cols={cols} rows={rows} onLeave={(w) => (why = w)} onRedraw={redraw} />;
    };
    const mount = (): void => {
      instance = render(element(), {
        stdout: inkStdout(new InkView(out), out),
        stdin: process.stdin,
        exitOnCtrlC: false,
        incrementalRendering: true,
      });
      instance.waitUntilExit().then(
        () => {
          if (why === null) return; // mounted again (a resize), not leaving
          out.off('resize', redraw);
          resolve(why);
        },
        (e: unknown) => {
          out.off('resize', redraw);
          reject(e);
        },
      );
    };
    function redraw(): void {
      instance.unmount();
      screen.clear();
      mount();
    }
    mount();
    out.on('resize', redraw);
  });
}

/** The console until `exit` or Ctrl+D; returns the exit status. */
export async function runConsole(shell: Shell, o: ConsoleOptions = {}): Promise<number> {
  const color = applyColorPolicy(o.color);
  setTheme(o.theme ?? 'dark');
  const model = new ConsoleModel(shell, { history: o.history ?? [], remember: o.remember ?? (() => {}) });
  model.out.add('banner', BANNER);
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
  model.dispose();
  return 0;
}
