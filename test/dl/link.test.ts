// Linking: libraries at boot, dependency trees, the four restrictions (each refusal names its rule and
// maps nothing), lazy binding, fork, one copy of library text per host, save and restore.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok, stateOf } from '../helpers.js';
import { loadState } from '../../src/commands/session.js';
import { Shell } from '../../src/commands/shell.js';
import { newEngine } from '../../src/engine/index.js';
import { IMAGES, LIBS, memoryIO } from '../helpers.js';

type LibRow = {
  lib: string;
  version: string;
  explicit: boolean;
  got_bound: number;
  got_slots: number;
  shared_with: { name: string }[];
};
const libsOf = (sh: Shell, pvm: string): LibRow[] => ok(sh, `libs ${pvm}`).data.libraries as LibRow[];

describe('libraries linked at boot', () => {
  it('web, redis and dns link libm 1.16: one copy of its text on the host, data private to each', () => {
    const sh = makeShell();
    for (const p of ['web', 'dns']) expect(libsOf(sh, p).map((l) => `${l.lib}@${l.version}`)).toEqual(['libm@1.16']);
    // redis links Lua, hiredis and lwIP too (Fig. 6's image), each loaded once.
    expect(libsOf(sh, 'redis').map((l) => `${l.lib}@${l.version}`)).toEqual([
      'libm@1.16',
      'liblua@5.1',
      'libhiredis@0.14',
      'liblwip@2.1',
    ]);
    const loaded = ok(sh, 'libs').data.loaded as {
      lib: string;
      users: { name: string }[];
      text_frames: number;
      saved_frames: number;
    }[];
    expect(loaded.map((l) => l.lib)).toEqual(['libhiredis', 'liblua', 'liblwip', 'libm']);
    expect(loaded.filter((l) => l.lib === 'libm')).toEqual([
      expect.objectContaining({
        lib: 'libm',
        version: '1.16',
        text_frames: 64,
        saved_frames: 128,
        users: [
          expect.objectContaining({ name: 'web' }),
          expect.objectContaining({ name: 'redis' }),
          expect.objectContaining({ name: 'dns' }),
        ],
      }),
    ]);
    const m = ok(sh, 'mem web').data.regions as {
      region: string;
      size_kib: number;
      pss_kib: number;
      shared_kib: number;
      private_kib: number;
    }[];
    // Three pVMs map the text: Pss is a third of it (smaps), all shared; the data is private.
    expect(m.find((r) => r.region === 'lib:libm')).toMatchObject({
      size_kib: 256,
      pss_kib: 85,
      shared_kib: 256,
      private_kib: 0,
    });
    expect(m.find((r) => r.region === 'lib:libm.data')).toMatchObject({ size_kib: 8, shared_kib: 0, private_kib: 8 });
    err(sh, 'touch web lib:libm 1', 'EFAULT');
  });

  it('ten redis appliances use one copy of libm text: host frames grow by the private parts only', () => {
    const sh = makeShell({ boot: [] });
    const free0 = sh.hv.frames.free;
    ok(sh, 'create redis');
    const first = free0 - sh.hv.frames.free;
    for (let i = 0; i < 9; i++) ok(sh, 'create redis');
    // Its own 6 MiB and its libraries' private data (libm 2 pages, liblua 2, libhiredis 1, liblwip 4).
    const perRedis = 1536 + 9;
    const text = 64 + 47 + 15 + 57; // the four libraries' text, loaded by the first one
    expect(first).toBe(perRedis + text);
    expect(free0 - sh.hv.frames.free).toBe(10 * perRedis + text);
    expect(free0 - sh.hv.frames.free).toBeLessThan(10 * (perRedis + text)); // less than ten copies (Fig. 6's direction)
    const loaded = ok(sh, 'libs').data.loaded as { lib: string; users: unknown[]; saved_frames: number }[];
    const libm = loaded.find((l) => l.lib === 'libm')!;
    expect(libm.users).toHaveLength(10);
    expect(libm.saved_frames).toBe(9 * 64);
    // Removing them all gives every frame back, the host copy with the last user.
    for (let i = 0; i < 10; i++) ok(sh, `destroy ${i === 0 ? 'redis' : `redis-${i + 1}`}`);
    expect(sh.hv.frames.free).toBe(free0);
    expect(ok(sh, 'libs').data.loaded).toEqual([]);
  });
});

