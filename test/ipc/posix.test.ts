// POSIX process semantics, each expectation taken from the Linux definition (the manual page or the
// kernel function named in the test), run on pVMs as the same scenario runs on processes.

import { describe, expect, it } from 'vitest';
import { outcomeJson, outcomeText } from '../../src/commands/output.js';
import type { Outcome } from '../../src/commands/types.js';
import { err, makeShell, ok, resultOf, run } from '../helpers.js';

/** The pipes of ipcs's data. */
function pipes(sh: ReturnType<typeof makeShell>): { pipe: number; bytes: number; writer: string; reader: string }[] {
  return ok(sh, 'ipcs').data.pipes as { pipe: number; bytes: number; writer: string; reader: string }[];
}

function woke(o: Outcome): { kind: string; pvm: string; data: Record<string, unknown> }[] {
  const j = outcomeJson(o) as { events?: { kind: string; pvm: string; data: Record<string, unknown> }[] };
  return (j.events ?? []).filter((e) => e.kind === 'woke');
}

/** What the last command of `line` shows, its "» " event lines included (it must succeed). */
function shown(sh: ReturnType<typeof makeShell>, line: string): string {
  const outs = run(sh, line);
  const last = outs[outs.length - 1]!;
  resultOf(last);
  return outcomeText(last as Extract<Outcome, { ok: true }>);
}

/** A shell with web and two children, a pipe web.1 -> web.2 (pipe 1) and web.2 blocked reading it. */
function blockedReader(): ReturnType<typeof makeShell> {
  const sh = makeShell();
  ok(sh, 'fork web 2; pipe web.1 web.2; read 1');
  return sh;
}

describe('1. a pVM that cannot run does not complete its blocked call', () => {
  it('POSIX pipe(7), signal(7): a stopped reader does not take the data; it stays in the pipe until SIGCONT', () => {
    const sh = blockedReader();
    ok(sh, 'kill -STOP web.2');
    const w = ok(sh, 'write 1 hello');
    expect(w.text).toBe('web.1 wrote 5 bytes to pipe 1 (5/1024 in the ring)');
    expect(pipes(sh)[0]).toMatchObject({ bytes: 5 });
    expect(ok(sh, 'show web.2').data).toMatchObject({ stopped: true, waiting: { call: 'read' } });
    const [cont] = run(sh, 'kill -CONT web.2');
    expect(woke(cont!)).toEqual([
      expect.objectContaining({ pvm: 'web.2', data: { call: 'read', pipe: 1, bytes: 5, data: 'hello' } }),
    ]);
    expect(pipes(sh)[0]).toMatchObject({ bytes: 0 });
  });

  it('xl pause: a paused reader takes the data only when unpaused', () => {
    const sh = blockedReader();
    ok(sh, 'pause web.2; write 1 hello');
    expect(pipes(sh)[0]).toMatchObject({ bytes: 5 });
    expect(shown(sh, 'unpause web.2')).toBe('unpaused web.2\n» web.2 woke: read on pipe 1 returned 5 bytes "hello"');
  });

  it('POSIX pipe(7): a stopped reader whose writer closes reads EOF when it runs again', () => {
    const sh = blockedReader();
    ok(sh, 'kill -STOP web.2; close 1 write');
    expect(shown(sh, 'kill -CONT web.2')).toContain('web.2 woke: read on pipe 1 returned EOF');
  });

  it('POSIX msgrcv(2): a stopped receiver does not take the message; it stays queued until SIGCONT', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; msgget web 5 --create; msgrcv web.1 1; kill -STOP web.1');
    expect(ok(sh, 'msgsnd web 1 2 ping').data).toMatchObject({ to: null, messages: 1 });
    const [cont] = run(sh, 'kill -CONT web.1');
    expect(woke(cont!)[0]!.data).toEqual({ call: 'msgrcv', msqid: 1, type: 2, bytes: 4, text: 'ping' });
    expect((ok(sh, 'ipcs').data.queues as { messages: number }[])[0]!.messages).toBe(0);
  });

  it('POSIX wait(2): a stopped parent does not reap; the child stays a zombie until SIGCONT', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; wait web; kill -STOP web; exit web.1 3');
    expect(ok(sh, 'list web.1').text).toMatch(/web\.1 .* ---s--/);
    const [cont] = run(sh, 'kill -CONT web');
    expect(woke(cont!)[0]!.data).toEqual({ call: 'wait', child: 'web.1', domid: 4, exited: 3 });
    expect(sh.hv.hasName('web.1')).toBe(false);
  });

  it('POSIX pipe(7): a stopped writer blocked on a full ring moves the rest in only when it runs', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; pipe web.1 web.2; write 1 x --repeat 1030; kill -STOP web.1');
    ok(sh, 'read 1 100');
    expect(pipes(sh)[0]).toMatchObject({ bytes: 924 });
    expect(shown(sh, 'kill -CONT web.1')).toContain('web.1 woke: write of 1030 bytes to pipe 1 completed');
    expect(pipes(sh)[0]).toMatchObject({ bytes: 930 });
  });
});

