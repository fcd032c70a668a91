// The packed tarball, laid out as `npm install -g` lays it out, run from a directory outside the clone.
// Offline and with nothing but Node and npm: `npm pack` makes the tarball (scripts off: npm test has just
// built dist/, and prepack's clean rebuild would pull dist/ from under the tests running beside this one),
// this file unpacks it into <prefix>/lib/node_modules/kylinx-sh with <prefix>/bin/kylinx-sh beside, and
// gives it only the package's declared dependencies (linked from this clone's node_modules), so a module
// that dist/ needs but package.json lists only for development fails here. The real `npm install -g`
// needs the registry for dependency metadata: scripts/check-install.sh does it.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { shellWords } from './shell-words.js';

const ROOT = resolve(import.meta.dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  bin: Record<string, string>;
};

interface Entry {
  path: string;
  mode: number;
  data: Buffer;
}

/** The files of a .tgz as npm pack writes it (ustar, with pax headers for long names). */
function untar(tgz: Buffer): Entry[] {
  const tar = gunzipSync(tgz);
  const out: Entry[] = [];
  const str = (at: number, len: number) =>
    tar
      .subarray(at, at + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let paxPath: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break;
    const size = parseInt(str(at + 124, 12).trim() || '0', 8);
    const type = str(at + 156, 1);
    const prefix = str(at + 345, 155);
    const name = prefix ? `${prefix}/${str(at, 100)}` : str(at, 100);
    const data = tar.subarray(at + 512, at + 512 + size);
    if (type === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
    else if (type === '0' || type === '') {
      out.push({ path: paxPath ?? name, mode: parseInt(str(at + 100, 8).trim() || '644', 8), data });
      paxPath = undefined;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

let prefix = '';
let files: string[] = [];

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'kylinx-pack-'));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = pack.stdout.trim().split('\n').pop()!;
  prefix = join(work, 'prefix');
  const pkgDir = join(prefix, 'lib', 'node_modules', 'kylinx-sh');
  const entries = untar(readFileSync(join(work, tarball)));
  files = entries.map((e) => e.path.replace(/^package\//, '')).sort();
  for (const e of entries) {
    const to = join(pkgDir, e.path.replace(/^package\//, ''));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, e.data);
    chmodSync(to, e.mode);
  }
  // Only the declared dependencies, as npm would install them (their own dependencies resolve from
  // where they really are).
  for (const dep of Object.keys(PKG.dependencies)) {
    const at = join(pkgDir, 'node_modules', dep);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), at);
  }
  mkdirSync(join(prefix, 'bin'));
  symlinkSync(join('..', 'lib', 'node_modules', 'kylinx-sh', PKG.bin['kylinx-sh']!), join(prefix, 'bin', 'kylinx-sh'));
}, 120_000);

/** The installed command, found on the PATH, run in a fresh directory outside the clone. */
function installed(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'kylinx-user-'));
  const r = spawnSync('kylinx-sh', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` },
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the packed tarball, installed', () => {
  it('ships the built dist/, the demos, the images, README and LICENSE, and no sources or tests', () => {
    for (const f of ['bin/kylinx-sh.js', 'dist/cli.js', 'dist/graphviz-render.js', 'LICENSE', 'README.md'])
      expect(files).toContain(f);
    for (const f of ['examples/fork-cow.kx', 'examples/hosts/one-pcpu.cfg', 'images/host.cfg', 'images/web.cfg'])
      expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|perf|scripts)\//.test(f) || f.startsWith('node_modules/'))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the kylinx-sh authors\n/,
    );
  });

  it('runs from another directory: -c, a demo by path and by name, the one-pCPU host, a quiz replay line', () => {
    const fork = installed(['-c', 'fork web 4']);
    expect(fork.err).toBe('');
    expect(fork.out).toMatch(/^web \(domid 1\) forked 4 children/);
    const demo = installed(['examples/fork-cow.kx']);
    expect(demo.err).toBe('');
    expect(demo.code).toBe(0);
    expect(installed(['demo', 'fork-cow']).out).toBe(demo.out);
    const host = installed(['--host', 'examples/hosts/one-pcpu.cfg', '-c', 'info nr_cpus']);
    expect(host.out).toBe('1\n');
    const quiz = installed(['quiz', 'sched', '-c']);
    const line = /^Replay it yourself: kylinx-sh (.*)$/m.exec(quiz.out)?.[1];
    expect(line).toMatch(/--host examples\/hosts\/one-pcpu\.cfg/);
    const replay = installed(shellWords(line!));
    expect(replay.err).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/^a +1 /m);
  });

  it('export --format svg draws with the installed WASM Graphviz', () => {
    const r = installed(['-c', 'export tree --format svg']);
    expect(r.err).toBe('');
    expect(r.out).toContain('<svg');
  });
});
