// Damaged state files through `restore` (the CLI's --state goes through the same loadState; the built
// binary's side is test/commands/cli.test.ts): empty, truncated, not JSON, another format or version,
// and hand edits — including the four that used to crash, hang or overflow: a chunk id of 10^9 and a
// frame count of 10^9 (the process ran out of heap), 200,000 chunk ids (Math.max(...ids) overflowed
// the stack) and a negative time slice (`run` looped forever). A refused file leaves the current state
// as it was (err()).

import { describe, expect, it } from 'vitest';
import { Shell } from '../../src/commands/shell.js';
import { loadState } from '../../src/commands/session.js';
import { EngineError } from '../../src/engine/errors.js';
import { newEngine } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { err, IMAGES, LIBS, makeShell, memoryIO, ok, stateOf } from '../helpers.js';

/** A state with something of every subsystem in it. */
function richState(): string {
  const sh = makeShell();
  ok(sh, 'fork web 2; touch web.1 heap 3; pipe web.1 web.2; write 1 hello; msgget web 0x5 --create; msgsnd web 1 1 hi');
  ok(sh, 'shmget redis 0x6 8K --create; shmat redis 1; fork redis; link web libssl; call web libm.sin; run 10ms');
  return stateOf(sh);
}

function shellWith(files: Record<string, string>): Shell {
  return new Shell({ host: {}, images: IMAGES, io: memoryIO(files), libs: LIBS });
}

const load = (text: string) => loadState((h) => newEngine(h, { libs: LIBS }), text, 's.json');

function refusal(text: string): string {
  try {
    load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe('EINVAL');
    expect((e as EngineError).message).not.toContain('\n');
    return (e as EngineError).message;
  }
  throw new Error('the state should have been refused');
}

