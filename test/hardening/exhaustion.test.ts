// Resource exhaustion: frames, event-channel ports, grant entries, domids (max_domains), message-queue
// bytes, pool shells and absurd counts. Each limit gives a one-line error naming the resource and the
// numbers; err() proves no partial state was left (the serialized state is byte-identical) and check()
// is clean. Every check happens before any per-item work, so the absurd requests below fail at once
// instead of looping (the suite's timeout would catch a loop; speed itself is perf/'s to measure).

import { describe, expect, it } from 'vitest';
import { GRANT_ENTRIES, RESERVED_ENTRIES } from '../../src/engine/mm/grant.js';
import { MSGMNB } from '../../src/engine/ipc/msg.js';
import { HOST_KEYS, hostFromCfg } from '../../src/engine/config.js';
import { ConfigError, parseCfg } from '../../src/engine/image.js';
import { err, makeShell, ok, run } from '../helpers.js';

/** A 64 MiB host (48 MiB for pVMs: 12,288 frames) with nothing booted. */
const SMALL = { memory: 64, dom0_mem: 16, boot: [] as string[] };

/** One line: no newline, and it names what ran out. */
function oneLine(msg: string): string {
  expect(msg).not.toContain('\n');
  return msg;
}

describe('machine frames (ENOMEM, nothing partial)', () => {
  /** Take frames with a shm segment (exactly the pages asked for) until `n` are left. */
  function leaveFree(sh: ReturnType<typeof makeShell>, n: number): void {
    const take = sh.hv.frames.free - n;
    if (take > 0) ok(sh, `shmget web 0x${(0xf000 + take).toString(16)} ${take * 4096} --create`);
    expect(sh.hv.frames.free).toBe(n);
  }

  it('create: refused with the frames needed and free, before any frame is taken', () => {
    const sh = makeShell(SMALL);
    ok(sh, 'create web; create web; create web; create web; create web');
    expect(oneLine(err(sh, 'create web', 'ENOMEM'))).toMatch(
      /^web needs 2048 frames \(8 MiB\), the host has \d+ free$/,
    );
    expect(err(sh, 'create web memory=1048576', 'ENOMEM')).toMatch(/^web needs 268435456 frames \(1048576 MiB\)/);
  });

  it('a library tree that does not fit after the image: refused at create, nothing created', () => {
    const sh = makeShell(SMALL);
    ok(sh, 'create web');
    leaveFree(sh, 513);
    // daytime's 512 frames fit, libm's private data does not: the whole create is refused.
    expect(err(sh, `create daytime 'libraries=["libm@1.16"]'`, 'ENOMEM')).toMatch(
      /^daytime and its libraries need \d+ more frames, the host has 1 free after its memory$/,
    );
    ok(sh, 'create daytime');
  });

  it('fork needs no frames for memory (copy-on-write); the first writes then hit ENOMEM all-or-nothing', () => {
    const sh = makeShell(SMALL);
    ok(sh, 'create web; fork web 3');
    leaveFree(sh, 1000);
    expect(oneLine(err(sh, 'touch web.1 heap all', 'ENOMEM'))).toBe(
      'writing needs 1520 new frames for copy-on-write, the host has 1000 free',
    );
    // What fits is done; then one page too many is refused whole, not half-written.
    ok(sh, 'touch web.1 heap 1000');
    expect(sh.hv.frames.free).toBe(0);
    err(sh, 'touch web.2 heap 1', 'ENOMEM');
    err(sh, 'touch web.2 lib:libm.data 1', 'ENOMEM');
    // Fork itself still works with no frame free: everything is shared; the pair pays first contact later.
    ok(sh, 'fork web.3');
  });

  it('link, shm, pipes, update and recycling: ENOMEM naming what they need', () => {
    const sh = makeShell(SMALL);
    ok(sh, 'create web; create daytime; fork web 2');
    leaveFree(sh, 3);
    expect(err(sh, 'link daytime libssl', 'ENOMEM')).toMatch(/^linking needs \d+ frames, the host has 3 free$/);
    expect(err(sh, 'shmget web 0x1 1M --create', 'ENOMEM')).toBe('the segment needs 256 frames, the host has 3 free');
    expect(err(sh, 'pipe web.1 web.2 --ring 65536', 'ENOMEM')).toContain('no free frame for the shared page');
    expect(err(sh, 'update web libm@1.18', 'ENOMEM')).toMatch(/frames/);
    expect(err(sh, 'create web --recycle', 'ENOMEM')).toMatch(/frames/);
  });
});

describe('event-channel ports (ENOSPC on a host of few ports)', () => {
  it('first contact needs a port on each side; fork goes on without a lineal channel', () => {
    const sh = makeShell({ evtchn_ports: 2, boot: ['web'] });
    const r = ok(sh, 'fork web 3');
    expect(r.text).toBeTruthy();
    expect(sh.hv.ipc.evtchn.freePorts(sh.hv.lookup('web').domid)).toBe(0);
    expect(oneLine(err(sh, 'pipe web.3 web', 'ENOSPC'))).toBe(
      'first contact of web.3 with web: web has no free event-channel port (all 2 in use)',
    );
    ok(sh, 'pipe web.1 web.2');
    expect(err(sh, 'kill -USR1 web.3 --from web.2', 'ENOSPC')).toBe(
      'first contact of web.2 with web.3: web.2 has no free event-channel port (all 2 in use)',
    );
    // Queues need no pair channel to hold a message: the family's queue still works.
    ok(sh, 'msgget web 0x5 --create; msgsnd web.3 1 1 hi; msgrcv web.2 1');
  });

  it('the port limit is a host key with Xen’s bounds (1..4096)', () => {
    expect(HOST_KEYS.evtchn_ports).toMatchObject({ min: 1, max: 4096 });
    expect(() => hostFromCfg(parseCfg('evtchn_ports = 5000\n', 'h.cfg'), 'h.cfg')).toThrow(
      'h.cfg:1: evtchn_ports must be at most 4096, not 5000',
    );
  });
});

