// stdout for the scripted modes, written in large chunks. A script of 100,000 commands prints 100,000
// pieces of text; one write(2) each costs more than running most commands, so when stdout is a file or a
// pipe the pieces are gathered and written 64 KiB at a time. A terminal gets every piece at once (people
// read it as it comes). The caller flushes before anything goes to stderr, so an error line still comes
// after the output of the commands before it, before a wall-clock sleep, and at exit.

export interface BufferedOut {
  write(s: string): void;
  /** Write out whatever is gathered. */
  flush(): void;
}

export const FLUSH_AT = 64 * 1024;

/** `sink` does the real write; with `passThrough` (a terminal) nothing is held back. */
export function bufferedOut(sink: (s: string) => void, passThrough: boolean, limit = FLUSH_AT): BufferedOut {
  let held: string[] = [];
  let heldChars = 0;
  const flush = (): void => {
    if (held.length === 0) return;
    const s = held.length === 1 ? held[0]! : held.join('');
    held = [];
    heldChars = 0;
    sink(s);
  };
  return {
    write(s: string): void {
      if (passThrough) return sink(s);
      held.push(s);
      heldChars += s.length;
      if (heldChars >= limit) flush();
    },
    flush,
  };
}