describe('2. a parent blocked in wait whose child is destroyed', () => {
  it('POSIX wait(2): gets that child back as killed, then ECHILD; it is never blocked for ever', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; wait web web.1');
    const [d] = run(sh, 'destroy web.1');
    expect(woke(d!)[0]!.data).toEqual({ call: 'wait', child: 'web.1', domid: 4, signal: 'KILL' });
    expect(ok(sh, 'show web').data).toMatchObject({ waiting: null });
    expect(err(sh, 'wait web', 'ECHILD')).toBe('web has no children to wait for');
    ok(sh, 'exit web 0');
  });

  it('POSIX wait(2): a stopped parent gets the destroyed child when it runs again', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; wait web; kill -STOP web; destroy web.2');
    expect(ok(sh, 'show web').data).toMatchObject({ waiting: { call: 'wait' } });
    const [cont] = run(sh, 'kill -CONT web');
    expect(woke(cont!)[0]!.data).toEqual({ call: 'wait', child: 'web.2', domid: 5, signal: 'KILL' });
    ok(sh, 'exit web.1 1; wait web');
  });
});

describe('2b. a zombie handed to a waiting heir', () => {
  it('POSIX wait(2), as a reaper that adopts an orphan: a family root blocked in wait reaps the zombie reparented to it', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; fork web.1 1; fork web.1.1 1; exit web.1.1.1 6; wait web');
    const [k] = run(sh, 'kill -TERM web.1.1');
    expect(woke(k!).map((e) => e.data)).toEqual([{ call: 'wait', child: 'web.1.1.1', domid: 6, exited: 6 }]);
    expect(sh.hv.hasName('web.1.1.1')).toBe(false);
    // web.1.1 itself is web.1's zombie, for web.1 to reap.
    expect(ok(sh, 'wait web.1').data).toMatchObject({ child: 'web.1.1', signal: 'TERM' });
  });
});

describe('3. wait tells how the child ended, as waitpid(2)', () => {
  it('WIFEXITED / WEXITSTATUS: exited with status N; WIFSIGNALED / WTERMSIG: killed by signal N, never 128 + N', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; exit web.1 3; kill -TERM web.2');
    const a = ok(sh, 'wait web web.1');
    expect(a.text).toBe('web: wait returned web.1 (domid 4), exited with status 3');
    expect(a.data).toEqual({ pvm: 'web', blocked: false, child: 'web.1', domid: 4, exited: 3 });
    const b = ok(sh, 'wait web');
    expect(b.text).toBe('web: wait returned web.2 (domid 5), killed by SIGTERM');
    expect(b.data).toEqual({ pvm: 'web', blocked: false, child: 'web.2', domid: 5, signal: 'TERM' });
    expect(JSON.stringify(b.data)).not.toContain('143');
  });

  it('a zombie shows how it ended: killed by SIGKILL', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; kill -KILL web.1');
    expect(ok(sh, 'show web.1').text).toContain('killed by SIGKILL');
    expect(ok(sh, 'show web.1').data).toMatchObject({ exit_status: null, term_signal: 'SIGKILL' });
  });
});

