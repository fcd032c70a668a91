// Every demo script in examples/ runs unattended with the built binary, exits 0, tells its story (every
// `say` line is printed) and shows the results its narration promises.

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

/** The CPU% column of `run`'s table for a pVM, in the last table printed before `marker`. */
function cpuPct(out: string, pvm: string): number {
  const rows = out.split('\n').filter((l) => l.startsWith(`${pvm} `));
  return Number(rows[rows.length - 1]!.trim().split(/\s+/)[3]);
}

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
    it(`${name} runs unattended and prints all of its narration`, () => {
      const out = runScript(name);
      const says = narration(name);
      expect(says.length).toBeGreaterThanOrEqual(4);
      for (const s of says) expect(out).toContain(s);
    });
  }

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
  });

  it('ipc-tour: lineal is cheap, first contact is paid once, a blocked reader is woken, cross-family is refused', () => {
    const out = runScript('ipc-tour.kx');
    expect(out).toContain('web.1 read 14 bytes from pipe 1: "hello from web"');
    expect(out).toMatch(/pipe 2: web\.1 -> web\.2.*first contact/);
    expect(out).toMatch(/web\.2 blocks|blocks in read/);
    expect(out).toMatch(/» web\.2 woke.*"wake up"/);
    expect(out).toContain('web.1 received type 2, 10 bytes from queue 1: "urgent job"');
    expect(out).toContain('web: wait returned web.1 (domid 4) with status 3');
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

  it('restrictions: each rule is named when it refuses', () => {
    const out = runScript('restrictions.kx');
    for (const rule of ['signature', 'signer', 'version', 'loader']) expect(out).toContain(`by rule '${rule}'`);
    expect(out).toContain('redis (domid 2) linked libfast 1.0');
  });

  it('sched: weight 512 gets twice weight 256 (within 5%), a cap of 20 holds', () => {
    const out = runScript('sched.kx');
    const first = out.slice(0, out.indexOf('A cap is a hard limit'));
    const a = cpuPct(first, 'hog-a2');
    const b = cpuPct(first, 'hog-b2');
    expect(Math.abs(a / b - 2) / 2).toBeLessThan(0.05);
    expect(Math.abs(cpuPct(out, 'hog-a1') - 20)).toBeLessThan(2);
  });

  it('recycling: a recycled boot is cheaper than a standard one', () => {
    const out = runScript('recycling.kx');
    const std = Number(/created web-std .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    const rec = Number(/created web-rec .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    const rec2 = Number(/created web-rec2 .*modeled boot ([\d.]+) ms/.exec(out)![1]);
    expect(rec).toBeLessThan(std);
    expect(rec2).toBeLessThan(rec);
  });
});
