// The tests' printf (test/cprintf.ts) against C's own: a tiny program prints the same values with the
// real printf (recorded in test/golden/cprintf-c.txt, checked again wherever cc exists) and every line
// must match. The product's %.1f
// (src/commands/cfmt.ts) is then checked against the tests' printf, which shares none of its code.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cFixed, cFixedW } from '../../src/commands/cfmt.js';
import { cprintf, floatSeconds } from '../cprintf.js';

/** Formats xl and xentop use, with values that probe them: exact ties, near-ties, widths, cuts. */
const CASES: [string, (string | number)[]][] = [
  ['%8.1f', [0.25]],
  ['%8.1f', [6.25]],
  ['%8.1f', [0.35]],
  ['%8.1f', [1.25]],
  ['%8.1f', [2.5]],
  ['%8.1f', [0.05]],
  ['%8.1f', [99.95]],
  ['%8.1f', [123456.75]],
  ['%8.1f', [-0.01]],
  ['%8.1f', [0]],
  ['%9.1f', [12345678.25]],
  ['%6.1f', [100]],
  ['%6.1f', [6.25]],
  ['%.3f', [1.0005]],
  ['%.0f', [0.5]],
  ['%.0f', [1.5]],
  ['%.0f', [2.5]],
  ['%-40s %5d %5lu %8.1f', ['web', 1, 8, 0.25]],
  ['%-40s|', ['a-name-of-more-than-forty-characters-in-all-here']],
  ['%10.10s|', ['redis.1.1.1.1']],
  ['%10.10s|', ['web']],
  ['%*s|', [10, 'NAME']],
  ['%-33s %4d %s', ['Domain-0', 0, '1 day,  0:00:00']],
  ['%2d:%02d:%02d', [3, 4, 5]],
  ['%5u %3c%c- ', [3, 45, 98]],
  ['%08x', [255]],
  ['%d.%03d', [2500, 7]],
];

function cLiteral(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A C program printing every case, one a line (numbers as C literals of the type the format wants). */
function cProgram(): string {
  const lines = CASES.map(([fmt, args]) => {
    const cargs = args.map((a, i) => {
      if (typeof a === 'string') return cLiteral(a);
      const spec = [...fmt.matchAll(/%[-0 +#]*(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z)?([diuxXcsf])/g)];
      // Which conversion consumes argument i (a '*' consumes one too).
      const slots: string[] = [];
      for (const m of spec) {
        if (m[1] === '*') slots.push('int');
        if (m[2] === '*') slots.push('int');
        slots.push(m[4] === 'f' ? 'double' : m[3] === 'l' ? 'long' : 'int');
      }
      const t = slots[i];
      return t === 'double'
        ? `(double)${a === Math.trunc(a) ? `${a}.0` : String(a)}`
        : t === 'long'
          ? `${a}L`
          : String(a);
    });
    return `  printf(${cLiteral(fmt + '\n')}${cargs.map((c) => `, ${c}`).join('')});`;
  });
  return `#include <stdio.h>\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`;
}

const cc = spawnSync('cc', ['--version']).status === 0;

/** The C program's output, compiled and run with the machine's cc. */
function realPrintf(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kylinx-printf-'));
  try {
    writeFileSync(join(dir, 'p.c'), cProgram());
    execFileSync('cc', ['-o', join(dir, 'p'), join(dir, 'p.c')]);
    return execFileSync(join(dir, 'p'), { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the tests' printf", () => {
  it('prints the formats with C semantics (exact ties to even, %10.10s cuts, widths)', () => {
    expect(cprintf('%8.1f', 0.25)).toBe('     0.2');
    expect(cprintf('%8.1f', 6.25)).toBe('     6.2');
    expect(cprintf('%8.1f', 0.35)).toBe('     0.3'); // 0.34999999999999997779...
    expect(cprintf('%10.10s', 'abcdefghijklmno')).toBe('abcdefghij');
    expect(cprintf('%-5s|%5d|%*s', 'ab', 42, 4, 'x')).toBe('ab   |   42|   x');
    expect(cprintf('%c%c', 114, 45)).toBe('r-');
    expect(floatSeconds(250_000_000)).toBe(0.25);
  });

  // C's own output for CASES, recorded by glibc's printf (test/golden/cprintf-c.txt, regenerated with
  // KYLINX_UPDATE_GOLDEN=1 where cc exists). The test runs everywhere; where a C compiler is on the
  // machine it also checks the recording against the real printf, so the file cannot drift.
  it("matches C's printf on every case (glibc's output, recorded; re-checked where cc exists)", () => {
    const golden = join(dirname(fileURLToPath(import.meta.url)), '../golden/cprintf-c.txt');
    if (cc) {
      const real = realPrintf();
      if (process.env.KYLINX_UPDATE_GOLDEN === '1') writeFileSync(golden, real);
      expect(readFileSync(golden, 'utf8'), 'the recording is what cc printf prints here').toBe(real);
    }
    const recorded = readFileSync(golden, 'utf8').split('\n');
    CASES.forEach(([fmt, args], i) =>
      expect(cprintf(fmt, ...args), `${fmt} ${JSON.stringify(args)}`).toBe(recorded[i]),
    );
  });
});

describe("the product's %.1f (cfmt.ts)", () => {
  it("rounds as the tests' printf does, for any double", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, p) => {
        expect(cFixed(x, p)).toBe(cprintf(`%.${p}f`, x));
      }),
      { numRuns: 2000 },
    );
  });

  it('ties: 0.25 -> 0.2, 6.25 -> 6.2, 0.75 -> 0.8, with widths', () => {
    for (const x of [0.25, 6.25, 0.75, 1.25, 2.5, 0.125, 1e9 + 0.25])
      expect(cFixedW(x, 8, 1)).toBe(cprintf('%8.1f', x));
    // Exact ties drawn on purpose: k/4 and k/8 are exact in binary.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (k) => {
        expect(cFixed(k / 4, 1)).toBe(cprintf('%.1f', k / 4));
        expect(cFixed(k / 8, 2)).toBe(cprintf('%.2f', k / 8));
      }),
    );
  });
});
