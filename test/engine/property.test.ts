// Random command sequences (valid and invalid) with check() after every command and, for every failed
// command, a byte-identical state (test/helpers.ts `run` asserts both). Then the same sequence is saved,
// restored into a fresh shell and continued on both: outputs and states must agree.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeShell, run, said, stateOf } from '../helpers.js';
import { loadState } from '../../src/commands/session.js';
import { newEngine } from '../../src/engine/index.js';
import { Shell } from '../../src/commands/shell.js';
import { IMAGES, memoryIO } from '../helpers.js';

const NAMES = [
  'web',
  'redis',
  'dns',
  'web.1',
  'web.2',
  'web.1.1',
  'redis.1',
  'dns.1',
  'daytime',
  'nope',
  '0',
  '3',
  '99',
];
const IMGS = ['web', 'daytime', 'empty', 'dns', 'nosuch'];
const REGIONS = ['text', 'data', 'bss', 'heap', 'stack', 'nowhere'];

const name = fc.constantFrom(...NAMES);
const num = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(100, 1000, 2 ** 31, 1e9));

export const command = fc.oneof(
  fc.tuple(name, num).map(([n, k]) => `fork ${n} ${k}`),
  name.map((n) => `fork ${n}`),
  fc
    .tuple(fc.constantFrom(...IMGS), fc.constantFrom('', 'memory=4', 'memory=1', 'vcpus=2', 'name=x1', 'bogus=1'))
    .map(([i, o]) => `create ${i} ${o}`),
  fc
    .tuple(name, fc.constantFrom(...REGIONS), fc.oneof(num, fc.constant('all')), fc.nat(1600))
    .map(([n, r, k, off]) => `touch ${n} ${r} ${k} --offset ${off}`),
  fc.tuple(name, fc.constantFrom(...REGIONS), num).map(([n, r, p]) => `peek ${n} ${r} ${p}`),
  fc.tuple(fc.constantFrom('', '-KILL', '-TERM', '-9', '-USR1', '-BOGUS'), name).map(([s, n]) => `kill ${s} ${n}`),
  fc.tuple(name, name).map(([a, b]) => `kill ${a} --from ${b}`),
  name.map((n) => `destroy ${n}`),
  fc.tuple(name, fc.integer({ min: -1, max: 300 })).map(([n, s]) => `exit ${n} ${s}`),
  fc.tuple(name, fc.option(name, { nil: undefined })).map(([a, b]) => `wait ${a} ${b ?? ''}`),
  name.map((n) => `pause ${n}`),
  name.map((n) => `unpause ${n}`),
  fc.tuple(name, fc.constantFrom('w2', 'web', 'bad name', '9x', 'r.1')).map(([n, m]) => `rename ${n} "${m}"`),
  fc.integer({ min: -1, max: 5000 }).map((n) => `pool ${n}`),
  fc.constantFrom(
    'list',
    'tree',
    'mem',
    'sharing',
    'info',
    'info free_memory',
    'info nope',
    'show web',
    'mem web',
    'frk web',
    'p',
    'help',
    'help fork',
    'echo "a;b"',
  ),
);

describe('random command sequences', () => {
  it('keep every invariant and change nothing when they fail', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 25 }), (cmds) => {
        const sh = makeShell();
        for (const c of cmds) run(sh, c);
      }),
      { numRuns: 300 },
    );
  });

  it('save and restore: same state, same outputs for the same later commands', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 15 }),
        fc.array(command, { minLength: 1, maxLength: 10 }),
        (before, after) => {
          const a = makeShell();
          for (const c of before) run(a, c);
          const doc = stateOf(a);
          const b = new Shell({
            host: {},
            images: IMAGES,
            io: memoryIO(),
            engine: loadState((h) => newEngine(h), doc, 's.json'),
          });
          expect(stateOf(b)).toBe(doc);
          for (const c of after) {
            const oa = run(a, c).map((o) => [o.ok, said(o)]);
            const ob = run(b, c).map((o) => [o.ok, said(o)]);
            expect(ob).toEqual(oa);
          }
          expect(stateOf(b)).toBe(stateOf(a));
        },
      ),
      { numRuns: 100 },
    );
  });
});