describe('4. a parent whose image ignores SIGCHLD leaves no zombies', () => {
  const ignoring = 'create web name=p sig_ignore=\'["SIGCHLD"]\'';

  it('POSIX wait(2) NOTES (SIG_IGN for SIGCHLD, as SA_NOCLDWAIT): the child is reaped as it exits; wait is ECHILD', () => {
    const sh = makeShell();
    ok(sh, `${ignoring}; fork p 1`);
    expect(ok(sh, 'exit p.1 7').text).toBe('p.1 exited with status 7; no zombie: p ignores SIGCHLD');
    expect(sh.hv.hasName('p.1')).toBe(false);
    err(sh, 'wait p', 'ECHILD');
  });

  it('POSIX wait(2) NOTES: wait blocks until every child is gone, then fails with ECHILD', () => {
    const sh = makeShell();
    ok(sh, `${ignoring}; fork p 2`);
    expect(ok(sh, 'wait p').data).toMatchObject({ blocked: true });
    expect(woke(run(sh, 'exit p.1 0')[0]!)).toEqual([]);
    const [last] = run(sh, 'kill -TERM p.2');
    expect(woke(last!)[0]!.data).toEqual({ call: 'wait', error: 'ECHILD' });
  });
});

describe('5. xl pause and job control are two pause references', () => {
  it('signal(7): kill -CONT does not undo xl pause', () => {
    const sh = makeShell();
    ok(sh, 'pause web');
    expect(ok(sh, 'kill -CONT web').text).toContain('ignored (paused, not stopped: unpause resumes it)');
    expect(ok(sh, 'show web').data).toMatchObject({ paused: true, stopped: false });
    // b is independent of p (xl list's letters): a paused idle pVM is -bp---.
    expect(ok(sh, 'list web').text).toMatch(/ -bp--- /);
  });

  it('signal(7): unpause does not deliver the pending SIGTERM of a stopped pVM; SIGCONT does', () => {
    const sh = makeShell();
    ok(sh, 'kill -STOP web; pause web');
    expect(ok(sh, 'kill -TERM web').text).toContain('pending (the pVM is stopped; SIGCONT delivers it)');
    expect(ok(sh, 'unpause web').text).toBe('unpaused web; web is stopped by a signal (state p until SIGCONT)');
    expect(sh.hv.hasName('web')).toBe(true);
    expect(ok(sh, 'ipcs').text).toContain('web: SIGTERM');
    const [cont] = run(sh, 'kill -CONT web');
    expect(outcomeText(cont as Extract<Outcome, { ok: true }>)).toContain(
      '» SIGTERM from its pending set terminates web',
    );
    expect(sh.hv.hasName('web')).toBe(false);
  });

  it('unpause refuses a pVM that is only stopped, naming SIGCONT', () => {
    const sh = makeShell();
    ok(sh, 'kill -STOP web');
    expect(err(sh, 'unpause web', 'EINVAL')).toBe(
      'web is not paused but stopped by a signal (kill -CONT web resumes it)',
    );
  });

  it('a signal pending while paused is acted on at unpause', () => {
    const sh = makeShell();
    ok(sh, 'pause web');
    expect(ok(sh, 'kill -TERM web').text).toContain('pending (the pVM is paused; unpause delivers it)');
    expect(shown(sh, 'unpause web')).toContain('SIGTERM from its pending set terminates web');
  });
});

