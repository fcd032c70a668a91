// `kylinx-sh --step FILE`: play a demo script one command at a time in front of a class. It shows the
// next command before running it; Enter, Space, n or → runs it; b or ← steps back (the engine returns
// to its state before that command); q or Ctrl-C/Ctrl-D leaves. The scripted modes' host prints the
// outcomes: `say` lines framed so they stand out in a terminal, plain in a pipe. Without a terminal,
// each input line is one key ("n", "b", "q"), for scripts and tests.

import { createInterface, emitKeypressEvents } from 'node:readline';
import { scriptedHost } from './commands/scripted-host.js';
import type { Shell } from './commands/shell.js';
import { scriptSteps, Stepper } from './commands/stepper.js';

const out = (s: string): void => void process.stdout.write(s);

function prompt(st: Stepper): void {
  const s = st.next;
  if (!s) {
    out(`\n— end of the script (${st.steps.length} steps). b steps back, q leaves.\n`);
    return;
  }
  out(`\n[${st.at + 1}/${st.steps.length}] line ${s.line}: ${s.text}\n  (Enter: run   b: back   q: quit) `);
}

type Key = 'next' | 'back' | 'quit' | null;

function keyOf(s: string, name?: string): Key {
  if (
    name === 'return' ||
    name === 'enter' ||
    name === 'space' ||
    name === 'right' ||
    s === 'n' ||
    s === ' ' ||
    s === '\r'
  )
    return 'next';
  if (name === 'left' || s === 'b' || s === 'p') return 'back';
  if (s === 'q' || s === '\u0003' || s === '\u0004') return 'quit';
  return null;
}

function act(st: Stepper, key: Key): boolean {
  if (key === 'quit') return false;
  if (key === 'next' && !st.done) {
    out('\n');
    // The shell's host prints the step's outcomes (say lines framed in a terminal).
    st.forward();
  } else if (key === 'back') {
    const undone = st.back();
    out(undone ? `\n⟲ stepped back before line ${undone.line}: ${undone.text}\n` : '\n(already at the start)\n');
  }
  prompt(st);
  return true;
}

export function runStepper(shell: Shell, scriptText: string, file: string): Promise<void> {
  shell.useHost(scriptedHost({ json: false, tty: process.stdout.isTTY === true, verbose: true, out, err: out }));
  const st = new Stepper(shell, scriptSteps(scriptText));
  out(`Stepping through ${file}: ${st.steps.length} steps.\n`);
  prompt(st);
  return new Promise((resolve) => {
    const stdin = process.stdin;
    if (stdin.isTTY) {
      emitKeypressEvents(stdin);
      stdin.setRawMode(true);
      const onKey = (s: string | undefined, k: { name?: string; ctrl?: boolean } | undefined): void => {
        const key = k?.ctrl && (k.name === 'c' || k.name === 'd') ? 'quit' : keyOf(s ?? '', k?.name);
        if (key && !act(st, key)) {
          stdin.setRawMode(false);
          stdin.off('keypress', onKey);
          stdin.pause();
          out('\n');
          resolve();
        }
      };
      stdin.on('keypress', onKey);
    } else {
      const rl = createInterface({ input: stdin });
      rl.on('line', (l) => {
        if (!act(st, keyOf(l.trim() || 'n'))) rl.close();
      });
      rl.on('close', () => {
        out('\n');
        resolve();
      });
    }
  });
}
