// How a pVM ended, as waitpid(2) tells it (WIFEXITED / WEXITSTATUS, WIFSIGNALED / WTERMSIG): exited
// with a status, or killed by a signal; never the shell's 128 + N. Apart from domain.ts so that a wait's
// record (waiting.ts) can hold one without an import cycle.

/** A shutdown's two facts that say how it ended (domain.ts Shutdown has them). */
interface Ended {
  status: number;
  signal: string | null;
}

/** {exited: N} or {signal: "TERM"} (the signal's name without SIG), as `wait`'s --json data has it. */
export type Ending = { exited: number } | { signal: string };

export function endingOf(sd: Ended): Ending {
  return sd.signal ? { signal: sd.signal.replace(/^SIG/, '') } : { exited: sd.status };
}

/** "exited with status 3" or "killed by SIGTERM". */
export function endingText(e: Ending): string {
  return 'exited' in e ? `exited with status ${e.exited}` : `killed by SIG${e.signal}`;
}