describe('6. short writes, zombies, exit status, zero-byte reads', () => {
  it('POSIX pipe(7) / pipe_write: a blocked write that partly succeeded returns its short count when the reader closes (SIGPIPE ignored)', () => {
    const sh = makeShell();
    ok(sh, `create web name=w sig_ignore='["SIGPIPE"]'; fork w 1; pipe w w.1`);
    expect(ok(sh, 'write 1 x --repeat 1500').data).toMatchObject({ written: 1024, blocked: true });
    const [c] = run(sh, 'close 1 read');
    const text = outcomeText(c as Extract<Outcome, { ok: true }>);
    expect(text).toContain('w woke: write of 1500 bytes to pipe 1 returned 1024 of 1500 bytes');
    expect(woke(c!)[0]!.data).toEqual({ call: 'write', pipe: 1, bytes: 1500, written: 1024, error: null });
    expect(text).toContain('SIGPIPE from the hypervisor (pipe 1 lost its reader) ignored by w');
  });

  it('POSIX kill(2): a signal to a zombie succeeds and has no effect', () => {
    const sh = makeShell();
    ok(sh, 'fork web 1; exit web.1 2');
    const k = ok(sh, 'kill -TERM web.1');
    expect(k.data).toMatchObject({ action: 'zombie' });
    expect(k.text).toBe(
      'SIGTERM (15) from Domain-0 to web.1: no effect (web.1 has exited; a zombie until its parent waits)',
    );
    expect(ok(sh, 'wait web').data).toMatchObject({ exited: 2 });
  });

  it('POSIX _exit(2): only the low 8 bits of the status reach the parent', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2');
    expect(ok(sh, 'exit web.1 256').text).toBe(
      'web.1 exited with status 0 (256 & 0xff): a zombie until web waits for it',
    );
    ok(sh, 'exit web.2 -1');
    expect(ok(sh, 'wait web web.1').data).toMatchObject({ exited: 0 });
    expect(ok(sh, 'wait web web.2').data).toMatchObject({ exited: 255 });
  });

  it('POSIX read(2): a read of 0 bytes returns 0 at once, data or not', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; pipe web.1 web.2');
    expect(ok(sh, 'read 1 0').data).toMatchObject({ bytes: 0, blocked: false, eof: false });
    ok(sh, 'write 1 abc');
    expect(ok(sh, 'read 1 0').text).toBe('web.2 read 0 bytes from pipe 1 (a read of 0 bytes returns at once)');
    expect(pipes(sh)[0]).toMatchObject({ bytes: 3 });
  });
});

describe('7. --json carries every event the text shows', () => {
  it('wake-ups, SIGPIPE kills, SIGCHLD and reparenting are in the events of the command that caused them', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; fork web.1 1; pipe web.1 web.2; write 1 x --repeat 1100');
    const [c] = run(sh, 'close 1 read');
    const j = outcomeJson(c!) as {
      events: { kind: string; pvm: string; text: string; data: Record<string, unknown> }[];
    };
    const text = outcomeText(c as Extract<Outcome, { ok: true }>);
    // Every "» " line of the text is an event, in order.
    expect(j.events.map((e) => `» ${e.text}`)).toEqual(text.split('\n').filter((l) => l.startsWith('» ')));
    expect(j.events.map((e) => e.kind)).toEqual(['woke', 'signal', 'sigchld', 'reparented']);
    expect(j.events[1]!.data).toEqual({
      signal: 'SIGPIPE',
      action: 'terminated',
      from: 'the hypervisor (pipe 1 lost its reader)',
    });
    expect(j.events[2]!.data).toMatchObject({ signal: 'SIGCHLD', action: 'ignored' });
    expect(j.events[3]!.data).toEqual({ parent: 'web', parent_domid: 1 });
  });

  it('a command that caused nothing keeps its object as it was (no events key)', () => {
    const sh = makeShell();
    const [o] = run(sh, 'list');
    expect(Object.keys(outcomeJson(o!))).toEqual(['command', 'ok', 'data']);
  });
});

describe('8. gone pVMs keep their names in outputs', () => {
  it('a writer reaped at once is named with its domid in the EPIPE line and in ipcs', () => {
    const sh = makeShell();
    ok(sh, 'create web name=w; fork w 1; pipe w w.1; close 1 read');
    expect(ok(sh, 'write 1 hi').text).toBe(
      'write on pipe 1: EPIPE, its reader is gone; SIGPIPE terminated w (killed by SIGPIPE)',
    );
    expect(sh.hv.hasName('w')).toBe(false);
  });

  it('a destroyed reader shows in ipcs by name and domid, not as a bare number', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; pipe web.1 web.2; write 1 hi; destroy web.2');
    expect(pipes(sh)[0]).toMatchObject({ writer: 'web.1', reader: 'web.2 (domid 5)' });
    expect(ok(sh, 'ipcs').text).not.toMatch(/#5|domain 5/);
  });
});
