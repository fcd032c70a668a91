// Hand-edited state files (issue #9): each loader checks the shape of its own section, so an edit is
// EITHER refused at load (EINVAL, one line naming the file) OR the loaded engine survives a smoke session
// with no internal error (EBUG) and every invariant holding after each command (run() checks it).

import { describe, expect, it } from 'vitest';
import { Shell } from '../../src/commands/shell.js';
import { loadState } from '../../src/commands/session.js';
import { EngineError } from '../../src/engine/errors.js';
import { newEngine } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { IMAGES, LIBS, makeShell, memoryIO, ok, run, stateOf } from '../helpers.js';

/** pVMs, a pipe, a queue, shm, a link, libraries, blocked readers and run time. */
function richState(): string {
  const sh = makeShell();
  ok(sh, 'fork web 2; touch web.1 heap 3; pipe web.1 web.2; write 1 hello; msgget web 0x5 --create; msgsnd web 1 1 hi');
  ok(sh, 'shmget redis 0x6 8K --create; shmat redis 1; fork redis; link web libssl; call web libm.sin; run 10ms');
  ok(sh, 'pipe web web.2; read 2; msgget redis 0x7 --create; msgrcv redis 2; run 5ms');
  return stateOf(sh);
}

const SMOKE = ['list', 'tree', 'mem', 'ipcs', 'evtchn', 'libs', 'vcpu-list', 'run 100ms'];

type Node = Record<string | number, unknown>;

function paths(base: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]): void => {
    out.push(p);
    if (Array.isArray(v))
      for (const i of new Set([0, 1, 2, v.length - 1].filter((x) => x >= 0 && x < v.length))) walk(v[i], [...p, i]);
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Node)[k], [...p, k]);
  };
  walk(base, []);
  // The bulk (frame tables, chunk contents) is covered by state-files.test.ts; aim the edits at records.
  return out.filter((p) => p.length > 1 && (p[0] === 'domains' || p[0] === 'subsystems'));
}

describe('hand-edited state: refused at load, or a smoke session runs clean', () => {
  it('200 seeded random edits of domain and subsystem records', () => {
    const good = richState();
    const base = JSON.parse(good) as Node;
    const all = paths(base);
    const rng = new Rng(91);
    const values: unknown[] = [null, -1, 1e12, 'x', '', 2.5, [], {}];
    let refused = 0;
    for (let n = 0; n < 200; n++) {
      const doc = structuredClone(base);
      const path = all[rng.int(all.length)]!;
      let o = doc;
      for (const k of path.slice(0, -1)) o = o[k] as Node;
      const last = path[path.length - 1]!;
      const del = rng.int(3) === 0;
      if (del) {
        if (Array.isArray(o)) o.splice(last as number, 1);
        else delete o[last];
      } else o[last] = values[rng.int(values.length)];
      const what = `${path.join('.')} ${del ? 'deleted' : `= ${JSON.stringify(o[last])}`}`;
      const text = JSON.stringify(doc);
      try {
        loadState((h) => newEngine(h, { libs: LIBS }), text, 's.json');
      } catch (e) {
        expect(e, what).toBeInstanceOf(EngineError);
        expect((e as EngineError).code, what).toBe('EINVAL');
        expect((e as EngineError).message, what).toMatch(/^s\.json: [^\n]+$/);
        refused++;
        continue;
      }
      const sh = new Shell({ host: {}, images: IMAGES, io: memoryIO({ 's.json': text }), libs: LIBS });
      for (const line of ['snapshot restore s.json', ...SMOKE]) {
        for (const o of run(sh, line))
          if (!o.ok) expect(o.error.code, `${what}: ${line}: ${o.error.message}`).not.toBe('EBUG');
      }
      const pvm = sh.hv.list().find((d) => d.domid !== 0 && d.shutdown === null);
      if (pvm) {
        for (const line of [`fork ${pvm.name}`, `kill ${pvm.name}`, 'run 10ms', 'list']) {
          for (const o of run(sh, line))
            if (!o.ok) expect(o.error.code, `${what}: ${line}: ${o.error.message}`).not.toBe('EBUG');
        }
      }
    }
    expect(refused).toBeGreaterThan(40);
  }, 60_000);
});
