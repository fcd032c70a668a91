// The family trust rule (KylinX §3.2.3, DESIGN §2.4): only pVMs of one family may talk; anything else
// is refused before anything changes. Every IpC call and shm path is tried across families here; err()
// proves each refusal left the whole serialized state (frames, ports, grants, queues) byte-identical.

import { describe, expect, it } from 'vitest';
import type { Shell } from '../../src/commands/shell.js';
import { err, makeShell, ok, run } from '../helpers.js';

/**
 * Two families: web (web, web.1, web.2) and redis (redis, redis.1), plus dns alone. Inside web: pipe 1
 * (web.1 -> web.2), message queue 1 (key 0x10, one message queued) and shm segment 1 (key 0x20,
 * attached by web.1).
 */
function twoFamilies(): Shell {
  const sh = makeShell();
  ok(sh, 'fork web 2; fork redis; pipe web.1 web.2; write 1 secret');
  ok(sh, 'msgget web 0x10 --create; msgsnd web.1 1 7 secret; shmget web 0x20 8K --create; shmat web.1 1');
  return sh;
}

/** The refusal names the caller's family and the other one. */
function namesBoth(msg: string, a: string, b: string): void {
  expect(msg).toContain(`(family ${a})`);
  expect(msg).toContain(`family ${b}`);
  expect(msg).toContain('pVMs talk only inside their family');
}

describe('every IpC call across families is EPERM naming both families, and changes nothing', () => {
  const cases: [string, string, string][] = [
    // [command, caller's family, the other family]
    ['pipe redis web.1', 'redis', 'web'],
    ['pipe web.1 redis', 'web', 'redis'],
    ['pipe redis.1 web.2 --ring 4096', 'redis', 'web'],
    ['msgsnd redis 1 1 hello', 'redis', 'web'],
    ['msgsnd redis.1 1 1 hello --nowait', 'redis', 'web'],
    ['msgrcv redis 1', 'redis', 'web'],
    ['msgrcv redis.1 1 7 --nowait', 'redis', 'web'],
    ['msgrcv dns 1 0 --noerror', 'dns', 'web'],
    ['shmat redis 1', 'redis', 'web'],
    ['shmat dns 1', 'dns', 'web'],
    ['shmdt redis 1', 'redis', 'web'],
    ['kill -USR1 web.1 --from redis', 'redis', 'web'],
    ['kill -KILL web --from redis.1', 'redis', 'web'],
    ['kill -STOP redis --from web.2', 'web', 'redis'],
    ['kill -CONT dns --from web', 'web', 'dns'],
  ];
  for (const [line, from, to] of cases) {
    it(line, () => {
      const sh = twoFamilies();
      namesBoth(err(sh, line, 'EPERM'), from, to);
    });
  }

  it('the web family goes on working after the refusals (the objects were not damaged)', () => {
    const sh = twoFamilies();
    for (const [line] of cases) run(sh, line);
    expect(ok(sh, 'read 1').data).toMatchObject({ data: 'secret' });
    expect(ok(sh, 'msgrcv web.2 1 --nowait').data.message).toMatchObject({ text: 'secret', type: 7 });
    ok(sh, 'shmat web.2 1; shmdt web.1 1');
  });

  it('System V keys are per family: another family never reaches web’s queue or segment by its key', () => {
    const sh = twoFamilies();
    expect(err(sh, 'msgget redis 0x10', 'ENOENT')).toContain("in redis's family");
    expect(err(sh, 'shmget redis 0x20 8K', 'ENOENT')).toContain("in redis's family");
    // IPC_CREAT with web's key makes redis its own queue, not a handle on web's.
    expect(ok(sh, 'msgget redis 0x10 --create').data).toMatchObject({ msqid: 2, created: true });
    err(sh, 'msgrcv redis 2 --nowait', 'ENOMSG');
    expect(ok(sh, 'shmget redis 0x20 8K --create').data).toMatchObject({ shmid: 2, created: true });
    const ipc = sh.hv.ipc;
    expect(ipc.queues.get(1)!.messages).toHaveLength(1);
    expect(ipc.segments.get(2)!.master.p2m).not.toEqual(ipc.segments.get(1)!.master.p2m);
  });

  it('pipe ends are bound at pipe(): write, read and close act as the end’s holder and take no caller', () => {
    const sh = twoFamilies();
    // No option lets another pVM act on a pipe end (usage error, exit 2), so the only cross-family
    // step is pipe() itself, refused above.
    for (const line of ['write 1 x --from redis', 'read 1 --from redis', 'close 1 read --from redis'])
      err(sh, line, 'EUSAGE');
  });

  it('wait on a pVM of another family is ECHILD (POSIX waitpid on a non-child), changing nothing', () => {
    const sh = twoFamilies();
    ok(sh, 'exit redis.1 3');
    expect(err(sh, 'wait web redis.1', 'ECHILD')).toBe('redis.1 is not a child of web');
    expect(err(sh, 'wait web.1 web.2', 'ECHILD')).toBe('web.2 is not a child of web.1');
    // The zombie is still there for its own parent to reap.
    expect(ok(sh, 'wait redis redis.1').data).toMatchObject({ child: 'redis.1', exited: 3 });
  });
});

