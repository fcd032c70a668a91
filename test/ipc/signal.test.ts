// kill with the POSIX signal set (signal(7) default actions), image-declared handlers, STOP/CONT and
// pending signals, the family trust rule, and exit/wait with SIGCHLD.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok, resultOf, run } from '../helpers.js';
import { pendingOf, signalStats } from '../../src/engine/ipc/signal.js';

describe('kill and the family trust rule', () => {
  it('kill -USR1 redis --from web is EPERM naming both families, and changes nothing', () => {
    const sh = makeShell();
    expect(err(sh, 'kill -USR1 redis --from web', 'EPERM')).toBe(
      'web (family web) may not signal redis (family redis): pVMs talk only inside their family',
    );
    ok(sh, 'fork web; fork redis');
    err(sh, 'kill -KILL redis.1 --from web.1', 'EPERM');
  });

  it('inside one family it is delivered: SIGUSR1 terminates by default (wait: killed by SIGUSR1, WTERMSIG 10)', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2');
    const r = ok(sh, 'kill -USR1 web.2 --from web.1');
    expect(r.data).toMatchObject({ signal: 'SIGUSR1', number: 10, action: 'terminated', first_contact: true });
    expect(sh.hv.lookup('web.2').shutdown).toMatchObject({ signal: 'SIGUSR1', status: 0 });
    expect(ok(sh, 'wait web').data).toMatchObject({ child: 'web.2', signal: 'USR1' });
  });

  it('an image that declares a handler catches the signal, which counts as handled', () => {
    const sh = makeShell();
    ok(sh, `create web name=h 'sig_handlers=["SIGUSR1", "HUP"]'`);
    ok(sh, 'fork h');
    const r = ok(sh, 'kill -USR1 h.1 --from h');
    expect(r.data).toMatchObject({ action: 'handled', first_contact: false });
    expect(r.latencyUs).toBe(41);
    expect(ok(sh, 'kill -HUP h').data.action).toBe('handled');
    expect(ok(sh, 'ipcs').data.signals).toEqual(
      expect.arrayContaining([{ pvm: 'h.1', domid: 5, pending: [], delivered: 1, handled: 1 }]),
    );
    expect(sh.hv.lookup('h.1').shutdown).toBeNull();
  });

  it('SIGKILL and SIGSTOP cannot be caught or ignored: such an image is refused with its line', () => {
    const sh = makeShell();
    expect(err(sh, `create web 'sig_handlers=["KILL"]'`, 'EINVAL')).toMatch(
      /sig_handlers names SIGKILL, which can be neither caught nor ignored/,
    );
    expect(err(sh, `create web 'sig_ignore=["SIGSTOP"]'`, 'EINVAL')).toMatch(/SIGSTOP/);
    expect(err(sh, `create web 'sig_ignore=["SIGNOPE"]'`, 'EINVAL')).toMatch(/not a signal/);
  });

  it('default actions: CHLD/URG/WINCH ignored, TERM/INT/HUP/USR2/PIPE/ALRM terminate, QUIT/SEGV terminate with a crash', () => {
    for (const [sig, action, reason] of [
      ['CHLD', 'ignored', null],
      ['URG', 'ignored', null],
      ['WINCH', 'ignored', null],
      ['TERM', 'terminated', 'poweroff'],
      ['INT', 'terminated', 'poweroff'],
      ['HUP', 'terminated', 'poweroff'],
      ['USR2', 'terminated', 'poweroff'],
      ['PIPE', 'terminated', 'poweroff'],
      ['ALRM', 'terminated', 'poweroff'],
      ['QUIT', 'terminated', 'crash'],
      ['SEGV', 'terminated', 'crash'],
    ] as const) {
      const sh = makeShell();
      ok(sh, 'fork web');
      expect(ok(sh, `kill -${sig} web.1 --from web`).data.action, sig).toBe(action);
      const sd = sh.hv.lookup('web.1').shutdown;
      expect(sd?.reason ?? null, sig).toBe(reason);
      if (reason) expect(ok(sh, 'wait web').data, sig).toMatchObject({ signal: sig });
    }
  });

  it('SIGSTOP stops, signals stay pending (visible) until SIGCONT, which delivers them', () => {
    const sh = makeShell();
    ok(sh, 'fork web');
    expect(ok(sh, 'kill -STOP web.1 --from web').data.action).toBe('stopped');
    // Stopped while idle: paused, and still blocked (a pause does not clear Xen's blocked flag).
    expect(ok(sh, 'list web.1').text).toMatch(/-bp---/);
    expect(ok(sh, 'kill -TERM web.1').data.action).toBe('pending');
    expect(ok(sh, 'kill -USR2 web.1 --from web').data.action).toBe('pending');
    expect(ok(sh, 'kill -CHLD web.1').data.action).toBe('ignored');
    expect(pendingOf(sh.hv.ipc, sh.hv.lookup('web.1').domid)).toEqual(['SIGUSR2', 'SIGTERM']);
    expect(ok(sh, 'ipcs').text).toContain('web.1: SIGUSR2 SIGTERM');
    // A second STOP changes nothing; SIGKILL is not held back.
    expect(ok(sh, 'kill -STOP web.1').data.action).toBe('stopped');
    const outs = run(sh, 'kill -CONT web.1');
    expect(resultOf(outs[0]).data.action).toBe('continued');
    // The lowest-numbered pending signal acts first: SIGUSR2 terminates.
    expect(outs[0]!.events.map((e) => e.text)).toContain('SIGUSR2 from its pending set terminates web.1');
    expect(sh.hv.lookup('web.1').shutdown?.signal).toBe('SIGUSR2');
  });

  it('SIGKILL ends a stopped or blocked pVM too', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; kill -STOP web.1; kill -KILL web.1');
    expect(sh.hv.lookup('web.1').shutdown).toMatchObject({ signal: 'SIGKILL', status: 0, reason: 'crash' });
    ok(sh, 'pipe web web.2; read 1; kill -9 web.2');
    expect(sh.hv.lookup('web.2').shutdown?.signal).toBe('SIGKILL');
  });

  it('Domain-0 may signal anyone; nobody may signal Domain-0', () => {
    const sh = makeShell();
    expect(ok(sh, 'kill -USR1 redis').data).toMatchObject({ from: 'Domain-0', action: 'terminated' });
    err(sh, 'kill Domain-0', 'EPERM');
    err(sh, 'kill -USR1 web --from nosuch', 'ENOENT');
  });

  it('refuses what it cannot do, changing nothing', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; exit web.2 1');
    // kill(2) on a zombie succeeds with no effect (6.); a zombie sends nothing.
    expect(ok(sh, 'kill -USR1 web.2 --from web').data.action).toBe('zombie');
    err(sh, 'kill -USR1 web --from web.2', 'ESRCH');
    err(sh, 'kill -BOGUS web.1', 'EUSAGE');
    err(sh, 'kill -99 web.1', 'EUSAGE');
    err(sh, 'kill web.1 web', 'EUSAGE');
    ok(sh, 'pause web');
    err(sh, 'kill -USR1 web.1 --from web', 'EBUSY');
  });
});

