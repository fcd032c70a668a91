// The last step of `npm run build` (and of `prepare`): dist/cli.js, as tsc wrote it, becomes one bundle of
// everything it imports at start-up, with what it imports later (the console, --step, bench's handler,
// quiz, sign, demo) as chunks beside it in dist/ loaded when asked for. Node's ESM loader resolves, reads
// and compiles each of the ~150 files of the start-up graph one by one: reading 16 instead took a quarter
// off `kylinx-sh -c "fork web 4"`'s wall time (231 ms to 170 ms beside `node -e 0`'s 80 ms; DESIGN §6
// budgets it at 3x `node -e 0`).
//
// Only dist/cli.js is replaced: every other file of dist/ stays tsc's (tests and perf rows import them;
// the sweep's child processes, Graphviz and the plots run them), and a later tsc run writes cli.js back
// unbundled, so a bundle is never older than the sources it was made from. The bundle sits in dist/
// itself, so paths made from import.meta.url (package-paths.ts, graphviz.ts, plot.ts, sweep-pool.ts)
// point where they point from tsc's files. Packages stay imports (ink, react and blessed only in the
// console's chunks). Without esbuild (a folder install without dev dependencies) dist/ stays tsc's.
import { createRequire } from 'node:module';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const entry = join(dist, 'cli.js');
const MARK = '// kylinx-sh: bundled by scripts/bundle.mjs';
const CHUNK = /^chunk-[A-Z0-9]+\.js$/;

let esbuild;
try {
  esbuild = createRequire(join(root, 'package.json'))('esbuild');
} catch {
  process.stderr.write('kylinx-sh: esbuild is not installed, so dist/cli.js stays unbundled (it starts slower)\n');
  process.exit(0);
}

if (readFileSync(entry, 'utf8').startsWith(MARK)) {
  process.stderr.write('kylinx-sh: dist/cli.js is bundled already (run tsc first to bundle the sources anew)\n');
  process.exit(1);
}

const out = mkdtempSync(join(tmpdir(), 'kylinx-bundle-'));
try {
  await esbuild.build({
    entryPoints: [entry],
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    banner: { js: MARK },
    logLevel: 'warning',
  });
  for (const f of readdirSync(dist)) if (CHUNK.test(f)) rmSync(join(dist, f));
  for (const f of readdirSync(out)) copyFileSync(join(out, f), join(dist, f));
} finally {
  rmSync(out, { recursive: true, force: true });
}