describe('restore of a damaged file: one line naming the file, and the current state is kept', () => {
  const good = richState();
  const cases: [string, string, RegExp][] = [
    ['empty', '', /^s\.json: not a kylinx-sh state \(not valid JSON: the file is empty\)$/],
    ['whitespace', '  \n', /not valid JSON/],
    ['not JSON', 'fork web 4\n', /^s\.json: not a kylinx-sh state \(not valid JSON\)$/],
    [
      'a JSON syntax error',
      '{"format" "kylinx-sh-state"}',
      /^s\.json: not a kylinx-sh state \(not valid JSON at byte \d+\)$/,
    ],
    ['a JSON array', '[]', /expected a JSON object/],
    ['another format', '{"format":"xl","version":1}', /format is "xl", expected "kylinx-sh-state"/],
    ['another version', good.replace(/"version":\d+/, '"version":99'), /state version 99 is not supported/],
  ];
  for (const [what, text, why] of cases) {
    it(what, () => {
      const sh = shellWith({ 's.json': text });
      expect(err(sh, 'snapshot restore s.json', 'EINVAL')).toMatch(why);
    });
  }

  it('truncated anywhere (20 cuts): refused, never half-loaded', () => {
    for (let i = 1; i < 20; i++) {
      const cut = good.slice(0, Math.floor((good.length * i) / 20));
      const sh = shellWith({ 's.json': cut });
      expect(err(sh, 'snapshot restore s.json', 'EINVAL')).toMatch(/^s\.json: not a kylinx-sh state \(not valid JSON/);
    }
  });

  it('a missing file is ENOENT naming it', () => {
    expect(err(shellWith({}), 'snapshot restore nosuch.json', 'ENOENT')).toBe('nosuch.json: no such file');
  });

  it('the good file restores, and the shell goes on from it', () => {
    const sh = shellWith({ 's.json': good });
    ok(sh, 'snapshot restore s.json');
    expect(stateOf(sh)).toBe(good);
    expect(ok(sh, 'read 1').data).toMatchObject({ data: 'hello' });
  });
});

/** The parts of a state document the hand edits below touch (the rest is carried as it is). */
interface StateDoc {
  chunks: { ids: number[]; freeIds: number[] };
  frames: { total: number; nextFresh: number; tokens: number[] | null };
  domains: { family: number; name: string }[];
  subsystems: {
    ipc: unknown;
    sched: { params: { tsliceMs: number; ratelimitUs: number } };
    dl: { masters: { manifest: { functions: unknown[] } }[] };
  };
}

describe('hand-edited states', () => {
  const edit = (f: (d: StateDoc) => void): string => {
    const d = JSON.parse(richState()) as StateDoc;
    f(d);
    return JSON.stringify(d);
  };

  it('a chunk id of 10^9 is refused at once (it made the loader allocate until the heap ran out)', () => {
    expect(refusal(edit((d) => (d.chunks.ids[5] = 1e9)))).toMatch(
      /^s\.json: state: chunk id 1000000000 is not one of 0-\d+ \(the ids must be dense\)$/,
    );
    expect(refusal(edit((d) => (d.chunks.freeIds = [-1])))).toMatch(/chunk id -1/);
    expect(refusal(edit((d) => (d.chunks.ids[0] = 0.5)))).toMatch(/chunk id 0.5/);
  });

  it('frames handed out past the tokens listed are refused (10^9 made check() run out of heap)', () => {
    expect(refusal(edit((d) => (d.frames.nextFresh = 1e9)))).toMatch(
      /^s\.json: state: 1000000000 frames handed out, but \d+ content tokens listed/,
    );
    expect(refusal(edit((d) => (d.frames.total = -1)))).toContain('the host has -1 frames');
    expect(refusal(edit((d) => (d.frames.tokens = null)))).toContain('no content tokens listed');
  });

  it('200,000 free chunk ids load (Math.max(...ids) overflowed the stack past ~120,000)', () => {
    const text = edit((d) => {
      const n = d.chunks.ids.length + d.chunks.freeIds.length;
      for (let i = 0; i < 200_000; i++) d.chunks.freeIds.push(n + i);
    });
    const hv = load(text);
    expect(hv.check()).toEqual([]);
  });

  it('a time slice or rate limit out of range is refused (a tslice of -1 ms made run loop forever)', () => {
    expect(refusal(edit((d) => (d.subsystems.sched.params.tsliceMs = -1)))).toBe(
      's.json: state is inconsistent: sched: the time slice -1 ms is outside 1-1000',
    );
    expect(refusal(edit((d) => (d.subsystems.sched.params.tsliceMs = 0)))).toContain('time slice 0 ms');
    expect(refusal(edit((d) => (d.subsystems.sched.params.ratelimitUs = 5)))).toContain('rate limit 5 us');
  });

  it('edits that break an invariant are refused by check() with the first problem', () => {
    expect(refusal(edit((d) => (d.frames.total = 5)))).toMatch(/^s\.json: /);
    expect(refusal(edit((d) => (d.domains[1]!.family = 999)))).toMatch(/^s\.json: state is inconsistent: /);
    expect(refusal(edit((d) => (d.domains[2]!.name = d.domains[1]!.name)))).toMatch(/^s\.json: /);
    // Refused by a subsystem's shape check (its records name the removed domain) or by check().
    expect(refusal(edit((d) => d.domains.splice(2, 1)))).toMatch(
      /^s\.json: state(: [\w.[\]]+ refers to domain \d+, which does not exist| is inconsistent: )/,
    );
    expect(refusal(edit((d) => (d.subsystems.ipc = null)))).toMatch(/^s\.json: /);
  });

  it('random hand edits (seeded): each is refused with one line naming the file, or loads with every invariant holding', () => {
    const base = JSON.parse(richState()) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]): void => {
      paths.push(p);
      if (Array.isArray(v))
        for (const i of new Set([0, 1, 2, v.length - 1].filter((x) => x >= 0 && x < v.length))) walk(v[i], [...p, i]);
      else if (v !== null && typeof v === 'object')
        for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
    };
    walk(base, []);
    const rng = new Rng(9);
    const values: unknown[] = [null, -1, 0, 1, 1e9, -1e9, 2.5, 'x', '', [], {}, true];
    let refused = 0;
    for (let n = 0; n < 150; n++) {
      type Node = Record<string | number, unknown>;
      const doc = structuredClone(base) as Node;
      const path = paths[1 + rng.int(paths.length - 1)]!;
      let o = doc;
      for (const k of path.slice(0, -1)) o = o[k] as Node;
      const last = path[path.length - 1]!;
      if (rng.int(3) === 0) {
        if (Array.isArray(o)) o.splice(last as number, 1);
        else delete o[last];
      } else o[last] = values[rng.int(values.length)];
      let hv;
      try {
        hv = load(JSON.stringify(doc));
      } catch (e) {
        expect(e, path.join('.')).toBeInstanceOf(EngineError);
        expect((e as EngineError).message, path.join('.')).toMatch(/^s\.json: [^\n]+$/);
        refused++;
        continue;
      }
      expect(hv.check(), path.join('.')).toEqual([]);
    }
    expect(refused).toBeGreaterThan(20);
  });
});
