// bench sweep through the built binary: its points on worker threads (src/sweep-pool.ts), the same CSV
// with one worker, with every core and in one process; --plot drawn by Vega to SVG (its structure
// checked and rasterised by resvg) and to PNG.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { sweepJob } from '../../src/commands/bench/sweep.js';
import { makeShell, memoryIO, ok } from '../helpers.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kylinx-sh.js');

function kx(dir: string, cmds: string): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, [BIN, '-c', cmds], { cwd: dir, encoding: 'utf8' });
}

/** How many of `what` the SVG holds. */
const count = (svg: string, what: RegExp): number => (svg.match(what) ?? []).length;

describe('bench sweep through the built binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kylinx-sweep-'));

  it('fig5 n=100..2000:100 finishes and draws an SVG; the same CSV on one worker and on every core', () => {
    const all = kx(dir, 'bench sweep fig5 n=100..2000:100 --csv f5.csv --plot f5.svg');
    expect(all.stderr).toBe('');
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/wrote 20 points to f5\.csv \(\d+ bytes\)\ndrew the chart to f5\.svg \(\d+ bytes\)\n$/);
    // One worker against every core on a part of the sweep (its points cost 30 s of CPU in all: XenStore's
    // walks and three curves): the same CSV.
    expect(kx(dir, 'bench sweep fig5 n=100..1000:300 --csv f5-all.csv').status).toBe(0);
    expect(kx(dir, 'bench sweep fig5 n=100..1000:300 --csv f5-1.csv --jobs 1').status).toBe(0);
    expect(readFileSync(join(dir, 'f5-1.csv'), 'utf8')).toBe(readFileSync(join(dir, 'f5-all.csv'), 'utf8'));
    const csv = readFileSync(join(dir, 'f5.csv'), 'utf8');
    // 20 points of KylinX xs, MiniOS xs and KylinX noxs, and the paper's Docker at its 3 points.
    expect(csv.trimEnd().split('\n')).toHaveLength(1 + 20 * 3 + 3);

    const svg = readFileSync(join(dir, 'f5.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [\s\S]*<\/svg>$/);
    for (const text of [
      'KylinX Fig. 5: n pVMs booted one after another, swept over n',
      'lines and dots: the model; diamonds: the paper',
      'pVMs booted (n)',
      'total boot time (s)',
      'KylinX, xs',
      'KylinX, noxs',
      'MiniOS, xs',
      'Docker (paper only)',
      'source',
      'model',
      'paper',
    ])
      expect(svg, text).toContain(`>${text}</text>`);
    // Three model lines; one mark per model point (3 x 20) and per paper point (3 x 3).
    expect(count(svg, /<g class="mark-line role-mark/g)).toBe(3);
    const symbols = /<g class="mark-symbol role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1]!;
    expect(count(symbols, /<path /g)).toBe(20 * 3 + 3 * 3);

    // resvg draws it: a picture of the SVG's size, not blank.
    const img = new Resvg(svg).render();
    expect(img.width).toBeGreaterThan(500);
    expect(img.height).toBeGreaterThan(300);
    const px = img.pixels;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! < 128 && px[i + 3]! > 0) dark++;
    expect(dark).toBeGreaterThan(1000);
  }, 180_000);

  it('the CSV of the workers is the CSV of one process (no pool) for the same sweep', () => {
    const r = kx(dir, 'bench sweep fork host.pool=0..2 image.redis.memory=8,32 --csv fork.csv --jobs 3');
    expect(r.status).toBe(0);
    const io = memoryIO();
    ok(makeShell({}, io), 'bench sweep fork host.pool=0..2 image.redis.memory=8,32 --csv fork.csv');
    expect(readFileSync(join(dir, 'fork.csv'), 'utf8')).toBe(io.files.get('fork.csv'));
  });

  it('--plot FILE.png draws a PNG through resvg; bench <part> --plot draws its figures as bars', () => {
    const r = kx(dir, 'bench sweep fig5 n=100..1000:300 --plot f5.png; bench fork --plot fork.svg');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const png = readFileSync(join(dir, 'f5.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: twice the SVG's width for sharp text.
    expect(png.readUInt32BE(16)).toBeGreaterThan(1000);
    const svg = readFileSync(join(dir, 'fork.svg'), 'utf8');
    expect(svg).toContain('>KylinX §3.2.1: fork latency</text>');
    expect(svg).toContain('>fork latency (ms)</text>');
    // Five cases with a model bar each, and the paper's three (KylinX's fork, Xen's VM fork, Nephele's clone).
    expect(count(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1]!, /<path /g)).toBe(8);
  }, 60_000);

  it('a failing sweep is one line on stderr and exit 1; a usage error exits 2', () => {
    const bad = kx(dir, 'bench sweep fig5 n=0..3');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('bench: n is pVMs booted in sequence: a whole number 1-10000, not 0\n');
    const usage = kx(dir, 'bench sweep fig5 n=5..1');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^bench: n: the range 5\.\.1 runs backwards/);
  });

  it("a sweep past its bound (the console's 60 s) is stopped whole and fails saying so", async () => {
    // The built pool, as the console's host runs it (its child and workers are the built ones).
    // @ts-expect-error dist/ has no type declarations
    const { runSweepPool } = (await import('../../dist/sweep-pool.js')) as {
      runSweepPool(job: unknown, jobs: number, o: { progress: boolean; timeoutMs: number }): unknown;
    };
    const job = sweepJob(makeShell().ctx, ['fig5', 'n=3000..3001'], undefined);
    const t0 = Date.now();
    expect(() => runSweepPool(job, 1, { progress: false, timeoutMs: 300 })).toThrow(
      "stopped after 0.3 s, the console's bound for a sweep; run a long sweep from a script: kylinx-sh -c 'bench sweep ...'",
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
