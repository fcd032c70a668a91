// A panel's frame: a title line (title left, a note right) above the panel's lines, and a rule on the
// right between panels. No full box: ink pays per drawn cell, and a box around every panel was most of
// a frame's cost with 1,000 pVMs (perf row render_1000_ms). The lines come prebuilt (line.ts) and are
// drawn without ink measuring them again (lines.tsx).

import chalk from 'chalk';
import { Box } from 'ink';
import { useMemo } from 'react';
import { type Line, titleLine } from '../line.js';
import { Lines } from '../lines.js';

export function Frame(p: {
  title: string;
  note?: string;
  width: number;
  height: number;
  lines: readonly Line[];
  last?: boolean;
}) {
  const inner = innerWidth(p.width, p.last);
  const title = useMemo(() => titleLine(p.title, p.note ?? '', inner), [p.title, p.note, inner, chalk.level]);
  const all = useMemo(() => [title, ...p.lines.slice(0, contentRows(p.height))], [title, p.lines, p.height]);
  return (
    <Box
      flexDirection="column"
      width={p.width}
      height={p.height}
      flexShrink={0}
      paddingLeft={1}
      borderStyle="single"
      borderTop={false}
      borderBottom={false}
      borderLeft={false}
      borderRight={!p.last}
      borderDimColor
    >
      <Lines lines={all} />
    </Box>
  );
}

/** Columns inside a frame of `width`. */
export function innerWidth(width: number, last = false): number {
  return width - (last ? 0 : 1) - 1;
}

/** Lines of content a frame of `height` holds (the title taken). */
export function contentRows(height: number): number {
  return Math.max(0, height - 1);
}
