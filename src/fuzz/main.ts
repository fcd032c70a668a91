// `npm run fuzz -- [--lines N] [--seed S]`: a fuzz soak against the engine, printing its figures.
// Exit status 1 if anything crashed, broke an invariant, or changed state while failing.

import { defaultImagesDir, loadImages } from '../host-io.js';
import { loadLibraries } from '../dl-io.js';
import { fuzz } from './run.js';

const args = process.argv.slice(2);
const opt = (name: string, d: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const lines = opt('lines', 100_000);
const seed = opt('seed', 1);
const t0 = process.hrtime.bigint();
const r = fuzz({ seed, lines, images: loadImages(defaultImagesDir()), libs: loadLibraries(defaultImagesDir()) });
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(
  `fuzz seed ${seed}: ${r.lines} lines, ${r.commands} commands (${r.failed} refused) in ${secs.toFixed(1)} s; ` +
    `crashes = ${r.crashes}, invariant failures = ${r.invariantFailures}, failed commands that changed state = ${r.stateChangedOnFailure}, malformed errors = ${r.badErrors}\n`,
);
for (const p of r.problems) process.stdout.write(`  ${p}\n`);
process.exitCode = r.crashes + r.invariantFailures + r.stateChangedOnFailure + r.badErrors > 0 ? 1 : 0;
