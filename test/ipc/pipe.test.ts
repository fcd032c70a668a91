// Pipes between pVMs (POSIX pipe semantics over a vchan ring): order, wrap-around, blocking both ways,
// EOF, EPIPE and SIGPIPE, and every refusal changing nothing.

import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/engine/ipc/vchan.js';
import { err, makeShell, ok, resultOf, run } from '../helpers.js';

function family() {
  const sh = makeShell();
  ok(sh, 'fork web 2');
  return sh;
}

describe('pipe between web.1 and web.2', () => {
  it('carries bytes in order across ring wrap-around', () => {
    const sh = family();
    expect(ok(sh, 'pipe web.1 web.2').data).toMatchObject({
      pipe: 1,
      writer: 'web.1',
      reader: 'web.2',
      ring_bytes: 1024,
      first_contact: true,
    });
    let sent = '';
    let got = '';
    // 700-byte chunks in a 1024-byte ring: every other write wraps past the end of the ring.
    for (let i = 0; i < 12; i++) {
      const chunk = String.fromCharCode(65 + i).repeat(650) + `#${i}#`.padEnd(50, '.');
      sent += chunk;
      ok(sh, `write pipe:1 ${chunk}`);
      got += String(ok(sh, 'read 1').data.data);
    }
    expect(got).toBe(sent);
    const p = sh.hv.ipc.pipes.get(1)!;
    expect(p.ring.prod).toBe(sent.length);
    expect(p.ring.cons).toBe(sent.length);
  });

  it('wraps its free-running 32-bit counters past 2^32', () => {
    const r = new Ring(1024);
    r.prod = r.cons = 0xffffff00;
    const bytes = Uint8Array.from({ length: 700 }, (_, i) => i % 251);
    expect(r.put(bytes)).toBe(700);
    expect(r.prod).toBe((0xffffff00 + 700) >>> 0);
    expect(r.ready()).toBe(700);
    expect(Array.from(r.get(700))).toEqual(Array.from(bytes));
    expect(r.ready()).toBe(0);
    expect(Ring.load(r.save()).ready()).toBe(0);
  });

  it('a 5000-byte write blocks the writer until the reader drains it; both wake correctly', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2');
    const w = ok(sh, 'write 1 x --repeat 5000');
    expect(w.data).toMatchObject({ written: 1024, blocked: true, ring_used: 1024 });
    expect(w.text).toContain('web.1 blocks in write on pipe 1 (state b)');
    expect(sh.hv.lookup('web.1').waiting).toMatchObject({ call: 'write', on: 'pipe 1' });
    err(sh, 'write 1 more', 'EBUSY');
    const reads: number[] = [];
    for (let i = 0; i < 4; i++) {
      const outs = run(sh, 'read 1');
      reads.push(Number(resultOf(outs[0]).data.bytes));
      const woke = outs[0]!.events.filter((e) => e.kind === 'woke');
      expect(woke.length).toBe(i === 3 ? 1 : 0);
      if (i === 3) expect(woke[0]!.text).toBe('web.1 woke: write of 5000 bytes to pipe 1 completed');
    }
    expect(sh.hv.lookup('web.1').waiting).toBeNull();
    reads.push(Number(ok(sh, 'read 1').data.bytes));
    expect(reads).toEqual([1024, 1024, 1024, 1024, 904]);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('an empty ring blocks the reader; the write wakes it with what it received', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2');
    expect(ok(sh, 'read 1').text).toBe(
      'web.2 blocks in read on pipe 1 (state b): the ring is empty until web.1 writes',
    );
    expect(ok(sh, 'show web.2').text).toContain('blocked in read on pipe 1');
    const outs = run(sh, 'write 1 hello');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web.2 woke: read on pipe 1 returned 5 bytes "hello"',
    );
    expect(sh.hv.lookup('web.2').waiting).toBeNull();
    expect(ok(sh, 'ipcs').data.pipes).toMatchObject([{ pipe: 1, bytes: 0 }]);
  });

  it('a blocked reader asked for n bytes gets at most n; the rest stays in the ring', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; read 1 3');
    const outs = run(sh, 'write 1 abcdef');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toContain('3 bytes "abc"');
    expect(ok(sh, 'read 1').data.data).toBe('def');
  });

  it('EOF once the writer closed, after the reader drained what was left', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; write 1 tail; close 1 write');
    expect(ok(sh, 'read 1').data).toMatchObject({ data: 'tail', eof: false });
    expect(ok(sh, 'read 1').data).toMatchObject({ eof: true, bytes: 0 });
    ok(sh, 'close 1 read');
    expect(sh.hv.ipc.pipes.size).toBe(0);
    err(sh, 'read 1', 'EBADF');
  });

  it('closing the write end wakes a blocked reader with EOF', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; read 1');
    const outs = run(sh, 'close 1 w');
    expect(outs[0]!.events.find((e) => e.kind === 'woke')!.text).toBe(
      'web.2 woke: read on pipe 1 returned EOF (the writer closed)',
    );
  });

  it('after the reader is gone a write raises SIGPIPE: by default it terminates the writer', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; close 1 read');
    const w = ok(sh, 'write 1 lost');
    expect(w.data).toMatchObject({ errno: 'EPIPE', signal: 'SIGPIPE', terminated: true });
    expect(sh.hv.lookup('web.1').shutdown).toMatchObject({ signal: 'SIGPIPE', status: 0 });
    expect(sh.hv.ipc.pipes.size).toBe(0);
  });

  it('a writer that ignores or catches SIGPIPE gets EPIPE, and nothing changes', () => {
    for (const key of ['sig_ignore', 'sig_handlers']) {
      const sh = makeShell();
      ok(sh, `create web name=w '${key}=["SIGPIPE"]'`);
      ok(sh, 'fork w; pipe w w.1; close 1 read');
      expect(err(sh, 'write 1 lost', 'EPIPE')).toMatch(/no reader/);
    }
  });

  it('closing the read end under a blocked writer wakes it with its short count and SIGPIPE', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; write 1 x --repeat 2000');
    const outs = run(sh, 'close 1 read');
    const texts = outs[0]!.events.map((e) => e.text);
    expect(texts).toContain(
      'web.1 woke: write of 2000 bytes to pipe 1 returned 1024 of 2000 bytes (the reader closed)',
    );
    expect(sh.hv.lookup('web.1').shutdown?.signal).toBe('SIGPIPE');
  });

  it('SIGKILL of the writer: the reader reads what is left, then EOF; of the reader: the writer gets SIGPIPE', () => {
    const sh = family();
    ok(sh, 'pipe web.1 web.2; write 1 last-words; kill -KILL web.1');
    expect(ok(sh, 'read 1').data.data).toBe('last-words');
    expect(ok(sh, 'read 1').data.eof).toBe(true);
    const sh2 = family();
    ok(sh2, 'pipe web.1 web.2; read 1; kill -9 web.2');
    ok(sh2, 'write 1 anyone');
    expect(sh2.hv.lookup('web.1').shutdown?.signal).toBe('SIGPIPE');
  });

  it('a lineal pair uses the channel made at fork; siblings pay first contact once', () => {
    const sh = family();
    const lineal = ok(sh, 'pipe web web.1');
    expect(lineal.data.first_contact).toBe(false);
    const first = ok(sh, 'pipe web.1 web.2');
    const again = ok(sh, 'pipe web.2 web.1');
    expect(first.data.first_contact).toBe(true);
    expect(again.data.first_contact).toBe(false);
    expect(first.latencyUs! - again.latencyUs!).toBeCloseTo(195, 5);
    expect(lineal.latencyUs).toBe(again.latencyUs);
  });

  it('refuses what it cannot do, changing nothing', () => {
    const sh = family();
    expect(err(sh, 'pipe web redis', 'EPERM')).toBe(
      'web (family web) may not open a pipe to redis (family redis): pVMs talk only inside their family',
    );
    err(sh, 'pipe web web', 'EINVAL');
    err(sh, 'pipe web Domain-0', 'EINVAL');
    err(sh, 'pipe Domain-0 web', 'EINVAL');
    err(sh, 'pipe web web.1 --ring 1000', 'EINVAL');
    err(sh, 'pipe web web.1 --ring 512', 'EINVAL');
    err(sh, 'write 9 x', 'EBADF');
    err(sh, 'write nine x', 'EUSAGE');
    ok(sh, 'pipe web web.1');
    err(sh, 'read 1 -1', 'EUSAGE');
    err(sh, 'close 1 sideways', 'EUSAGE');
    ok(sh, 'close 1 write');
    err(sh, 'close 1 write', 'EBADF');
    err(sh, 'write 1 x', 'EBADF');
    ok(sh, 'exit web.2 0');
    err(sh, 'pipe web web.2', 'ESRCH');
    ok(sh, 'pause web');
    err(sh, 'pipe web web.1', 'EBUSY');
  });

  it('out of event-channel ports: ENOSPC, and nothing changes', () => {
    const sh = makeShell({ evtchn_ports: 2 });
    // web's two ports go to its first two children; web.3 gets no lineal channel.
    const outs = run(sh, 'fork web 3');
    expect(
      outs[0]!.events.some((e) => e.kind === 'contact' && e.text.includes('no lineal channel for web and web.3')),
    ).toBe(true);
    expect(ok(sh, 'evtchn web').data).toMatchObject({ domains: [{ name: 'web', ports: [{ port: 1 }, { port: 2 }] }] });
    expect(err(sh, 'pipe web web.3', 'ENOSPC')).toMatch(/web has no free event-channel port \(all 2 in use\)/);
    err(sh, 'kill -USR1 web.3 --from web', 'ENOSPC');
    ok(sh, 'pipe web.1 web.2');
  });

  it('ring pages are granted by the reader and mapped by the writer, and go when the pipe does', () => {
    const sh = family();
    const free = sh.hv.frames.free;
    ok(sh, 'pipe web web.1 --ring 16384');
    expect(sh.hv.frames.free).toBe(free - 4);
    const g = ok(sh, 'grants web.1').data as { entries: { use: string; grantee: string }[] };
    expect(g.entries.filter((e) => e.use === 'pipe 1 ring')).toHaveLength(4);
    expect((ok(sh, 'grants web').data.mappings as unknown[]).length).toBe(4);
    ok(sh, 'close 1 read; close 1 write');
    expect(sh.hv.frames.free).toBe(free);
    expect((ok(sh, 'grants web').data.mappings as unknown[]).length).toBe(0);
  });
});
