#!/usr/bin/env node
// The command: runs the built dist/cli.js, or says how to build it (a folder install of a fresh clone
// has no dist/ until `npm ci` has run there).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) await import(cli.href);
else {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    `kylinx-sh is not built: ${root} has no dist/. Run npm ci in ${root} (it installs TypeScript and builds dist/), or install the packed tarball (npm pack), which ships dist/.\n`,
  );
  process.exitCode = 1;
}
