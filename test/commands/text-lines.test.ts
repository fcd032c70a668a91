// TextLines (format.ts): a long text built 256 lines at a time reads exactly as the lines joined.
import { describe, expect, it } from 'vitest';
import { TextLines } from '../../src/commands/format.js';

describe('TextLines', () => {
  it('equals the lines joined with newlines, for any count around its block size', () => {
    for (const n of [0, 1, 2, 255, 256, 257, 512, 600]) {
      const want = Array.from({ length: n }, (_, i) => `row ${i}${i % 7 === 0 ? '' : ' x'}`);
      const t = new TextLines();
      for (const l of want) t.push(l);
      expect(t.text()).toBe(want.join('\n'));
    }
  });

  it('keeps empty lines, and asking twice gives the same text', () => {
    const t = new TextLines();
    for (const l of ['', 'a', '', '']) t.push(l);
    expect(t.text()).toBe('\na\n\n');
    expect(t.text()).toBe('\na\n\n');
  });
});
