// The live area's fixed lines: the header (host memory and time), the usage hint of the command being
// typed, and the prompt.

import chalk from 'chalk';
import { Text } from 'ink';
import { memo, useMemo } from 'react';
import { usageHint } from '../commands/complete.js';
import { clock, size } from './format.js';
import { LineBuilder, paint } from './line.js';
import { Lines } from './lines.js';
import type { Snapshot } from './model.js';

/** The clock as the header shows it: off, or on at a speed. */
export interface ClockState {
  on: boolean;
  speed: number;
}

export const Header = memo(function Header({
  snapshot,
  host,
  width,
  clockState,
}: {
  snapshot: Snapshot;
  host: string;
  width: number;
  clockState?: ClockState;
}) {
  const lines = useMemo(() => {
    const m = snapshot.host;
    const b = new LineBuilder(width)
      .add('kylinx-sh', (s) => paint.bold(paint.cyan(s)))
      .add(` ${host} │ `)
      .add(String(snapshot.pvms), paint.bold)
      .add(' pVMs │ ')
      .add(clock(snapshot.nowNs))
      .add(' ');
    if (clockState?.on) b.add(`▶ clock ${clockState.speed}x`, (s) => paint.bold(paint.green(s)));
    else b.add('■ clock off', paint.dim);
    b.add(' │ mem used ')
      .add(size(m.used_kib), paint.bold)
      .add(' shared ')
      .add(size(m.shared_kib), (s) => paint.bold(paint.green(s)))
      .add(' free ')
      .add(size(m.free_kib), paint.bold)
      .add(` (sharing saves ${size(m.saved_kib)})`);
    return [b.done()];
  }, [snapshot, host, width, clockState?.on, clockState?.speed, chalk.level]);
  return <Lines lines={lines} />;
});

export const IDLE_HINT = 'Tab completes · ↑↓ history · PgUp/PgDn select · help keys · top dashboard · Ctrl+D leaves';

/** The usage line of the command being typed, or the idle hint. */
export function hintFor(text: string): string {
  return usageHint(text) ?? IDLE_HINT;
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
