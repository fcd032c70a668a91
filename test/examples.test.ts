// Every demo script in examples/ runs unattended with the built binary, exits 0, tells its story (every
// `say` line is printed), shows the results its narration promises, and ends on a line a class can read
// (a conclusion, not a bare number).

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitLine } from '../src/commands/lex.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, 'examples');
const scripts = readdirSync(DIR)
  .filter((f) => f.endsWith('.kx'))
  .sort();

function runScript(name: string): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kylinx-sh.js'), join(DIR, name)], { encoding: 'utf8' });
  expect(r.stderr, name).toBe('');
  expect(r.status, name).toBe(0);
  return r.stdout;
}

function narration(name: string): string[] {
  return readFileSync(join(DIR, name), 'utf8')
    .split('\n')
    .flatMap((l) => splitLine(l))
    .filter((c) => c.words[0] === 'say')
    .map((c) => c.words.slice(1).join(' '));
}

/** The CPU% column of `run`'s table for a pVM, in the last table printed in `out`. */
function cpuPct(out: string, pvm: string): number {
  const rows = out.split('\n').filter((l) => l.startsWith(`${pvm} `));
  return Number(rows[rows.length - 1]!.trim().split(/\s+/)[3]);
}

/** A latency as `run` prints it (282.8 µs, 13.08 ms) in µs. */
function micros(text: string): number {
  const m = /^([\d.]+) (µs|ms|s)$/.exec(text);
  if (!m) throw new Error(`not a latency: '${text}'`);
  return Number(m[1]) * { µs: 1, ms: 1e3, s: 1e6 }[m[2] as 'µs' | 'ms' | 's'];
}

/** The Median column of each `run` table's row for a pVM, in µs, in the order printed. */
function medians(out: string, pvm: string): number[] {
  return out
    .split('\n')
    .filter((l) => new RegExp(`^${pvm} +\\d+ +[\\d.]+ +[\\d.]+ +\\d+ +\\d+ `).test(l))
    .map((l) => micros(/ ([\d.]+ (?:µs|ms|s)) +[\d.]+ (?:µs|ms|s) /.exec(l)![1]!));
}

const lastLine = (out: string) => out.trimEnd().split('\n').pop()!;

