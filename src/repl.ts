// The plain, line-by-line session (`--plain`, or when the console cannot start): node's readline with
// history and completion, no full-screen layout. For screen readers and recordings.

import { createInterface } from 'node:readline';
import type { Shell } from './commands/shell.js';
import { complete } from './commands/complete.js';
import { scriptedHost } from './commands/scripted-host.js';

export function runRepl(shell: Shell, history: string[], onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise) => {
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: 'kylinx> ',
      history: [...history].reverse(),
      historySize: 1000,
      completer: (line: string) => {
        const c = complete(shell.hv, shell.images, line);
        return [c.candidates, c.word];
      },
    });
    // Errors go to stdout too: a session read line by line keeps them in order with the output.
    const write = (s: string): void => void process.stdout.write(s);
    shell.useHost(
      scriptedHost({ json: false, tty: process.stdout.isTTY === true, verbose: true, out: write, err: write }),
    );
    process.stdout.write('kylinx-sh: type help for commands, exit or Ctrl-D to leave\n');
    rl.prompt();
    rl.on('line', (line) => {
      onLine?.(line);
      const s = shell.run(line, { remember: true });
      if (s.quit) rl.close();
      else rl.prompt();
    });
    rl.on('SIGINT', () => {
      rl.write(null, { ctrl: true, name: 'u' });
      process.stdout.write('\n');
      rl.prompt();
    });
    rl.on('close', () => {
      resolvePromise();
    });
  });
}
