// A block of prebuilt styled lines (line.ts) drawn by ink without measuring them again.
//
// Ink measures every text node on every frame with string-width, which walks the text grapheme by
// grapheme through Unicode property regexes whenever a line holds one non-ASCII glyph (a tree branch,
// a bar cell); with 1,000 pVMs that and the per-node styling were most of a frame (perf row
// render_1000_ms). A panel already knows each line's width, so it hands ink a run of spaces of that
// width to lay out and measure (ASCII: ink's fast path) and a <Transform> that puts the styled line in
// its place when ink writes the row. Widths are exact because line.ts only keeps one-cell glyphs.

import { Text, Transform } from 'ink';
import { memo, useCallback } from 'react';
import type { Line } from './line.js';

export const Lines = memo(function Lines({ lines }: { lines: readonly Line[] }) {
  const put = useCallback((_spaces: string, i: number) => lines[i]?.text ?? '', [lines]);
  if (lines.length === 0) return null;
  return (
    <Transform transform={put}>
      <Text>{lines.map((l) => ' '.repeat(l.width)).join('\n')}</Text>
    </Transform>
  );
});