describe('grant entries (GNTST_no_space / ENOSPC)', () => {
  it('a reader granting 1 MiB rings runs out of its 64 x 512 entries and says so', () => {
    const sh = makeShell({ boot: ['web'] });
    ok(sh, 'fork web 2');
    const reader = sh.hv.lookup('web').domid;
    let pipes = 0;
    const per = 256;
    while (sh.hv.ipc.grants.freeEntries(reader) >= per) {
      sh.run('pipe web.1 web --ring 1048576');
      pipes++;
    }
    expect(pipes).toBe(Math.floor((GRANT_ENTRIES - RESERVED_ENTRIES - 1) / per));
    expect(oneLine(err(sh, 'pipe web.2 web --ring 1048576', 'ENOSPC'))).toBe(
      "web's grant table has no room for 256 more entries",
    );
    expect(sh.hv.check()).toEqual([]);
  });
});

describe('domids and max_domains (ENOSPC before any child is made)', () => {
  it('fork web 1000000000 is one line at once, naming the limit', () => {
    const sh = makeShell();
    expect(oneLine(err(sh, 'fork web 1000000000', 'ENOSPC'))).toBe(
      "1000000000 more pVMs would make 1000000003, above this host's max_domains (32751)",
    );
    err(sh, 'fork web 10000000000000000000000', 'EUSAGE');
    err(sh, 'fork web -1', 'EUSAGE');
    err(sh, 'fork web 0', 'EUSAGE');
    err(sh, 'fork web 1e9', 'EUSAGE');
  });

  it('a host of 5 pVMs: fork and create stop at the limit; exited pVMs count until reaped', () => {
    const sh = makeShell({ max_domains: 5 });
    expect(err(sh, 'fork web 3', 'ENOSPC')).toBe("3 more pVMs would make 6, above this host's max_domains (5)");
    ok(sh, 'fork web 2');
    err(sh, 'create daytime', 'ENOSPC');
    err(sh, 'create web --recycle', 'ENOSPC');
    ok(sh, 'destroy web.2; create daytime');
  });

  it('the host file cannot raise max_domains past what the simulator can hold (it ran out of heap at 2^20)', () => {
    expect(() => hostFromCfg(parseCfg('max_domains = 1048576\n', 'h.cfg'), 'h.cfg')).toThrow(ConfigError);
    expect(() => hostFromCfg(parseCfg('max_domains = 131073\n', 'h.cfg'), 'h.cfg')).toThrow(
      'h.cfg:1: max_domains must be at most 131072, not 131073',
    );
    expect(hostFromCfg(parseCfg('max_domains = 131072\n', 'h.cfg'), 'h.cfg').max_domains).toBe(131072);
  });
});

describe('message-queue bytes, queues, pool shells and big writes', () => {
  it(`a queue holds msg_qbytes (${MSGMNB}) bytes: EAGAIN with --nowait, else the sender blocks; nothing partial`, () => {
    const sh = makeShell({ boot: ['web'] });
    ok(sh, 'fork web 2; msgget web 0x7 --create');
    const big = 'x'.repeat(8192);
    ok(sh, `msgsnd web.1 1 1 ${big}; msgsnd web.1 1 1 ${big}`);
    expect(oneLine(err(sh, 'msgsnd web.2 1 1 y --nowait', 'EAGAIN'))).toBe(
      'message queue 1 is full (16384 of 16384 bytes, 2 messages) and --nowait was given',
    );
    expect(ok(sh, 'msgsnd web.2 1 1 y').data).toMatchObject({ blocked: true });
    err(sh, `msgsnd web.1 1 1 ${big}x`, 'EINVAL');
  });

  it('pool shells: at most 4096, a usage error past it; forks take shells from the pool', () => {
    const sh = makeShell();
    expect(err(sh, 'pool 4097', 'EUSAGE')).toBe(
      "pool size must be a whole number 0-4096, not '4097' (usage: pool [n])",
    );
    err(sh, 'pool 1000000000', 'EUSAGE');
    ok(sh, 'pool 2; fork web 3');
    expect(sh.hv.pool).toBe(0);
  });

  it('a write of more than 1 MiB is refused before the data is built (it was an internal error past V8’s string limit)', () => {
    const sh = makeShell({ boot: ['web'] });
    ok(sh, 'fork web 2; pipe web.1 web.2');
    expect(oneLine(err(sh, `write 1 ${'x'.repeat(600)} --repeat 1048576`, 'EINVAL'))).toBe(
      'a write carries at most 1048576 bytes (1 MiB, the largest ring), not 629145600; write in parts',
    );
    err(sh, 'write 1 xx --repeat 1048576', 'EINVAL');
    expect(ok(sh, 'write 1 x --repeat 1048576').data).toMatchObject({ bytes: 1048576, blocked: true });
  });

  it('queue and segment tables are bounded (MSGMNI, SHMMNI) and big segments by SHMMAX', () => {
    const sh = makeShell({ boot: ['web'] });
    expect(err(sh, 'shmget web 0x9 2G --create', 'EINVAL')).toBe(
      'segment size must be 1 byte to 1 GiB, not 2147483648',
    );
    err(sh, 'shmget web 0x9 99999999999999999999 --create', 'EINVAL');
    const outs = run(sh, 'run 25h');
    expect(outs[0]!.ok).toBe(false);
  });
});