describe('examples', () => {
  it('there are demos for fork/CoW, IpC, library update, the scheduler, restrictions and recycling', () => {
    expect(scripts).toEqual([
      'fork-cow.kx',
      'ipc-tour.kx',
      'lib-update.kx',
      'recycling.kx',
      'restrictions.kx',
      'sched.kx',
    ]);
  });

  for (const name of scripts) {
    it(`${name} runs unattended, prints all of its narration, and says in one line what it shows`, () => {
      const out = runScript(name);
      const says = narration(name);
      expect(says.length).toBeGreaterThanOrEqual(4);
      for (const s of says) expect(out).toContain(s);
      // `kylinx-sh demo` lists the script by its first comment line: a whole sentence.
      const first = readFileSync(join(DIR, name), 'utf8').split('\n')[0]!;
      expect(first).toMatch(/^# .{40,}\.$/);
    });
  }

  it('each demo ends on a line a class understands', () => {
    const ends: Record<string, RegExp> = {
      'fork-cow.kx': /^host: 16\.0 GiB total, .* [\d.]+ MiB in shared frames saves [\d.]+ MiB$/,
      'ipc-tour.kx': /^refused, as it should be: kill: web \(family web\) may not signal redis \(family redis\)/,
      'lib-update.kx': /^web: libz\.crc32 ran libz 1\.2\.13; GOT slot \d+ resolved now \(first call: lazy binding\)/,
      'recycling.kx': /^Read the model column: a recycled boot skips building a domain/,
      'restrictions.kx': /^Every refusal named its rule and mapped nothing/,
      'sched.kx': /^Side by side: web's Median with BOOST/,
    };
    expect(Object.keys(ends)).toEqual(scripts);
    for (const name of scripts) expect(lastLine(runScript(name)), name).toMatch(ends[name]!);
  });

  it('fork-cow: children share until they write; the parent keeps its page; running decays sharing', () => {
    const out = runScript('fork-cow.kx');
    for (let k = 1; k <= 4; k++) expect(out).toMatch(new RegExp(`web\\.${k} \\(${k + 3}\\)`));
    expect(out).toContain('web.2 wrote 500 pages of heap (0-499): 500 copy-on-write breaks, 0 in place');
    expect(out).toContain('0 copy-on-write breaks, 500 in place');
    const parent = /web heap page 10: frame (\d+), content #(\d+)/.exec(out)!;
    const child = /web\.2 heap page 10: frame (\d+), content #(\d+)/.exec(out)!;
    expect(parent[1]).not.toBe(child[1]);
    expect(parent[2]).not.toBe(child[2]);
    expect(out).toContain('ran 30 s of virtual time');
    // The closing line's saving is the host's sharing_freed_memory (whole MiB, as xl info reports it).
    const saves = Number(/saves ([\d.]+) MiB$/.exec(lastLine(out))![1]);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'kylinx-sh.js'), '-c', `source ${join(DIR, 'fork-cow.kx')}; info sharing_freed_memory`],
      { encoding: 'utf8' },
    );
    expect(Math.floor(saves)).toBe(Number(lastLine(r.stdout)));
  });

  it('ipc-tour: lineal is cheap, first contact is paid once, a blocked reader is woken, cross-family is refused', () => {
    const out = runScript('ipc-tour.kx');
    expect(out).toContain('web.1 read 14 bytes from pipe 1: "hello from web"');
    expect(out).toMatch(/pipe 2: web\.1 -> web\.2.*first contact/);
    // show names what the blocked reader waits for (list's b is the same for every idle pVM).
    expect(out).toMatch(/web\.2 blocks in read on pipe 2/);
    expect(out).toMatch(/^ {2}state +-b---- +blocked in read on pipe 2$/m);
    expect(out).toMatch(/» web\.2 woke.*"wake up"/);
    // The queue is created under the key ftok computed, and ipcs lists it under that key.
    const key = /^ftok\("\/srv\/jobs", 1\) = (0x[0-9a-f]{8})$/m.exec(out)![1]!;
    expect(out).toContain(`web: msqid 1 (key ${key}, created;`);
    expect(out).toMatch(new RegExp(`^${key} +1 +web +web `, 'm'));
    // ipcs shows pVMs by name: it runs while every endpoint is alive.
    const ipcs = out.slice(out.indexOf('------ Message Queues'), out.indexOf('Signals and exit/wait'));
    expect(ipcs).toMatch(/^ +1 +web +web\.1 +web /m);
    expect(ipcs).not.toMatch(/#\d/);
    expect(out).toContain('web.1 received type 2, 10 bytes from queue 1: "urgent job"');
    // A stopped reader takes nothing: the write leaves the bytes in the ring, SIGCONT hands them over.
    expect(out).toContain('web.1 wrote 5 bytes to pipe 2 (5/1024 in the ring)');
    expect(out).toMatch(
      /SIGCONT \(18\) from Domain-0 to web\.2: continued\n» web\.2 woke: read on pipe 2 returned 5 bytes "later"/,
    );
    expect(out).toContain('web: wait returned web.1 (domid 4), exited with status 3');
    expect(out).toContain('refused, as it should be: kill: web (family web) may not signal redis (family redis)');
  });

  it('lib-update: Fig. 7 stages, 1.18 runs afterwards, variables kept, uptime continues, incompatible refused', () => {
    const out = runScript('lib-update.kx');
    expect(out).toMatch(/stage 1 {2}load and share +2\d\d\.\d µs/);
    expect(out).toMatch(/total +5\.\d\d ms/);
    expect(out).toContain('web: libm.sqrt ran libm 1.18; GOT slot 30 already bound; ncalls_sqrt = 3');
    expect(out).toMatch(/web +1 +0:00:05\n[\s\S]*web +1 +0:00:10/);
    expect(out).toMatch(/refused, as it should be: update: libz 2\.0 is not binary-compatible.*changed function crc32/);
    expect(out).toContain('web: libz.crc32 ran libz 1.2.13');
  });

  it('restrictions: each rule is named when it refuses, and libs holds only what was allowed', () => {
    const out = runScript('restrictions.kx');
    for (const rule of ['signature', 'signer', 'version', 'loader']) expect(out).toContain(`by rule '${rule}'`);
    expect(out).toContain('redis (domid 2) linked libfast 1.0');
    const libs = out.slice(Math.max(...[...out.matchAll(/Library +Version/g)].map((m) => m.index)));
    expect(libs).toMatch(/^libfast +1\.0 .* 1 +redis$/m);
    expect(libs).toMatch(/^libz +1\.2\.13 .* 1 +web$/m);
    expect(libs).not.toMatch(/^libz +1\.2\.11 /m);
    expect(libs).not.toMatch(/^libm +1\.17 /m);
  });

  it('sched: weight 512 gets twice weight 256 (within 5%), a cap of 20 holds, BOOST keeps web fast', () => {
    const out = runScript('sched.kx');
    const first = out.slice(0, out.indexOf('A cap is a hard limit'));
    // The six of each weight together: one pair's 10 s varies by a few percent (who was running when a
    // netback or appliance vCPU woke with BOOST), the groups' shares are what the weights set.
    const group = (p: string): number => [1, 2, 3, 4, 5, 6].reduce((t, i) => t + cpuPct(first, `${p}${i}`), 0);
    const a = group('hog-a');
    const b = group('hog-b');
    expect(Math.abs(a / b - 2) / 2).toBeLessThan(0.05);
    const capped = out.slice(0, out.indexOf('web, an HTTP appliance'));
    expect(Math.abs(cpuPct(capped, 'hog-a1') - 20)).toBeLessThan(2);
    // web's median response latency: two runs with BOOST, then one with it switched off.
    const [on1, on2, off] = medians(out, 'web') as [number, number, number];
    expect(medians(out, 'web')).toHaveLength(3);
    expect(out).toContain('migration-delay=0us (BOOST off)');
    // "well under a millisecond" with BOOST; "tens of times longer" without.
    expect(Math.max(on1, on2)).toBeLessThan(500);
    expect(off).toBeGreaterThan(20 * Math.max(on1, on2));
  });

  it("recycling: a recycled boot is cheaper than a standard one, and far below the paper's XenStore boot", () => {
    const out = runScript('recycling.kx');
    const std = Number(/created web-std .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    const rec = Number(/created web-rec .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    const rec2 = Number(/created web-rec2 .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    expect(rec).toBeLessThan(std);
    expect(rec2).toBeLessThan(rec);
    // bench boot's model column: recycled beats the noxs standard boot; the paper's xs boot is 124 ms.
    const model = (what: string) =>
      Number(new RegExp(`^recycle +web, ${what} +ms +\\S+ +([\\d.]+)`, 'm').exec(out)![1]);
    expect(model('recycled boot, noxs')).toBeLessThan(model('standard boot, noxs'));
    expect(out).toMatch(/^recycle +web, standard boot, xs +ms +124 /m);
    expect(model('recycled boot, xs')).toBeLessThan(124 / 10);
  });
});