describe('link and unlink', () => {
  it('maps the whole dependency tree, dependencies first, and unlink removes what nothing else needs', () => {
    const sh = makeShell();
    const free0 = sh.hv.frames.free;
    const r = ok(sh, 'link web libssl');
    expect((r.data.linked as LibRow[]).map((l) => [l.lib, l.version, l.explicit])).toEqual([
      ['libz', '2.0', false],
      ['libcrypto', '1.1', false],
      ['libssl', '1.1', true],
    ]);
    expect(r.text).toContain('(dependency) text 1.0 MiB loaded on the host (first user)');
    expect(free0 - sh.hv.frames.free).toBe(26 + 1 + 256 + 4 + 96 + 2);
    expect(err(sh, 'unlink web libcrypto', 'EBUSY')).toBe(
      'libssl@1.1 in web needs libcrypto@1.1 (unlink libssl first)',
    );
    expect(ok(sh, 'unlink web libssl').data.removed).toEqual(['libssl@1.1', 'libcrypto@1.1', 'libz@2.0']);
    expect(sh.hv.frames.free).toBe(free0);
    err(sh, 'unlink web libssl', 'ENOENT');
  });

  it('a dependency already linked is reused, and linking it by name makes it explicit', () => {
    const sh = makeShell();
    ok(sh, 'link web libz@1.2.13');
    const r = ok(sh, 'link web libssl');
    expect((r.data.linked as LibRow[]).map((l) => l.lib)).toEqual(['libcrypto', 'libssl']);
    ok(sh, 'unlink web libssl');
    expect(libsOf(sh, 'web').map((l) => l.lib)).toEqual(['libm', 'libz']);
    expect(err(sh, 'link web libm@1.18', 'EEXIST')).toContain('update web libm@1.18');
  });

  it('refuses each restriction with its rule and the library named, mapping nothing', () => {
    const sh = makeShell();
    ok(sh, 'create daytime');
    // err() also proves the whole state (frames, p2m, libraries) is byte-identical after each refusal.
    expect(err(sh, 'link daytime libm@1.17', 'EPERM')).toMatch(
      /^refused libm 1\.17 by rule 'signature': the ed25519 signature does not verify/,
    );
    expect(err(sh, 'link web libfast', 'EPERM')).toBe(
      "refused libfast 1.0 by rule 'signer': signed by demo-thirdparty, and image web trusts only demo-signer (lib_signers); nothing was mapped",
    );
    expect(err(sh, 'link web libz@1.2.11', 'EPERM')).toBe(
      "refused libz 1.2.11 by rule 'version': image web allows libz >=1.2.12 (lib_versions); nothing was mapped",
    );
    expect(err(sh, 'link web libz --loader redis', 'EPERM')).toContain(
      'by rule \'loader\': image web lets only pVMs of the same application load libraries (lib_loader "app"), and redis runs redis',
    );
    ok(sh, 'fork dns');
    expect(err(sh, 'link dns libz --loader dns.1', 'EPERM')).toContain('lib_loader "self"');
    // A dependency is checked like the library asked for: libssl's tree under web's version rule.
    ok(sh, 'fork web; link web.1 libz@1.2.13 --loader web');
    expect(libsOf(sh, 'web.1').map((l) => `${l.lib}@${l.version}`)).toEqual(['libm@1.16', 'libz@1.2.13']);
    err(sh, 'link web libz --loader Domain-0', 'EINVAL');
    err(sh, 'link web nosuch', 'ENOENT');
    err(sh, 'link web libm@x', 'EUSAGE');
  });

  it('an unrestricted image links what web refuses; a refused dependency is named and nothing of the tree is mapped', () => {
    const sh = makeShell();
    ok(sh, 'create daytime; link daytime libfast; link daytime libz@1.2.11');
    ok(sh, `create web name=w2 'lib_versions=["libz >=3"]'`);
    const free = sh.hv.frames.free;
    expect(err(sh, 'link w2 libssl', 'EPERM')).toBe(
      "refused libz 2.0 by rule 'version': image web allows libz >=3 (lib_versions); nothing was mapped",
    );
    expect(sh.hv.frames.free).toBe(free);
    expect(libsOf(sh, 'w2').map((l) => l.lib)).toEqual(['libm']);
  });
});

