// Shipped files by name from any directory: demos, hosts and quiz replay lines run from a scratch
// directory outside the package (the built binary, as after a global install); `kylinx-sh demo`;
// --help naming the subcommands; --host refused when a --state file already holds a host.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellWords } from '../shell-words.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');
const DEMOS = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.kx'))
  .map((f) => f.replace(/\.kx$/, ''))
  .sort();

/** The binary run in a fresh directory that holds none of the package's files. */
function away(args: string[], dir = mkdtempSync(join(tmpdir(), 'kylinx-away-'))) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env } });
  return { code: r.status, out: r.stdout, err: r.stderr, dir };
}

describe('shipped files from any directory', () => {
  it('a demo script, the one-pCPU host, and source of a packaged example', () => {
    const demo = away(['examples/fork-cow.kx']);
    expect(demo.err).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.out).toContain('web.2 wrote 500 pages of heap');
    const host = away(['--host', 'examples/hosts/one-pcpu.cfg', '-c', 'info nr_cpus; list']);
    expect(host.err).toBe('');
    expect(host.out).toMatch(/^1$/m);
    expect(host.out).not.toMatch(/^web /m);
    const src = away(['-c', 'source examples/recycling.kx']);
    expect(src.code).toBe(0);
    expect(src.out).toMatch(/created web-rec2 /);
  });

  it("the user's own file of the same path wins over the package's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-own-'));
    mkdirSync(join(dir, 'examples'));
    writeFileSync(join(dir, 'examples', 'fork-cow.kx'), 'echo my own demo\n');
    const r = away(['examples/fork-cow.kx'], dir);
    expect(r.out).toBe('my own demo\n');
  });

  it('a path outside examples/ and images/, or escaping them, is not looked up in the package', () => {
    expect(away(['package.json']).err).toBe('kylinx-sh: package.json: no such file\n');
    const r = away(['examples/../package.json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('kylinx-sh: examples/../package.json: no such file\n');
  });

  it("each quiz's replay line (quiz -c) runs from another directory", () => {
    for (const kind of ['fork', 'cow', 'ipc', 'sched']) {
      const quiz = away(['quiz', kind, '-s', '5', '-c']);
      expect(quiz.code).toBe(0);
      const line = /^Replay it yourself: (kylinx-sh .*)$/m.exec(quiz.out)?.[1];
      expect(line, kind).toBeDefined();
      const [cmd, ...args] = shellWords(line!);
      expect(cmd).toBe('kylinx-sh');
      const r = away(args);
      expect(r.err, `${kind}: ${line}`).toBe('');
      expect(r.code, `${kind}: ${line}`).toBe(0);
    }
  });
});

describe('kylinx-sh demo', () => {
  it('lists every shipped demo, one line each with what it shows', () => {
    const r = away(['demo']);
    expect(r.code).toBe(0);
    const rows = r.out.trimEnd().split('\n').slice(1);
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(DEMOS);
    for (const l of rows) expect(l.trim().length, l).toBeGreaterThan(40);
  });

  it('runs one by name, with options', () => {
    const r = away(['demo', '--seed', '5', 'recycling', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const first = JSON.parse(r.out.split('\n')[0]!) as { command: string; ok: boolean };
    expect(first).toMatchObject({ command: 'say', ok: true });
  });

  it('an unknown name is a usage error that suggests the closest', () => {
    const r = away(['demo', 'fork']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("kylinx-sh demo: no demo named 'fork' (did you mean 'fork-cow'?); kylinx-sh demo lists them\n");
  });
});

describe('--help and --host with --state', () => {
  it('--help lists the subcommands', () => {
    const h = away(['--help']);
    expect(h.code).toBe(0);
    for (const sub of ['demo', 'quiz', 'sign', 'top']) expect(h.out).toMatch(new RegExp(`^  kylinx-sh ${sub}\\b`, 'm'));
  });

  it('--host is refused once the --state file exists, saying which wins and how to start fresh', () => {
    const first = away(['--state', 's.json', '--host', 'examples/hosts/one-pcpu.cfg', '-c', 'create daytime']);
    expect(first.code).toBe(0);
    const again = away(['--state', 's.json', '--host', 'examples/hosts/one-pcpu.cfg', '-c', 'list'], first.dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /^kylinx-sh: --host examples\/hosts\/one-pcpu\.cfg cannot apply: s\.json already holds a host, and a state file's host wins; to start fresh on .*, remove s\.json or name a new --state file\n$/,
    );
    expect(away(['--state', 's.json', '-c', 'info nr_cpus'], first.dir).out).toMatch(/^1$/m);
  });
});
