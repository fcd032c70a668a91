// The terminal around the console: the alternate screen buffer and the cursor, written as plain
// escape codes (xterm's private modes), and a guarantee that a console leaving by any path — exit,
// Ctrl-D, an exception, SIGTERM or SIGHUP — gives the terminal back as it found it.

export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
export const CURSOR_SHOW = '\x1b[?25h';
export const CLEAR_HOME = '\x1b[2J\x1b[H';

export interface Screen {
  /** Enter the alternate screen, cleared, cursor at home. */
  enter(): void;
  /** Leave it and show the cursor; safe to call twice. */
  leave(): void;
  /** Clear the alternate screen (resize, Ctrl-L). */
  clear(): void;
}

export function altScreen(out: NodeJS.WriteStream = process.stdout): Screen {
  let inside = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    leave();
    // Re-raise with the default action so the exit status says which signal ended us.
    process.removeListener(sig, onSignal);
    process.kill(process.pid, sig);
  };
  const onExit = (): void => leave();
  function leave(): void {
    if (!inside) return;
    inside = false;
    out.write(ALT_SCREEN_OFF + CURSOR_SHOW);
    process.removeListener('exit', onExit);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  }
  return {
    enter() {
      if (inside) return;
      inside = true;
      out.write(ALT_SCREEN_ON + CLEAR_HOME);
      process.on('exit', onExit);
      process.on('SIGTERM', onSignal);
      process.on('SIGHUP', onSignal);
    },
    leave,
    clear() {
      if (inside) out.write(CLEAR_HOME);
    },
  };
}
