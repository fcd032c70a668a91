// The terminal around the console: the alternate screen buffer, the cursor and mouse reporting, written
// as plain escape codes (xterm's private modes), and a guarantee that a console leaving by any path —
// exit, Ctrl-D, an exception, SIGTERM or SIGHUP — gives the terminal back as it found it. Mouse
// reporting (button events, SGR encoding: modes 1000 and 1006) is on only while the console runs, so
// the wheel scrolls its panes; outside it the terminal selects text as usual.

export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
export const CURSOR_SHOW = '\x1b[?25h';
export const CLEAR_HOME = '\x1b[2J\x1b[H';
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export interface Screen {
  /** Enter the alternate screen, cleared, cursor at home, the mouse reported. */
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
    out.write(MOUSE_OFF + ALT_SCREEN_OFF + CURSOR_SHOW);
    process.removeListener('exit', onExit);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  }
  return {
    enter() {
      if (inside) return;
      inside = true;
      out.write(ALT_SCREEN_ON + CLEAR_HOME + MOUSE_ON);
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
