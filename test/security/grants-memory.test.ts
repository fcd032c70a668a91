// Grant misuse and memory protection on a live engine: the grants IpC really made (pipe rings, link
// pages) mapped by a domain they were not granted to, writable maps and copies through read-only grants,
// binds to event-channel ports reserved for another domain, and writes to shared read-only code. Every
// refusal carries Xen's status and leaves the serialized state byte-identical.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors.js';
import { GrantError, GTF_readonly } from '../../src/engine/mm/grant.js';
import type { Shell } from '../../src/commands/shell.js';
import { err, makeShell, ok, run, stateOf } from '../helpers.js';

function withPipe(): Shell {
  const sh = makeShell();
  ok(sh, 'fork web 2; fork redis; pipe web.1 web.2; write 1 hello');
  return sh;
}

const dom = (sh: Shell, name: string): number => sh.hv.lookup(name).domid;

/** Run an engine call that must be refused with `status` (a GNTST name) or errno `code`; nothing changes. */
function refused(sh: Shell, f: () => unknown, expected: { status?: string; code: string }): string {
  const before = stateOf(sh);
  // Tests that grant or allocate by hand have invariant reports of their own objects; unchanged, still.
  const problems = sh.hv.check();
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the call should have been refused').toBeInstanceOf(EngineError);
  const e = caught as EngineError;
  expect(e.code).toBe(expected.code);
  if (expected.status) expect((e as GrantError).status).toBe(expected.status);
  expect(stateOf(sh)).toBe(before);
  expect(sh.hv.check()).toEqual(problems);
  return e.message;
}

describe('grant tables: only the grantee maps, and only as the grant allows', () => {
  it("the pipe's ring grant (web.2 to web.1) cannot be mapped by another family, a sibling, the parent or Domain-0 (GNTST_general_error, as _set_status_v1)", () => {
    const sh = withPipe();
    const ipc = sh.hv.ipc;
    const g = ipc.grants.entriesOf(dom(sh, 'web.2')).find((e) => e.use === 'pipe 1 ring')!;
    expect(g.domid).toBe(dom(sh, 'web.1'));
    for (const thief of ['redis', 'redis.1', 'web', 'Domain-0']) {
      const m = refused(sh, () => ipc.grants.map(dom(sh, thief), dom(sh, 'web.2'), g.ref, false, true), {
        status: 'general_error',
        code: 'EINVAL',
      });
      expect(m).toBe(
        `GNTST_general_error (-1): grant ${g.ref} of domain ${dom(sh, 'web.2')} is for domain ${dom(sh, 'web.1')}, not ${dom(sh, thief)}`,
      );
      // Read-only does not help, nor does a grant copy (GNTTABOP_copy) either way.
      refused(sh, () => ipc.grants.map(dom(sh, thief), dom(sh, 'web.2'), g.ref, true, true), {
        status: 'general_error',
        code: 'EINVAL',
      });
      refused(sh, () => ipc.grants.copyCheck(dom(sh, thief), dom(sh, 'web.2'), g.ref, 0, 64, false, true), {
        status: 'general_error',
        code: 'EINVAL',
      });
      refused(sh, () => ipc.grants.copyCheck(dom(sh, thief), dom(sh, 'web.2'), g.ref, 0, 64, true, true), {
        status: 'general_error',
        code: 'EINVAL',
      });
    }
  });

  it("a link page (web's grant to web.1 at fork) is web.1's alone", () => {
    const sh = withPipe();
    const ipc = sh.hv.ipc;
    const g = ipc.grants.entriesOf(dom(sh, 'web')).find((e) => e.domid === dom(sh, 'web.1'))!;
    refused(sh, () => ipc.grants.map(dom(sh, 'web.2'), dom(sh, 'web'), g.ref, false, true), {
      status: 'general_error',
      code: 'EINVAL',
    });
    refused(sh, () => ipc.grants.map(dom(sh, 'redis'), dom(sh, 'web'), g.ref, true, true), {
      status: 'general_error',
      code: 'EINVAL',
    });
    // Guessing refs: the reserved ones and ones never granted are general_error (_set_status_v1 finds
    // no permit_access grant for the mapper); past the table bad_gntref; and a granter that is gone.
    for (const ref of [0, 7, 4000])
      refused(sh, () => ipc.grants.map(dom(sh, 'redis'), dom(sh, 'web'), ref, true, true), {
        status: 'general_error',
        code: 'EINVAL',
      });
    for (const ref of [1 << 20, -1, 1.5])
      refused(sh, () => ipc.grants.map(dom(sh, 'redis'), dom(sh, 'web'), ref, true, true), {
        status: 'bad_gntref',
        code: 'EINVAL',
      });
    refused(sh, () => ipc.grants.map(dom(sh, 'redis'), 999, g.ref, true, false), {
      status: 'bad_domain',
      code: 'ESRCH',
    });
  });

  it('a read-only grant refuses a writable map and a copy into it, and allows reading', () => {
    const sh = withPipe();
    const ipc = sh.hv.ipc;
    const web2 = sh.hv.lookup('web.2');
    // web.2 grants one page of its heap to web.1 read-only (gnttab_grant_foreign_access(..., readonly)).
    const frame = sh.hv.mem.frameOf(
      web2.regions.find((r) => r.name === 'heap')!,
      0,
    );
    const ref = ipc.grants.grant(web2.domid, dom(sh, 'web.1'), frame, true, 'read-only test page');
    expect(ipc.grants.entry(web2.domid, ref)!.flags & GTF_readonly).toBeTruthy();
    const m = refused(sh, () => ipc.grants.map(dom(sh, 'web.1'), web2.domid, ref, false, true), {
      status: 'general_error',
      code: 'EINVAL',
    });
    expect(m).toContain('is read-only; a writable map is refused');
    expect(
      refused(sh, () => ipc.grants.copyCheck(dom(sh, 'web.1'), web2.domid, ref, 0, 8, true, true), {
        status: 'general_error',
        code: 'EINVAL',
      }),
    ).toContain('a copy into it is refused');
    expect(ipc.grants.copyCheck(dom(sh, 'web.1'), web2.domid, ref, 0, 4096, false, true)).toBe(frame);
    const h = ipc.grants.map(dom(sh, 'web.1'), web2.domid, ref, true, true);
    // While mapped, the granter may not take the page back (no use-after-revoke).
    refused(sh, () => ipc.grants.revoke(web2.domid, ref), { status: 'general_error', code: 'EINVAL' });
    ipc.grants.unmap(dom(sh, 'web.1'), h);
    ipc.grants.revoke(web2.domid, ref);
    expect(sh.hv.check()).toEqual([]);
  });

  it('grants of a destroyed pVM go with it: nobody keeps a mapping of its freed frames', () => {
    const sh = withPipe();
    const web2 = dom(sh, 'web.2');
    ok(sh, 'destroy web.2');
    const ipc = sh.hv.ipc;
    expect(ipc.grants.entriesOf(web2)).toEqual([]);
    for (const d of ipc.grants.domains()) {
      expect(ipc.grants.mappingsOf(d).filter((m) => m.granter === web2)).toEqual([]);
      expect(ipc.grants.entriesOf(d).filter((e) => e.domid === web2)).toEqual([]);
    }
  });
});

