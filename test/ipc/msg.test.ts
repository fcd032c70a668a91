// System V message queues, case by case against msgget(2), msgsnd(2), msgrcv(2) (Linux ipc/msg.c):
// type selection, the byte limit, IPC_NOWAIT, MSG_NOERROR, blocking and waking, keys per family.

import { describe, expect, it } from 'vitest';
import { ftok } from '../../src/engine/ipc/keys.js';
import { MSGMNB, MSGMNI } from '../../src/engine/ipc/msg.js';
import { err, makeShell, ok, resultOf, run } from '../helpers.js';

/** web and two children, and queue 1 (key 0x10) made by web. */
function withQueue() {
  const sh = makeShell();
  ok(sh, 'fork web 2');
  expect(ok(sh, 'msgget web 0x10 --create').data).toMatchObject({ msqid: 1, created: true });
  return sh;
}

const recv = (sh: ReturnType<typeof makeShell>, line: string) =>
  ok(sh, line).data.message as { type: number; text: string; bytes: number; truncated: boolean } | null;

describe('ftok and msgget', () => {
  it("ftok is Linux's formula: projid in the top byte; same path and id give the same key", () => {
    const k = ftok('/srv/queue', 7);
    expect(k >>> 24).toBe(7);
    expect((k >>> 16) & 0xff).toBe(1);
    expect(ftok('/srv/queue', 7)).toBe(k);
    expect(ftok('/srv/other', 7)).not.toBe(k);
    expect(ok(makeShell(), 'ftok /srv/queue 7').data).toMatchObject({ key: k });
    err(makeShell(), 'ftok /srv/queue 0', 'EINVAL');
    err(makeShell(), 'ftok /srv/queue 256', 'EINVAL');
  });

  it('keys are per family: the same key in another family is another queue', () => {
    const sh = withQueue();
    expect(ok(sh, 'msgget web.1 0x10').data).toMatchObject({ msqid: 1, created: false });
    err(sh, 'msgget redis 0x10', 'ENOENT');
    expect(ok(sh, 'msgget redis 0x10 --create').data.msqid).toBe(2);
    expect(err(sh, 'msgget web 0x10 --create --excl', 'EEXIST')).toMatch(/queue 1/);
    // IPC_PRIVATE always makes a new queue.
    expect(ok(sh, 'msgget web IPC_PRIVATE').data.msqid).toBe(3);
    expect(ok(sh, 'msgget web 0').data.msqid).toBe(4);
    err(sh, 'msgget web nokey', 'EUSAGE');
  });

  it('across families: EPERM naming both, changing nothing', () => {
    const sh = withQueue();
    expect(err(sh, 'msgsnd redis 1 1 hi', 'EPERM')).toBe(
      'redis (family redis) may not use message queue 1 of family web: pVMs talk only inside their family',
    );
    err(sh, 'msgrcv redis 1 --nowait', 'EPERM');
  });

  it('MSGMNI queues at most: ENOSPC', () => {
    const sh = withQueue();
    const ipc = sh.hv.ipc;
    const q = ipc.queues.get(1)!;
    for (let i = ipc.queues.size; i < MSGMNI; i++)
      ipc.queues.set(1000 + i, { ...q, id: 1000 + i, key: 0x1000 + i, messages: [], receivers: [], senders: [] });
    err(sh, 'msgget web 0x20 --create', 'ENOSPC');
  });
});

describe('msgrcv type selection', () => {
  function loaded() {
    const sh = withQueue();
    for (const [t, text] of [
      [3, 'c1'],
      [1, 'a1'],
      [2, 'b1'],
      [1, 'a2'],
      [3, 'c2'],
    ] as const)
      ok(sh, `msgsnd web 1 ${t} ${text}`);
    return sh;
  }

  it('type 0 takes the first message in the queue', () => {
    const sh = loaded();
    expect(recv(sh, 'msgrcv web.1 1 0')!.text).toBe('c1');
    expect(recv(sh, 'msgrcv web.1 1')!.text).toBe('a1');
  });

  it('type > 0 takes the first message of that type', () => {
    const sh = loaded();
    expect(recv(sh, 'msgrcv web.1 1 1')!.text).toBe('a1');
    expect(recv(sh, 'msgrcv web.1 1 1')!.text).toBe('a2');
    expect(recv(sh, 'msgrcv web.1 1 3')!.text).toBe('c1');
    err(sh, 'msgrcv web.1 1 1 --nowait', 'ENOMSG');
  });

  it('type < 0 takes the first message of the lowest type <= |type|', () => {
    const sh = loaded();
    expect(recv(sh, 'msgrcv web.1 1 -3')).toMatchObject({ type: 1, text: 'a1' });
    expect(recv(sh, 'msgrcv web.1 1 -3')).toMatchObject({ type: 1, text: 'a2' });
    expect(recv(sh, 'msgrcv web.1 1 -3')).toMatchObject({ type: 2, text: 'b1' });
    err(sh, 'msgrcv web.1 1 -2 --nowait', 'ENOMSG');
    expect(recv(sh, 'msgrcv web.1 1 -5')).toMatchObject({ type: 3, text: 'c1' });
  });

  it('msgtyp of the sender must be >= 1; message size at most MSGMAX', () => {
    const sh = withQueue();
    err(sh, 'msgsnd web 1 0 x', 'EINVAL');
    err(sh, 'msgsnd web 1 -1 x', 'EINVAL');
    err(sh, `msgsnd web 1 1 ${'x'.repeat(8193)}`, 'EINVAL');
    err(sh, 'msgsnd web 9 1 x', 'EINVAL');
    err(sh, 'msgrcv web 9', 'EINVAL');
  });
});

