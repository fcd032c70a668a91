// The live area's fixed lines: the header (host memory and time), the usage hint of the command being
// typed, and the prompt.

import { Text } from 'ink';
import { memo } from 'react';
import { usageOf } from '../commands/args.js';
import { findCommand } from '../commands/table.js';
import { clock, size } from './format.js';
import type { Snapshot } from './model.js';

export const Header = memo(function Header({ snapshot, host }: { snapshot: Snapshot; host: string }) {
  const m = snapshot.host;
  return (
    <Text wrap="truncate">
      <Text bold color="cyan">
        kylinx-sh
      </Text>{' '}
      {host} │ <Text bold>{snapshot.pvms}</Text> pVMs │ mem used <Text bold>{size(m.used_kib)}</Text> shared <Text bold color="green">{size(m.shared_kib)}</Text> free{' '}
      <Text bold>{size(m.free_kib)}</Text> (sharing saves {size(m.saved_kib)}) │ {clock(snapshot.nowNs)}
    </Text>
  );
});

export const IDLE_HINT = 'Tab completes · ↑↓ history · PgUp/PgDn select · help keys · top dashboard · Ctrl+D leaves';

/** The usage line of the command whose name is being typed (the last one on the line). */
export function hintFor(text: string): string {
  const cmd = text.slice(text.lastIndexOf(';') + 1).trimStart();
  const word = cmd.split(/\s+/)[0] ?? '';
  if (word === '') return IDLE_HINT;
  if (word === 'exit' || word === 'quit') return 'exit: leave the console';
  try {
    const spec = findCommand(word);
    return `${usageOf(spec)} — ${spec.summary}`;
  } catch (e) {
    return (e as Error).message;
  }
}

export const Hint = memo(function Hint({ text }: { text: string }) {
  return (
    <Text wrap="truncate" dimColor>
      {hintFor(text)}
    </Text>
  );
});

export const PROMPT = 'kylinx> ';

/** The visible slice of a line longer than the prompt row, keeping the cursor in view. */
export function promptWindow(text: string, cursor: number, width: number): { shown: string; x: number } {
  const room = Math.max(1, width - PROMPT.length - 1);
  const start = cursor < room ? 0 : cursor - room + 1;
  return { shown: text.slice(start, start + room), x: PROMPT.length + cursor - start };
}

export function Prompt({ text, cursor, width }: { text: string; cursor: number; width: number }) {
  const { shown } = promptWindow(text, cursor, width);
  return (
    <Text wrap="truncate">
      <Text bold color="green">
        {PROMPT}
      </Text>
      {shown}
    </Text>
  );
}
