// System V shared memory: a region shm:<id> of kind 'shared' in every attached pVM, visible in mem,
// inherited by fork, writes seen by all; keys per family; the frames go with the family.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok } from '../helpers.js';

describe('shared memory', () => {
  it('shmget makes the frames, shmat maps them writable in each attacher, and mem shows the region', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2');
    const free = sh.hv.frames.free;
    expect(ok(sh, 'shmget web 0x42 10000 --create').data).toMatchObject({
      shmid: 1,
      bytes: 10000,
      pages: 3,
      created: true,
    });
    expect(sh.hv.frames.free).toBe(free - 3);
    expect(ok(sh, 'shmat web.1 1').data).toMatchObject({
      region: 'shm:1',
      pages: 3,
      attached: 1,
      first_contact: false,
    });
    expect(ok(sh, 'shmget web.2 0x42 8K').data).toMatchObject({ shmid: 1, created: false });
    expect(ok(sh, 'shmat web.2 1').data).toMatchObject({ attached: 2, first_contact: false });
    const mem = ok(sh, 'mem web.1').data as { regions: { region: string; shared_kib: number; size_kib: number }[] };
    expect(mem.regions.find((r) => r.region === 'shm:1')).toMatchObject({ size_kib: 12, shared_kib: 12 });
    expect(sh.hv.frames.free).toBe(free - 3);
    // A write by one attacher is seen by the other: same frame, new content.
    ok(sh, 'touch web.1 shm:1 1 --offset 2');
    const seen = (who: string) => ok(sh, `peek ${who} shm:1 2`).data as { frame: number; token: number };
    expect(seen('web.2').frame).toBe(seen('web.1').frame);
    expect(seen('web.2').token).toBe(seen('web.1').token);
    const before = seen('web.2').token;
    ok(sh, 'touch web.2 shm:1 1 --offset 2');
    expect(seen('web.1').token).not.toBe(before);
    expect(ok(sh, 'ipcs').data.segments).toMatchObject([
      { shmid: 1, owner: 'web', family: 'web', bytes: 10000, nattch: 2, attachers: ['web.1', 'web.2'] },
    ]);
  });

  it('fork hands attachments to the child, as on Linux; shmdt and exit detach', () => {
    const sh = makeShell();
    ok(sh, 'shmget web 0x1 4096 --create; shmat web 1; fork web');
    expect(sh.hv.ipc.segments.get(1)!.attachers).toEqual([1, 4]);
    expect(ok(sh, 'show web.1').text).toContain('shm:1 1p shared');
    ok(sh, 'shmdt web.1 1');
    expect(sh.hv.ipc.segments.get(1)!.attachers).toEqual([1]);
    err(sh, 'shmdt web.1 1', 'EINVAL');
    ok(sh, 'shmat web.1 1; exit web.1 0');
    expect(sh.hv.ipc.segments.get(1)!.attachers).toEqual([1]);
  });

  it('the segment lives while its family has a live pVM; then its frames are freed', () => {
    const sh = makeShell();
    const without = makeShell();
    ok(sh, 'fork web; shmget web.1 0x5 1M --create; shmat web 1; exit web.1 0; wait web');
    ok(without, 'fork web; exit web.1 0; wait web');
    expect(sh.hv.ipc.segments.size).toBe(1);
    expect(sh.hv.frames.free).toBe(without.hv.frames.free - 256);
    ok(sh, 'destroy web');
    ok(without, 'destroy web');
    expect(sh.hv.ipc.segments.size).toBe(0);
    expect(sh.hv.frames.free).toBe(without.hv.frames.free);
  });

  it('refuses what it cannot do, changing nothing', () => {
    const sh = makeShell();
    ok(sh, 'shmget web 0x7 4096 --create; shmat web 1');
    expect(err(sh, 'shmat redis 1', 'EPERM')).toBe(
      'redis (family redis) may not use shared memory segment 1 of family web: pVMs talk only inside their family',
    );
    err(sh, 'shmget web 0x8 4096', 'ENOENT');
    err(sh, 'shmget web 0x7 8192', 'EINVAL');
    err(sh, 'shmget web 0x7 4096 --create --excl', 'EEXIST');
    err(sh, 'shmget web 0x9 0 --create', 'EINVAL');
    err(sh, 'shmget web 0x9 lots --create', 'EUSAGE');
    err(sh, 'shmget web 0x9 900G --create', 'EINVAL');
    err(makeShell({ memory: 2048 }), 'shmget web 0x9 1G --create', 'ENOMEM');
    err(sh, 'shmat web 1', 'EINVAL');
    err(sh, 'shmat web 2', 'EINVAL');
    expect(ok(sh, 'shmget redis 0x7 4096 --create').data.shmid).toBe(2);
  });

  it('lineal shmget + shmat costs about Table 3 lineal (39 µs); a sibling pays first contact', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; shmget web 0x3 4096 --create');
    const lineal = ok(sh, 'shmget web.1 0x3 4096').latencyUs! + ok(sh, 'shmat web.1 1').latencyUs!;
    expect(Math.abs(lineal - 40.25)).toBeLessThan(0.11);
    ok(sh, 'shmget web.1 0x4 4096 --create');
    const sibling = ok(sh, 'shmget web.2 0x4 4096').latencyUs! + ok(sh, 'shmat web.2 2').latencyUs!;
    expect(Math.abs(sibling - lineal - 195)).toBeLessThan(0.21);
  });
});