describe('event channels: a port reserved for one domain is bound by no other', () => {
  it("web's unbound port for web.1 refuses a bind by redis, by web.2 and by Domain-0", () => {
    const sh = withPipe();
    const ipc = sh.hv.ipc;
    const web = dom(sh, 'web');
    const port = ipc.evtchn.allocUnbound(web, dom(sh, 'web.1'), 'test', 'web');
    for (const who of ['redis', 'web.2', 'Domain-0']) {
      // evtchn_bind_interdomain: an unbound port naming another domain is EINVAL.
      const m = refused(sh, () => ipc.evtchn.bindInterdomain(dom(sh, who), web, port, 'steal', who), {
        code: 'EINVAL',
      });
      expect(m).toBe(`port ${port} of domain ${web} is unbound for domain ${dom(sh, 'web.1')}, not ${dom(sh, who)}`);
    }
    // An interdomain port (a live link) is not bindable at all.
    const linked = ipc.evtchn.portsOf(web).find((p) => p.state === 'interdomain')!;
    refused(sh, () => ipc.evtchn.bindInterdomain(dom(sh, 'redis'), web, linked.port, 'steal', 'redis'), {
      code: 'EINVAL',
    });
    ipc.evtchn.close(web, port);
    expect(sh.hv.check()).toEqual([]);
  });

  it('a cross-family call allocates no port and grants no page (first contact is refused before it starts)', () => {
    const sh = withPipe();
    const ipc = sh.hv.ipc;
    const ports = (n: string): number => ipc.evtchn.portsOf(dom(sh, n)).length;
    const before = [ports('web.1'), ports('redis'), ipc.grants.entriesOf(dom(sh, 'redis')).length, sh.hv.frames.free];
    for (const line of ['pipe redis web.1', 'kill -USR1 web.1 --from redis', 'shmget web 0x1 4K --create'])
      run(sh, line);
    err(sh, 'shmat redis 1', 'EPERM');
    expect([ports('web.1'), ports('redis'), ipc.grants.entriesOf(dom(sh, 'redis')).length]).toEqual(before.slice(0, 3));
  });
});

describe('memory: shared code is never written, and a write is never seen by another pVM', () => {
  it('text and library text are read-only in every pVM that maps them (EFAULT)', () => {
    const sh = withPipe();
    for (const [pvm, region] of [
      ['web', 'text'],
      ['web.1', 'text'],
      ['redis', 'lib:libm'],
      ['web.2', 'lib:libm'],
    ]) {
      expect(err(sh, `touch ${pvm} ${region} 1`, 'EFAULT')).toContain('is read-only');
    }
    expect(err(sh, 'touch web lib:libm all --offset 3', 'EFAULT')).toContain('read-only');
  });

  it("a child's write to a copy-on-write page never reaches its parent, its siblings or another family", () => {
    const sh = withPipe();
    const tokens = (): number[] =>
      ['web', 'web.2', 'redis'].map((p) => ok(sh, `peek ${p} heap 0`).data.token as number);
    const before = tokens();
    ok(sh, 'touch web.1 heap 1; touch web.1 lib:libm.data 1');
    expect(tokens()).toEqual(before);
    expect(ok(sh, 'peek web.1 heap 0').data.token).not.toBe(before[0]);
  });
});
