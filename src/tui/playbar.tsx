// The bars that stand in for the usage hint and the prompt: while a script plays (the next command,
// shown before it runs, and the keys), and while a long run goes on (how far it got).

import chalk from 'chalk';
import { memo, useMemo } from 'react';
import { durationText } from '../commands/sched.js';
import type { Step } from '../commands/stepper.js';
import { fill } from './format.js';
import { LineBuilder, paint } from './line.js';
import { Lines } from './lines.js';

export const PLAY_KEYS = 'Enter/Space/→ run · ←/b back · q stop';

export const PlayBar = memo(function PlayBar({
  file,
  at,
  total,
  next,
  width,
}: {
  file: string;
  at: number;
  total: number;
  next: Step | undefined;
  width: number;
}) {
  const lines = useMemo(() => {
    const head = new LineBuilder(width)
      .add('▶ play ', (s) => paint.bold(paint.green(s)))
      .add(`${file} `)
      .add(`step ${Math.min(at + 1, total)}/${total}`, paint.bold);
    const [f, e] = fill(at / Math.max(1, total), 20);
    head.add(' ').add('█'.repeat(f), paint.green).add('░'.repeat(e), paint.dim).add(`  ${PLAY_KEYS}`, paint.dim);
    const nextLine = new LineBuilder(width);
    if (next)
      nextLine
        .add('next ', paint.dim)
        .add(`line ${next.line}: `, paint.dim)
        .add(next.text, (s) => paint.bold(next.say !== null ? paint.yellow(s) : s));
    else nextLine.add(`end of ${file}: ← steps back, q leaves`, paint.yellow);
    return [head.done(), nextLine.done()];
  }, [file, at, total, next, width, chalk.level]);
  return <Lines lines={lines} />;
});

export const RunBar = memo(function RunBar({
  text,
  doneNs,
  totalNs,
  width,
}: {
  text: string;
  doneNs: number;
  totalNs: number;
  width: number;
}) {
  const lines = useMemo(() => {
    const [f, e] = fill(doneNs / totalNs, 20);
    const b = new LineBuilder(width)
      .add(`${text}: `, paint.bold)
      .add('█'.repeat(f), paint.green)
      .add('░'.repeat(e), paint.dim)
      .add(` ${durationText(doneNs)} of ${durationText(totalNs)} of virtual time`)
      .add(' · Ctrl-C stops it', paint.yellow);
    return [b.done()];
  }, [text, doneNs, totalNs, width, chalk.level]);
  return <Lines lines={lines} />;
});