describe('what a family is cannot be faked', () => {
  it('a renamed pVM keeps its family: trust follows the family, not the name', () => {
    const sh = twoFamilies();
    ok(sh, 'rename redis.1 web.9');
    namesBoth(err(sh, 'kill -USR1 web.1 --from web.9', 'EPERM'), 'redis', 'web');
    namesBoth(err(sh, 'msgsnd web.9 1 1 x', 'EPERM'), 'redis', 'web');
  });

  it('the family outlives its root: orphans stay in it, and a new pVM never inherits a freed domid', () => {
    const sh = twoFamilies();
    ok(sh, 'destroy web');
    ok(sh, 'create web');
    const fresh = sh.hv.lookup('web');
    expect(fresh.domid).toBeGreaterThan(sh.hv.lookup('redis.1').domid);
    // web.1's family is named by its gone root's domid; the new web is another family.
    const m = err(sh, 'kill -USR1 web.1 --from web', 'EPERM');
    expect(m).toMatch(/web \(family web\) may not signal web\.1 \(family #1\)/);
    err(sh, 'shmat web 1', 'EPERM');
    err(sh, 'msgrcv web 1 --nowait', 'EPERM');
    // The orphans still talk among themselves over what they had.
    expect(ok(sh, 'read 1').data).toMatchObject({ data: 'secret' });
  });

  it('forks of a forked child are one family with the root; a created pVM of the same image is not', () => {
    const sh = twoFamilies();
    ok(sh, 'fork web.1; create web name=other');
    ok(sh, 'kill -WINCH web.2 --from web.1.1');
    namesBoth(err(sh, 'kill -WINCH web.2 --from other', 'EPERM'), 'other', 'web');
  });
});

describe('Domain-0 (the toolstack) may signal anyone; it is never a target', () => {
  it('signals pVMs of every family', () => {
    const sh = twoFamilies();
    expect(ok(sh, 'kill -STOP redis.1').data).toMatchObject({ from: 'Domain-0', action: 'stopped' });
    expect(ok(sh, 'kill -CONT redis.1 --from Domain-0').data).toMatchObject({ action: 'continued' });
    expect(ok(sh, 'kill -USR1 dns --from 0').data).toMatchObject({ action: 'terminated' });
    expect(ok(sh, 'kill -KILL web.2').data).toMatchObject({ action: 'terminated' });
  });

  it('no pVM may signal, pause, destroy or pipe to Domain-0', () => {
    const sh = twoFamilies();
    err(sh, 'kill -KILL Domain-0 --from web', 'EPERM');
    err(sh, 'kill Domain-0', 'EPERM');
    err(sh, 'destroy 0', 'EPERM');
    err(sh, 'pause Domain-0', 'EPERM');
    err(sh, 'pipe web Domain-0', 'EINVAL');
  });
});
