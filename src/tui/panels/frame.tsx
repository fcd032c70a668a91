// A panel's frame: a title line (title left, a note right) and a rule on the right between panels.
// No full box: ink pays per drawn cell of a non-ASCII glyph, and a box around every panel was most of
// a frame's cost with 1,000 pVMs (perf row render_1000_ms).

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export function Frame(p: { title: string; note?: string; width: number; height: number; children: ReactNode; last?: boolean }) {
  const inner = p.width - (p.last ? 0 : 1) - 1;
  const note = p.note ?? '';
  const title = p.title.length + note.length + 1 > inner ? p.title.slice(0, Math.max(0, inner - note.length - 2)) + '…' : p.title;
  return (
    <Box flexDirection="column" width={p.width} height={p.height} flexShrink={0} paddingLeft={1} borderStyle="single" borderTop={false} borderBottom={false} borderLeft={false} borderRight={!p.last} borderDimColor>
      <Box justifyContent="space-between" width={inner}>
        <Text wrap="truncate" bold underline>
          {title}
        </Text>
        <Text dimColor>{note}</Text>
      </Box>
      {p.children}
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
