// A panel's frame: a single-line border and a title line (title left, a note right).

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export function Frame(p: { title: string; note?: string; width: number; height: number; children: ReactNode }) {
  const inner = p.width - 2;
  const note = p.note ?? '';
  const title = p.title.length + note.length + 1 > inner ? p.title.slice(0, Math.max(0, inner - note.length - 2)) + '…' : p.title;
  return (
    <Box flexDirection="column" borderStyle="single" width={p.width} height={p.height} overflow="hidden" flexShrink={0}>
      <Text wrap="truncate">
        <Text bold>{title}</Text>
        {' '.repeat(Math.max(1, inner - title.length - note.length))}
        <Text dimColor>{note}</Text>
      </Text>
      {p.children}
    </Box>
  );
}

/** Lines of content a frame of `height` holds (border and title taken). */
export function contentRows(height: number): number {
  return Math.max(0, height - 3);
}
