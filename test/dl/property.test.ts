// Random sessions of library commands mixed with fork, exit and destroy: every invariant after every
// command (masters' user counts, one host copy of text, dependencies linked, frames balanced) and a
// byte-identical state after every refusal (test/helpers.ts `run`); then save, restore, continue both.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadState } from '../../src/commands/session.js';
import { Shell } from '../../src/commands/shell.js';
import { newEngine } from '../../src/engine/index.js';
import { IMAGES, makeShell, memoryIO, run, said, stateOf } from '../helpers.js';

const PVM = fc.constantFrom('web', 'redis', 'dns', 'web.1', 'web.2', 'redis.1', 'daytime', 'web-2', 'nope');
const LIB = fc.constantFrom(
  'libm',
  'libm@1.16',
  'libm@1.17',
  'libm@1.18',
  'libz',
  'libz@1.2.11',
  'libz@1.2.13',
  'libz@2.0',
  'libssl',
  'libcrypto',
  'libfast',
  'libq',
);
const FN = fc.constantFrom(
  'libm.sqrt',
  'libm.exp10',
  'libm.read_global ncalls_sqrt',
  'libz.crc32',
  'libz.gzgetc_',
  'libssl.SSL_new',
  'libcrypto.SHA256',
);

const command = fc.oneof(
  fc
    .tuple(PVM, LIB, fc.option(PVM, { nil: undefined }))
    .map(([p, l, by]) => `link ${p} ${l}${by ? ` --loader ${by}` : ''}`),
  fc.tuple(PVM, LIB).map(([p, l]) => `unlink ${p} ${l.split('@')[0]}`),
  fc.tuple(PVM, FN).map(([p, f]) => `call ${p} ${f}`),
  fc
    .tuple(fc.oneof(PVM, fc.constant('all')), LIB, fc.boolean())
    .map(([p, l, e]) => `update ${p} ${l}${e ? ' --eager' : ''}`),
  PVM.map((p) => `fork ${p}`),
  PVM.map((p) => `destroy ${p}`),
  PVM.map((p) => `exit ${p}`),
  PVM.map((p) => `pause ${p}`),
  fc.constantFrom(
    'create daytime',
    'create web --recycle',
    'create dns --recycle',
    'create empty',
    'libs',
    'libs web',
    'mem',
    'verify libm@1.17',
  ),
);

describe('random library sessions', () => {
  it('keep every invariant and change nothing when a command fails', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 20 }), (cmds) => {
        const sh = makeShell();
        for (const c of cmds) run(sh, c);
      }),
      { numRuns: 120 },
    );
  });

  it('save and restore mid-session: same state, same outputs afterwards', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 12 }),
        fc.array(command, { minLength: 1, maxLength: 8 }),
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
          for (const c of after)
            expect(run(b, c).map((o) => [o.ok, said(o)])).toEqual(run(a, c).map((o) => [o.ok, said(o)]));
          expect(stateOf(b)).toBe(stateOf(a));
        },
      ),
      { numRuns: 40 },
    );
  });
});
