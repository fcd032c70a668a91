// test/term.ts at the sizes the console is laid out for (80x24, 120x40, 200x60): the built console fills
// the pseudo-terminal it is given, header above and prompt at the bottom, and lays out again for a new size.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTerm } from '../term.js';

const SIZES: [number, number][] = [
  [80, 24],
  [120, 40],
  [200, 60],
];

describe('the console at 80x24, 120x40 and 200x60 in a pseudo-terminal', () => {
  for (const [cols, rows] of SIZES) {
    it(`${cols}x${rows}: the whole screen is the console`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'kylinx-size-'));
      const t = startTerm({ cols, rows, cwd: home, env: { HOME: home } });
      try {
        const s = await t.until('the console', (x) => /^kylinx>/m.test(x) && /pVMs: \d+ in/.test(x));
        const lines = s.split('\n');
        expect(lines).toHaveLength(rows);
        expect(t.cols).toBe(cols);
        for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(cols);
        // The prompt is at the bottom (ink keeps the row under its last line for the cursor); the header
        // is above the panels, in the console's colour.
        const last = lines.findLastIndex((l) => l.trim() !== '');
        expect(lines[last]).toMatch(/^kylinx>/);
        expect(last).toBeGreaterThanOrEqual(rows - 2);
        const header = t.find('kylinx-sh kylinx')!;
        expect(header.row).toBeLessThan(rows / 2);
        expect(t.cell(header.row, header.col)).toMatchObject({ char: 'k', bold: true });
        // A wider terminal: the console lays its panels out again (the tree panel's border moves).
        const border = (x: string) => (x.split('\n').find((l) => l.includes(' pVMs: ')) ?? '').indexOf('│');
        const before = border(s);
        expect(before).toBeGreaterThan(0);
        t.resize(cols + 40, rows);
        await t.until('the redraw', (x) => border(x) > before);
        t.resize(cols, rows);
        await t.until('the redraw back', (x) => border(x) === before && /^kylinx>/m.test(x));
      } finally {
        t.close();
      }
    }, 60_000);
  }
});
