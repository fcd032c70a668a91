// The scripted modes of the built binary: -c, script files, stdin, --json, exit codes, --state.
// These run dist/ (npm test builds first), as a user would.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');

function sh(args: string[], input?: string, cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kylinx-sh -c', () => {
  it('fork web 4 exits 0 and names the children with their domids and the modeled latency', () => {
    const r = sh(['-c', 'fork web 4']);
    expect(r.code).toBe(0);
    for (let k = 1; k <= 4; k++) expect(r.out).toMatch(new RegExp(`web\\.${k}  domid ${k + 3}`));
    expect(r.out).toMatch(/in 5\.27 ms \(modeled/);
    expect(r.err).toBe('');
  });

  it("loads a lazy handler (bench's) for a line that runs it, by name or prefix, or through source and try", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-lazy-'));
    const script = join(dir, 'b.kx');
    writeFileSync(script, 'bench fork\n');
    const direct = sh(['-c', 'fork web 1; bench fork']);
    expect(direct.code).toBe(0);
    expect(direct.out).toMatch(/^fork {4}redis \(6 MiB/m);
    for (const line of ['benc fork', `source ${script}`, 'try bench fork']) {
      const r = sh(['-c', line]);
      expect(r.err).toBe('');
      expect(r.out).toContain(direct.out.slice(direct.out.indexOf('figure')));
    }
  });

  it("fork web 4; list prints xl's header and 8 rows", () => {
    const r = sh(['-c', 'fork web 4; list']);
    const lines = r.out.trimEnd().split('\n');
    const at = lines.indexOf('Name                                        ID   Mem VCPUs\tState\tTime(s)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toHaveLength(8);
    // Domain-0's vCPUs come from the scheduler: idle (blocked) until something gives them work.
    expect(lines[at + 1]).toMatch(/^Domain-0 {32} {5}0 {2}1024 {5}2 {5}r----- {7}0\.0$/);
  });

  it('a user error is one line, exit 1, no stack trace', () => {
    const r = sh(['-c', 'fork wbe 4']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("fork: no pVM named 'wbe' (did you mean 'web'?)\n");
    expect(r.out).toBe('');
  });

  it('usage errors exit 2: a bad command line or a bad command; an unknown command exits 1 as in xl', () => {
    expect(sh(['-c', 'fork']).code).toBe(2);
    const unknown = sh(['-c', 'frk web']);
    expect(unknown.err).toBe("frk: command not implemented: 'frk' (did you mean 'fork'?)\n");
    expect(unknown.code).toBe(1);
    expect(sh(['--bogus']).code).toBe(2);
    expect(sh(['-c', 'list', 'file.kx']).code).toBe(2);
    expect(sh(['--seed', 'x', '-c', 'list']).code).toBe(2);
  });

  it('stops at the first failure; --keep-going runs on and still exits 1', () => {
    const r = sh(['-c', 'fork nope; fork web']);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('web.1');
    const k = sh(['--keep-going', '-c', 'fork nope; fork web']);
    expect(k.code).toBe(1);
    expect(k.out).toContain('web.1');
  });

  it('--json prints one object per command, as DESIGN §3 gives it', () => {
    const r = sh(['--json', '--keep-going', '-c', 'fork web 2; fork nope']);
    const [a, b] = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      command: 'fork',
      ok: true,
      latency_us: 2633,
      data: {
        children: [
          { name: 'web.1', domid: 4 },
          { name: 'web.2', domid: 5 },
        ],
      },
    });
    expect(b).toEqual({ command: 'fork', ok: false, error: { code: 'ENOENT', message: "no pVM named 'nope'" } });
    const l = JSON.parse(sh(['--json', '-c', 'list']).out);
    expect(l.data.domains[1]).toEqual({
      name: 'web',
      domid: 1,
      mem_mib: 8,
      vcpus: 1,
      state: expect.any(String),
      time_s: expect.any(Number),
      parent: 0,
      family: 1,
    });
  });

  it('prints plain text: no escape codes', () => {
    // eslint-disable-next-line no-control-regex
    expect(sh(['-c', 'fork web 2; tree; mem; info']).out).not.toMatch(/\x1b/);
  });

  it('--version and --help', () => {
    expect(sh(['--version']).out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const h = sh(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--state <file>');
  });
});

describe('scripts and stdin', () => {
  it('runs a script file; an error names the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-'));
    const f = join(dir, 'demo.kx');
    writeFileSync(f, '# a demo\nfork web 2   # two children\n\ntouch web.1 heap 10\nfork wbe\nlist\n');
    const r = sh([f]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('web.2');
    expect(r.err).toBe(`${f}:5: fork: no pVM named 'wbe' (did you mean 'web'?)\n`);
    expect(r.out).not.toContain('Name ');
  });

  it('reads commands from stdin when it is not a terminal', () => {
    const r = sh([], 'fork redis\nlist redis.1\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/redis\.1 +4 +6 +1/);
  });

  it('exit alone ends the script with status 0', () => {
    const r = sh([], 'fork web\nexit\nfork nope\n');
    expect(r.code).toBe(0);
  });
});

describe('--state', () => {
  it('keeps the host between runs, like xl on one hypervisor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-'));
    const s = join(dir, 's.json');
    expect(sh(['--state', s, '-c', 'fork web 2']).code).toBe(0);
    const l = sh(['--state', s, '-c', 'list']);
    expect(l.out).toContain('web.1');
    expect(l.out).toContain('web.2');
    expect(sh(['--state', s, '-c', 'touch web.1 heap 5; fork web']).code).toBe(0);
    expect(sh(['--state', s, '-c', 'list web.3']).code).toBe(0);
    expect(existsSync(`${s}.lock`)).toBe(false);
    expect(readdirSync(dir)).toEqual(['s.json']);
  });

  it('a damaged state file is refused with its name and is not overwritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-'));
    const s = join(dir, 's.json');
    for (const bad of ['', '{', '[]', '{"format":"kylinx-sh-state","version":99}', '{"format":"other"}']) {
      writeFileSync(s, bad);
      const r = sh(['--state', s, '-c', 'list']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^kylinx-sh: ${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(readFileSync(s, 'utf8')).toBe(bad);
    }
  });

  it('a hand-edited state that breaks an invariant is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-'));
    const s = join(dir, 's.json');
    sh(['--state', s, '-c', 'fork web']);
    const doc = JSON.parse(readFileSync(s, 'utf8'));
    doc.chunks.refs[0] += 1;
    writeFileSync(s, JSON.stringify(doc));
    const r = sh(['--state', s, '-c', 'list']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/state is inconsistent: chunk 0 counts/);
  });
});

describe('scripted modes load no console code', () => {
  it('nothing statically reachable from dist/cli.js imports ink, react or blessed', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (/^(ink|react|blessed|blessed-contrib|ink-testing-library)(\/|$)/.test(spec))
          bad.push(`${file} imports ${spec}`);
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      }
      for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm))
        if (m[1]!.startsWith('.')) visit(resolve(dirname(file), m[1]!));
    };
    visit(join(ROOT, 'dist', 'cli.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
