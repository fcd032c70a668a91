// The open cost model: costs lists the table, cost overrides it (checked, atomic, saved with the state),
// --costs FILE does the same from a file, and every modeled latency is explained as the primitives it sums.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitLine } from '../../src/commands/lex.js';
import type { CostExplanation } from '../../src/engine/cost-model.js';
import { COSTS, PRIMITIVES } from '../../src/engine/cost.js';
import { err, makeShell, memoryIO, ok, run } from '../helpers.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('costs', () => {
  it('lists every constant of src/engine/cost.ts with its value, unit, calibrated rows and source', () => {
    const r = ok(makeShell(), 'costs');
    const rows = r.data.costs as { name: string; us: number; unit: string; calibrates: string[]; source: string }[];
    expect(rows.map((x) => x.name)).toEqual(PRIMITIVES);
    for (const x of rows) {
      const e = COSTS[x.name as keyof typeof COSTS];
      expect(x.us).toBe(e.us);
      expect(x.unit).toBe(`us/${e.per}`);
      expect(x.source).toBe(e.source);
      expect(x.source.length, x.name).toBeGreaterThan(10);
      expect(r.text).toContain(x.name);
    }
    expect(r.text).toMatch(new RegExp(`${PRIMITIVES.length} primitives, 0 overridden`));
  });

  it('costs NAME shows one; an unknown name is a one-line error with the closest name', () => {
    expect(ok(makeShell(), 'costs page_share').text).toMatch(/page_share +0\.25 +us\/page +fork\.redis/);
    expect(err(makeShell(), 'costs page_shar', 'ENOENT')).toBe(
      "no cost named 'page_shar' (did you mean 'page_share'?)",
    );
  });
});

describe('cost NAME=VALUE', () => {
  it('overrides for the session, is listed as overridden, and --reset goes back to the table', () => {
    const sh = makeShell();
    const before = ok(sh, 'fork redis').latencyUs!;
    ok(sh, 'cost page_share=0.5');
    const pages = (ok(sh, 'fork redis').data.shared_pages as number) ?? 0;
    expect(ok(sh, 'fork redis').latencyUs).toBeCloseTo(before + 0.25 * pages, 1);
    expect(ok(sh, 'costs page_share').text).toContain('0.5 (table 0.25)');
    ok(sh, 'cost --reset page_share');
    expect(ok(sh, 'fork redis').latencyUs).toBeCloseTo(before, 1);
  });

  it('refuses bad words and changes nothing (every word checked before any applies)', () => {
    const sh = makeShell();
    expect(err(sh, 'cost page_share=0.5 xs_opp=3', 'ENOENT')).toMatch(/no cost named 'xs_opp'/);
    expect(err(sh, 'cost page_share=fast', 'EUSAGE')).toMatch(/page_share must be a number of µs from 0, not "fast"/);
    expect(err(sh, 'cost page_share=-1', 'EUSAGE')).toMatch(/not "-1"/);
    expect(err(sh, 'cost page_share', 'EUSAGE')).toMatch(/'page_share' is not NAME=VALUE/);
    expect(err(sh, 'cost', 'EUSAGE')).toMatch(/missing name=value/);
    expect(sh.hv.cost.overrides()).toEqual({});
  });

  it('is saved with the state and restored with it', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(sh, 'cost page_share=0.5 state_pass=100; snapshot save s.json; cost --reset');
    expect(sh.hv.cost.overrides()).toEqual({});
    ok(sh, 'snapshot restore s.json');
    expect(sh.hv.cost.overrides()).toEqual({ page_share: 0.5, state_pass: 100 });
  });

  it('a state file with an unknown cost is refused at load, with its name', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(sh, 'snapshot save s.json');
    const doc = JSON.parse(io.files.get('s.json')!) as Record<string, unknown>;
    io.files.set('s.json', JSON.stringify({ ...doc, costs: { xs_nope: 1 } }));
    expect(err(sh, 'snapshot restore s.json', 'EINVAL')).toMatch(/s\.json: state: costs: no cost named 'xs_nope'/);
  });
});

describe('explained latencies', () => {
  /** Every command of the golden session that models a latency: its explanation sums to it. */
  it('data.cost sums to latency_us for every command of the golden session', () => {
    const sh = makeShell();
    const text = readFileSync(join(ROOT, 'test', 'golden', 'session.kx'), 'utf8');
    let explained = 0;
    for (const line of text.split('\n'))
      for (const c of splitLine(line)) {
        if (c.words[0] === 'sleep') continue;
        for (const o of run(sh, c.text)) {
          if (!o.ok || o.result.latencyUs === undefined) continue;
          const cost = o.result.cost as CostExplanation;
          expect(cost, o.line).toBeDefined();
          const sum = cost.terms.reduce((s, t) => s + t.us, 0);
          expect(Math.abs(cost.total_us - o.result.latencyUs), `${o.line}: ${JSON.stringify(cost)}`).toBeLessThan(0.25);
          expect(Math.abs(sum - cost.total_us), o.line).toBeLessThan(0.05 * cost.terms.length + 0.01);
          for (const t of cost.terms) expect(t.us_each).toBe(sh.hv.cost.value(t.name));
          explained++;
        }
      }
    expect(explained).toBeGreaterThan(25);
  });
});

describe('through the binary', () => {
  it('--costs FILE overrides as cost does; --explain prints the primitives; --state keeps the overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-costs-'));
    // xl.cfg's numbers are whole: a fraction is a quoted string, as the xl.cfg parser asks.
    writeFileSync(join(dir, 'c.cfg'), '# what if grants were twice as dear\npage_share = "0.5"\n');
    const plain = cli(['--json', '-c', 'fork redis'], dir);
    const withFile = cli(['--json', '--costs', 'c.cfg', '-c', 'fork redis'], dir);
    const viaCmd = cli(['--json', '-c', 'cost page_share=0.5; fork redis'], dir);
    const lat = (s: string) => (JSON.parse(s.trim().split('\n').pop()!) as { latency_us: number }).latency_us;
    expect(lat(withFile.stdout)).toBe(lat(viaCmd.stdout));
    expect(lat(withFile.stdout)).toBeGreaterThan(lat(plain.stdout));
    const ex = cli(['--explain', '-c', 'fork redis'], dir);
    expect(ex.stdout).toMatch(/page_share +1728 +page +0\.25 +432/);
    expect(ex.stdout).toMatch(/total +1220/);
    expect(cli(['--state', 's.json', '--costs', 'c.cfg', '-c', 'list'], dir).status).toBe(0);
    expect(cli(['--state', 's.json', '-c', 'costs page_share'], dir).stdout).toContain('0.5 (table 0.25)');
  });

  it('a bad costs file is one line naming the file and line, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-costs-'));
    writeFileSync(join(dir, 'c.cfg'), 'page_share = "0.5"\npage_shar = 1\n');
    const r = cli(['--costs', 'c.cfg', '-c', 'list'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("kylinx-sh: c.cfg:2: no cost named 'page_shar' (did you mean 'page_share'?)");
  });
});