describe('exit, wait and SIGCHLD', () => {
  it('exit web.1 3 then wait web returns 3 and web.1 leaves list', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2');
    const outs = run(sh, 'exit web.1 3');
    expect(outs[0]!.events.map((e) => e.text)).toContain('SIGCHLD from web.1 ignored by web');
    expect(resultOf(outs[0]).latencyUs).toBe(38);
    const w = ok(sh, 'wait web');
    expect(w.data).toMatchObject({ child: 'web.1', exited: 3 });
    expect(ok(sh, 'list').text).not.toMatch(/web\.1 /);
  });

  it('a parent blocked in wait is woken by the exit, which costs the lineal 43 µs together', () => {
    const sh = makeShell();
    ok(sh, 'fork web');
    const w = ok(sh, 'wait web');
    expect(w.data.blocked).toBe(true);
    const outs = run(sh, 'exit web.1 7');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web woke: wait returned web.1 (domid 4), exited with status 7',
    );
    expect(w.latencyUs! + resultOf(outs[0]).latencyUs!).toBe(43);
  });

  it('a parent that catches SIGCHLD runs its handler; a stopped one keeps it pending', () => {
    const sh = makeShell();
    ok(sh, `create web name=p 'sig_handlers=["CHLD"]'`);
    ok(sh, 'fork p 2; exit p.1 0');
    expect(signalStats(sh.hv.ipc, sh.hv.lookup('p').domid)).toEqual({ delivered: 1, handled: 1 });
    ok(sh, 'kill -STOP p; exit p.2 0');
    expect(pendingOf(sh.hv.ipc, sh.hv.lookup('p').domid)).toEqual(['SIGCHLD']);
  });

  it('an orphan reparented to the family root pays first contact for its SIGCHLD', () => {
    const sh = makeShell();
    ok(sh, 'fork web; fork web.1; exit web.1 0; wait web');
    expect(sh.hv.lookup('web.1.1').parent).toBe(sh.hv.lookup('web').domid);
    const r = ok(sh, 'exit web.1.1 5');
    expect(r.latencyUs).toBeCloseTo(38 + 195, 5);
    expect(ok(sh, 'wait web').data.exited).toBe(5);
  });

  it('a pVM that exits leaves no port, grant or frame of its links behind', () => {
    const sh = makeShell();
    const free = sh.hv.frames.free;
    ok(sh, 'fork web 3; pipe web.1 web.2; pipe web.3 web.1');
    ok(sh, 'kill -9 web.1; exit web.2 0; exit web.3 0; wait web; wait web; wait web');
    const ipc = sh.hv.ipc;
    expect(ipc.links.size).toBe(0);
    expect(ipc.evtchn.domains()).toEqual([]);
    expect(ipc.grants.domains()).toEqual([]);
    expect(sh.hv.frames.free).toBe(free);
  });
});
