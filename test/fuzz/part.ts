import { describe, expect, it } from 'vitest';
import { fuzz } from '../../src/fuzz/run.js';
import { IMAGES, LIBS } from '../helpers.js';

/** In CI the four parts together run 100,000 lines (over 100,000 commands); locally a tenth unless KYLINX_FUZZ_LINES says. */
const LINES = Number(process.env.KYLINX_FUZZ_LINES ?? (process.env.CI ? 25_000 : 2_500));

export function fuzzPart(part: number): void {
  describe(`fuzz part ${part}`, () => {
    it(`${LINES} random lines: no crash, no invariant failure, failed commands change nothing, every error one line with a code`, () => {
      const r = fuzz({ seed: 1000 * part, lines: LINES, images: IMAGES, libs: LIBS });
      expect(r.problems).toEqual([]);
      expect(r.crashes).toBe(0);
      expect(r.invariantFailures).toBe(0);
      expect(r.stateChangedOnFailure).toBe(0);
      expect(r.badErrors).toBe(0);
      expect(r.commands).toBeGreaterThanOrEqual(LINES);
      // The generator must reach both outcomes, and many error kinds.
      expect(r.failed).toBeGreaterThan(LINES / 10);
      expect(r.commands - r.failed).toBeGreaterThan(LINES / 10);
      expect(Object.keys(r.codes).length).toBeGreaterThanOrEqual(8);
    }, 900_000);
  });
}
