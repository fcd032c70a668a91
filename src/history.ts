// Command history persisted across sessions in the user's home (~/.kylinx-sh_history, or
// $KYLINX_SH_HISTORY), one line per command, the newest last, at most 1000 lines.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAX = 1000;

export function historyFile(): string {
  return process.env.KYLINX_SH_HISTORY ?? join(homedir(), '.kylinx-sh_history');
}

export function loadHistory(): string[] {
  try {
    return readFileSync(historyFile(), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-MAX);
  } catch {
    return [];
  }
}

export function appendHistory(line: string): void {
  if (line.trim() === '') return;
  try {
    appendFileSync(historyFile(), line.replace(/\n/g, ' ') + '\n');
    const all = loadHistory();
    if (all.length >= MAX * 2) writeFileSync(historyFile(), all.slice(-MAX).join('\n') + '\n');
  } catch {
    // History is a convenience: an unwritable home must not stop the shell.
  }
}
