// Property: IpC mixed at random with fork, kill, exit, wait and destroy keeps every invariant
// (check() clean after each command, a failed command changes nothing: test/helpers.ts run), and once
// every pVM is destroyed no port, grant, link, pipe, queue byte or segment frame is left behind.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeShell, ok, run } from '../helpers.js';

const PVMS = ['web', 'web.1', 'web.2', 'web.1.1', 'web.3', 'redis', 'redis.1', 'web', 'web.1', 'web.2'];
const SIGS = ['USR1', 'TERM', 'KILL', 'STOP', 'CONT', 'CHLD', 'PIPE', 'HUP'];

const pvm = fc.constantFrom(...PVMS);
const word = fc.constantFrom('a', 'hello', 'x'.repeat(700), 'y'.repeat(1500));

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const small = fc.integer({ min: 1, max: 3 });
const command = fc.oneof(
  w(
    2,
    fc.tuple(pvm, fc.integer({ min: 1, max: 2 })).map(([p, n]) => `fork ${p} ${n}`),
  ),
  w(
    2,
    fc
      .tuple(fc.constantFrom(...SIGS), pvm, fc.option(pvm, { nil: undefined }))
      .map(([s, p, f]) => `kill -${s} ${p}${f ? ` --from ${f}` : ''}`),
  ),
  w(
    1,
    fc.tuple(pvm, fc.integer({ min: 0, max: 5 })).map(([p, s]) => `exit ${p} ${s}`),
  ),
  w(
    1,
    pvm.map((p) => `wait ${p}`),
  ),
  w(
    1,
    pvm.map((p) => `destroy ${p}`),
  ),
  w(
    1,
    pvm.map((p) => `unpause ${p}`),
  ),
  w(
    2,
    fc.tuple(pvm, pvm).map(([a, b]) => `pipe ${a} ${b}`),
  ),
  w(
    6,
    fc.tuple(small, word).map(([p, x]) => `write ${p} ${x}`),
  ),
  w(
    6,
    fc
      .tuple(small, fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }))
      .map(([p, n]) => `read ${p}${n ? ` ${n}` : ''}`),
  ),
  w(
    1,
    fc.tuple(small, fc.constantFrom('read', 'write')).map(([p, e]) => `close ${p} ${e}`),
  ),
  w(
    1,
    fc.tuple(pvm, fc.constantFrom('0x1', '0x2')).map(([p, k]) => `msgget ${p} ${k} --create`),
  ),
  w(
    6,
    fc
      .tuple(pvm, small, fc.integer({ min: 1, max: 3 }), word, fc.boolean())
      .map(([p, q, t, x, nw]) => `msgsnd ${p} ${q} ${t} ${x}${nw ? ' --nowait' : ''}`),
  ),
  w(
    6,
    fc
      .tuple(pvm, small, fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.boolean())
      .map(([p, q, t, nw, ne]) => `msgrcv ${p} ${q} ${t}${nw ? ' --nowait' : ''}${ne ? ' --noerror --size 100' : ''}`),
  ),
  w(
    1,
    fc.tuple(pvm, fc.constantFrom('0x1', '0x2')).map(([p, k]) => `shmget ${p} ${k} 8K --create`),
  ),
  w(
    2,
    fc.tuple(pvm, small).map(([p, x]) => `shmat ${p} ${x}`),
  ),
  w(
    2,
    fc.tuple(pvm, small).map(([p, x]) => `shmdt ${p} ${x}`),
  ),
  w(
    1,
    fc.tuple(pvm, fc.constantFrom('shm:1', 'shm:2', 'heap')).map(([p, r]) => `touch ${p} ${r} 1`),
  ),
);

describe('IpC property', () => {
  it('random IpC mixed with fork, kill, exit, wait and destroy keeps check() clean and leaks nothing', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 10, maxLength: 60 }), (cmds) => {
        const sh = makeShell({ evtchn_ports: 6 });
        run(
          sh,
          'fork web 2; fork redis; pipe web.1 web.2; pipe web web.1; pipe web.2 web; msgget web 0x1 --create; msgget web.1 0x2 --create; shmget web 0x1 8K --create; shmat web.1 1',
        );
        for (const c of cmds) run(sh, c);
        // Round trip through a snapshot: the same state comes back, IpC included.
        const saved = JSON.stringify(sh.hv.save());
        ok(sh, 'snapshot save /s.json; snapshot restore /s.json');
        expect(JSON.stringify(sh.hv.save())).toBe(saved);
        for (const d of [...sh.hv.pvms()].reverse()) run(sh, `destroy ${d.domid}`);
        const ipc = sh.hv.ipc;
        expect(ipc.links.size).toBe(0);
        expect(ipc.evtchn.domains()).toEqual([]);
        expect(ipc.grants.domains()).toEqual([]);
        expect(ipc.pipes.size).toBe(0);
        expect(ipc.queues.size).toBe(0);
        expect(ipc.segments.size).toBe(0);
        expect(ipc.signals.size).toBe(0);
        expect(sh.hv.check()).toEqual([]);
      }),
      { numRuns: 60, seed: 5 },
    );
  });
});