describe('calls and lazy binding', () => {
  it('the first call resolves the GOT slot and says so; library variables count and can be read', () => {
    const sh = makeShell();
    const first = ok(sh, 'call web libm.sqrt');
    expect(first.text).toBe(
      'web: libm.sqrt ran libm 1.16; GOT slot 30 resolved now (first call: lazy binding); ncalls_sqrt = 1',
    );
    expect(first.latencyUs).toBeCloseTo(25.2, 1);
    const again = ok(sh, 'call web libm.sqrt');
    expect(again.data).toMatchObject({ resolved: false, variable: { name: 'ncalls_sqrt', value: 2 } });
    expect(again.latencyUs).toBeLessThan(1);
    expect(ok(sh, 'call web libm.read_global ncalls_sqrt').data.variable).toEqual({ name: 'ncalls_sqrt', value: 2 });
    expect(libsOf(sh, 'web')[0]).toMatchObject({ got_bound: 2, got_slots: 111 });
    expect(err(sh, 'call web libm.sqrtt', 'ENOENT')).toContain("did you mean 'sqrt'");
    err(sh, 'call web libz.crc32', 'ENOENT');
    err(sh, 'call web libm.read_global', 'EINVAL');
    err(sh, 'call web libm', 'EUSAGE');
    ok(sh, 'pause web');
    err(sh, 'call web libm.sqrt', 'EBUSY');
  });

  it('a fork inherits bound slots and variable values; afterwards each has its own (copy-on-write)', () => {
    const sh = makeShell();
    ok(sh, 'call web libm.sin; call web libm.sin; fork web');
    expect(ok(sh, 'call web.1 libm.read_global ncalls_sin').data.variable).toEqual({ name: 'ncalls_sin', value: 2 });
    expect(ok(sh, 'call web.1 libm.sin').data).toMatchObject({ resolved: false, variable: { value: 3 } });
    expect(ok(sh, 'call web libm.read_global ncalls_sin').data.variable).toEqual({ name: 'ncalls_sin', value: 2 });
    // The child's write to the library data broke copy-on-write on that page only.
    const m = ok(sh, 'mem web.1').data.regions as { region: string; private_kib: number }[];
    expect(m.find((r) => r.region === 'lib:libm.data')!.private_kib).toBe(4);
  });
});

describe('save and restore', () => {
  it('keeps libraries, bound slots and variable values; the restored host goes on identically', () => {
    const a = makeShell();
    ok(a, 'link web libssl; call web libm.cos; call web libm.cos; update redis libm@1.18');
    const doc = stateOf(a);
    const b = new Shell({
      host: {},
      images: IMAGES,
      io: memoryIO(),
      libs: LIBS,
      engine: loadState((h) => newEngine(h, { libs: LIBS }), doc, 's.json'),
    });
    expect(stateOf(b)).toBe(doc);
    expect(b.hv.check()).toEqual([]);
    for (const line of [
      'libs',
      'libs web',
      'call web libm.read_global ncalls_cos',
      'update web libm@1.18 --eager',
      'call web libm.cos',
      'create redis',
    ]) {
      expect(ok(b, line).text).toBe(ok(a, line).text);
    }
    expect(stateOf(b)).toBe(stateOf(a));
  });

  it('a restored state carries its library store, so an engine made without one behaves the same', () => {
    const a = makeShell();
    const b = new Shell({
      host: {},
      images: IMAGES,
      io: memoryIO(),
      engine: loadState((h) => newEngine(h), stateOf(a), 's.json'),
    });
    expect(ok(b, 'create web').text).toBe(ok(a, 'create web').text);
    expect(ok(b, 'verify libm@1.18').text).toBe(ok(a, 'verify libm@1.18').text);
  });
});

describe('completion', () => {
  it('completes library names and name@version from the store', async () => {
    const { complete } = await import('../../src/commands/complete.js');
    const sh = makeShell();
    expect(complete(sh.hv, IMAGES, 'link web libm@1.1').candidates).toEqual(['libm@1.16', 'libm@1.17', 'libm@1.18']);
    expect(complete(sh.hv, IMAGES, 'verify libs').candidates).toEqual(['libssl', 'libssl@1.1']);
  });
});