describe('limits, E2BIG and MSG_NOERROR', () => {
  it('a message longer than the receive size is E2BIG and stays queued; --noerror cuts it', () => {
    const sh = withQueue();
    ok(sh, 'msgsnd web 1 1 0123456789');
    expect(err(sh, 'msgrcv web.1 1 --size 4', 'E2BIG')).toMatch(/10 bytes, more than the 4/);
    expect(sh.hv.ipc.queues.get(1)!.messages).toHaveLength(1);
    expect(recv(sh, 'msgrcv web.1 1 --size 4 --noerror')).toEqual({ type: 1, text: '0123', bytes: 4, truncated: true });
    expect(sh.hv.ipc.queues.get(1)!.cbytes).toBe(0);
  });

  it(`the queue holds at most msg_qbytes (${MSGMNB}) bytes: --nowait gives EAGAIN, else the sender blocks`, () => {
    const sh = withQueue();
    const big = 'x'.repeat(8192);
    ok(sh, `msgsnd web 1 1 ${big}; msgsnd web 1 1 ${big}`);
    expect(sh.hv.ipc.queues.get(1)!.cbytes).toBe(MSGMNB);
    expect(err(sh, 'msgsnd web 1 1 y --nowait', 'EAGAIN')).toMatch(/16384 of 16384 bytes/);
    const b = ok(sh, 'msgsnd web.1 1 2 waiting');
    expect(b.data.blocked).toBe(true);
    expect(sh.hv.lookup('web.1').waiting).toMatchObject({ call: 'msgsnd', on: 'queue 1' });
    expect(ok(sh, 'ipcs').data.queues).toMatchObject([
      { msqid: 1, bytes: 16384, messages: 2, senders: ['web.1'], receivers: [] },
    ]);
    const outs = run(sh, 'msgrcv web.2 1');
    expect(resultOf(outs[0]).data.woke).toEqual(['web.1']);
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web.1 woke: msgsnd of 7 bytes (type 2) to queue 1 completed',
    );
    expect(recv(sh, 'msgrcv web.2 1 2')!.text).toBe('waiting');
  });

  it('a full queue makes even a matching waiter wait (room is checked first, as Linux does)', () => {
    const sh = withQueue();
    const big = 'x'.repeat(8192);
    ok(sh, `msgsnd web 1 1 ${big}; msgsnd web 1 1 ${big}; msgrcv web.1 1 5`);
    expect(ok(sh, 'msgsnd web.2 1 5 late').data.blocked).toBe(true);
    // Taking a type-1 message makes room: the blocked sender's message goes straight to the waiting receiver.
    const outs = run(sh, 'msgrcv web 1 1');
    const woke = outs[0]!.events.filter((e) => e.kind === 'woke').map((e) => e.text);
    expect(woke).toEqual([
      'web.1 woke: msgrcv on queue 1 got type 5, 4 bytes "late"',
      'web.2 woke: msgsnd of 4 bytes (type 5) to queue 1 completed',
    ]);
  });
});

describe('blocking receivers', () => {
  it('a receiver with nothing matching blocks; a matching send hands the message straight to it', () => {
    const sh = withQueue();
    expect(ok(sh, 'msgrcv web.1 1 2').data.blocked).toBe(true);
    err(sh, 'msgrcv web.1 1', 'EBUSY');
    // A message of another type does not wake it.
    const other = run(sh, 'msgsnd web 1 1 nope');
    expect(other[0]!.events.some((e) => e.kind === 'woke')).toBe(false);
    const outs = run(sh, 'msgsnd web 1 2 yes');
    expect(resultOf(outs[0]).data.to).toBe('web.1');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web.1 woke: msgrcv on queue 1 got type 2, 3 bytes "yes"',
    );
    expect(sh.hv.ipc.queues.get(1)!.messages.map((m) => m.bytes)).toEqual(['nope']);
  });

  it('waiting receivers are served in the order they blocked; one too small is woken with E2BIG', () => {
    const sh = withQueue();
    ok(sh, 'msgrcv web.1 1 --size 2; msgrcv web.2 1');
    const outs = run(sh, 'msgsnd web 1 1 hello');
    expect(outs[0]!.events.filter((e) => e.kind === 'woke').map((e) => e.text)).toEqual([
      'web.1 woke: msgrcv on queue 1 failed with E2BIG (a 5-byte message, room for 2)',
      'web.2 woke: msgrcv on queue 1 got type 1, 5 bytes "hello"',
    ]);
  });

  it('a waiting receiver with --noerror gets the message cut to its size', () => {
    const sh = withQueue();
    ok(sh, 'msgrcv web.1 1 --size 2 --noerror');
    const outs = run(sh, 'msgsnd web 1 1 hello');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web.1 woke: msgrcv on queue 1 got type 1, 2 bytes "he"',
    );
  });

  it('a waiter that is killed leaves the queue; the family gone, its queues go', () => {
    const sh = withQueue();
    ok(sh, 'msgrcv web.1 1; kill -9 web.1');
    expect(sh.hv.ipc.queues.get(1)!.receivers).toEqual([]);
    ok(sh, 'msgsnd web 1 1 kept');
    ok(sh, 'destroy web.2; destroy web');
    expect(sh.hv.ipc.queues.size).toBe(0);
  });

  it('lineal send and receive cost Table 3 lineal 45 µs; siblings pay first contact for the wake-up', () => {
    const sh = withQueue();
    const rcv = ok(sh, 'msgrcv web.1 1').latencyUs!;
    expect(rcv + ok(sh, 'msgsnd web 1 1 x').latencyUs!).toBe(45);
    const rcv2 = ok(sh, 'msgrcv web.2 1').latencyUs!;
    expect(rcv2 + ok(sh, 'msgsnd web.1 1 1 x').latencyUs!).toBe(45 + 195);
  });
});
