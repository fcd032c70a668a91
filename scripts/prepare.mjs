// npm's `prepare` script: builds dist/ with TypeScript where it is installed (a clone after `npm ci` or
// `npm install`, `npm link`, a git install, which npm gives its dev dependencies). A folder install
// without them (`npm install -g .` of a fresh clone) has no TypeScript: that is no error, this says what
// to do instead, and bin/kylinx-sh.js says the same if it is run unbuilt. `npm pack` builds in `prepack`
// (a clean dist/ for the tarball), so this step does not build a second time there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '');

function typescript() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

if (!packing) {
  const tsc = typescript();
  if (tsc !== null) {
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    // As `npm run build` does: dist/cli.js bundled for start-up (bundle.mjs; a no-op without esbuild).
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
    process.exit(b.status ?? 1);
  }
  if (!existsSync(join(root, 'dist', 'cli.js')))
    process.stderr.write(
      `kylinx-sh: not built: TypeScript (a dev dependency) is not installed in ${root}, so dist/ was not built.\n` +
        `  Run npm ci there (it installs TypeScript and builds dist/); a global link to it then works as it is.\n` +
        `  Or install the packed tarball, which ships dist/: npm pack, then npm install -g kylinx-sh-*.tgz\n`,
    );
}
