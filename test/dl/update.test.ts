// Online update: Fig. 7's stages, variables carried over, never a restart, compatibility refusals that
// leave the old library working, the restrictions, quiescence with a bounded wait, update all.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok, run } from '../helpers.js';
import { Hypervisor } from '../../src/engine/hypervisor.js';
import type { Domain } from '../../src/engine/domain.js';
import { registerDl } from '../../src/engine/dl/index.js';
import { update, QUIESCE_BOUND_NS } from '../../src/engine/dl/update.js';
import { unlink } from '../../src/engine/dl/linker.js';
import { create } from '../../src/engine/lifecycle.js';
import { EngineError } from '../../src/engine/errors.js';
import { IMAGES, LIBS } from '../helpers.js';

const FIG7 = [280, 1000, 2800, 1150];
type Stage = { stage: number; name: string; us: number };

describe('update web libm@1.18 --eager (Fig. 7)', () => {
  it('reports the four stages within 10% of the paper and a total near 5 ms', () => {
    const sh = makeShell();
    const r = ok(sh, 'update web libm@1.18 --eager');
    const stages = r.data.stages as Stage[];
    expect(stages.map((s) => [s.stage, s.name])).toEqual([
      [1, 'load and share'],
      [2, 'reset .got.plt'],
      [3, 'resolve functions'],
      [4, 'resolve variables'],
    ]);
    stages.forEach((s, i) => expect(Math.abs(s.us / FIG7[i]! - 1), `${s.name}: ${s.us} us`).toBeLessThan(0.1));
    expect(Math.abs((r.data.total_us as number) / 5000 - 1)).toBeLessThan(0.1);
    expect(r.latencyUs).toBe(r.data.total_us);
    expect(r.text).toContain(
      '111 GOT slots reset, 111 resolved now (eager); 111 variables carried over; libm 1.16 released',
    );
  });

  it('afterwards web runs 1.18 with the variables it had, never restarted', () => {
    const sh = makeShell();
    ok(sh, 'call web libm.sqrt; call web libm.sqrt; call web libm.lgamma');
    const before = sh.hv.lookup('web');
    const { domid, createdNs } = before;
    const outs = run(sh, 'update web libm@1.18 --eager');
    expect(outs[0]!.events.map((e) => e.kind)).toContain('updated');
    expect(outs[0]!.events.map((e) => e.kind)).not.toContain('created');
    const web = sh.hv.lookup('web');
    expect([web.domid, web.createdNs, web.paused]).toEqual([domid, createdNs, false]);
    const c = ok(sh, 'call web libm.sqrt');
    expect(c.data).toMatchObject({ version: '1.18', resolved: false, variable: { name: 'ncalls_sqrt', value: 3 } });
    expect(ok(sh, 'call web libm.read_global ncalls_lgamma').data.variable).toEqual({
      name: 'ncalls_lgamma',
      value: 1,
    });
    expect(ok(sh, 'call web libm.read_global signgam').data.variable).toEqual({ name: 'signgam', value: 1 });
    // A function new in 1.18 is there, unbound until its first call.
    expect(ok(sh, 'call web libm.exp10').data).toMatchObject({ version: '1.18', resolved: true });
    // redis and dns still share 1.16; web maps 1.18 alone.
    const loaded = (ok(sh, 'libs').data.loaded as { lib: string; version: string; users: { name: string }[] }[]).filter(
      (l) => l.lib === 'libm',
    );
    expect(loaded.map((l) => [l.version, l.users.map((u) => u.name)])).toEqual([
      ['1.16', ['redis', 'dns']],
      ['1.18', ['web']],
    ]);
  });

  it('lazily: stage 3 costs nothing now and each function binds on its first call', () => {
    const sh = makeShell();
    ok(sh, 'call web libm.sqrt');
    const r = ok(sh, 'update web libm@1.18');
    expect((r.data.stages as Stage[])[2]!.us).toBe(0);
    expect(ok(sh, 'call web libm.sqrt').data).toMatchObject({ resolved: true, version: '1.18' });
  });
});

describe('refusals leave the old library linked and callable', () => {
  it('an incompatible update lists each missing or changed symbol', () => {
    const sh = makeShell();
    ok(sh, 'link web libz@1.2.13; call web libz.crc32');
    const msg = err(sh, 'update web libz@2.0', 'EINVAL');
    for (const s of [
      'changed function crc32: uLong(uLong, const Bytef *, uInt) -> uint32_t(uint32_t, const void *, size_t)',
      'removed function gzgetc_',
      'removed function deflateGetDictionary',
      'removed variable ncalls_gzgetc_',
      'changed variable z_verbose: int -> long',
    ]) {
      expect(msg).toContain(s);
    }
    expect(msg).toContain('(libz@1.2.13 stays linked)');
    expect(ok(sh, 'call web libz.crc32').data).toMatchObject({ version: '1.2.13', variable: { value: 2 } });
  });

  it('the tampered library, the wrong old version, a forbidden version and a missing dependency are refused', () => {
    const sh = makeShell();
    expect(err(sh, 'update web libm@1.17', 'EPERM')).toContain("rule 'signature'");
    expect(err(sh, 'update web libm@1.18 libm@1.12', 'EINVAL')).toBe('web links libm@1.16, not libm 1.12');
    err(sh, 'update web libm@1.16', 'EINVAL');
    err(sh, 'update web libm@1.18 libz@1.16', 'EINVAL');
    ok(sh, 'link web libz@1.2.13');
    ok(sh, `create web name=w2 'lib_versions=["libz <2"]'; link w2 libz@1.2.13`);
    expect(err(sh, 'update w2 libz@2.0', 'EPERM')).toContain("rule 'version'");
    ok(sh, 'link web libcrypto');
    expect(err(sh, 'update all libz@1.2.11', 'EPERM')).toContain("rule 'version'"); // web allows >=1.2.12
    err(sh, 'update web libm', 'EUSAGE');
    err(sh, 'update daytime libm@1.18', 'ENOENT');
    expect(ok(sh, 'call web libm.sqrt').data).toMatchObject({ version: '1.16' });
  });

  it('update all checks every pVM first: one refusal updates none', () => {
    const sh = makeShell();
    ok(sh, `create redis name=r2 'lib_versions=["libm <1.17"]'`);
    expect(err(sh, 'update all libm@1.18', 'EPERM')).toContain("rule 'version'");
    for (const p of ['web', 'redis', 'dns', 'r2'])
      expect(ok(sh, `call ${p} libm.sqrt`).data).toMatchObject({ version: '1.16' });
  });

  it('update all updates every pVM linking the library; the text is loaded once', () => {
    const sh = makeShell();
    ok(sh, 'fork redis 3');
    const r = ok(sh, 'update all libm@1.18 libm@1.16 --eager');
    const pvms = r.data.pvms as { name: string; loaded: boolean; stages: Stage[] }[];
    expect(pvms.map((p) => [p.name, p.loaded])).toEqual([
      ['web', true],
      ['redis', false],
      ['dns', false],
      ['redis.1', false],
      ['redis.2', false],
      ['redis.3', false],
    ]);
    expect(pvms[1]!.stages[0]!.us).toBeLessThan(pvms[0]!.stages[0]!.us / 5);
    expect(r.data.total_us).toBeCloseTo(
      pvms.reduce((t, p) => t + p.stages.reduce((s, x) => s + x.us, 0), 0),
      1,
    );
    const libm = (ok(sh, 'libs').data.loaded as { lib: string; version: string }[]).filter((l) => l.lib === 'libm');
    expect(libm.map((l) => l.version)).toEqual(['1.18']);
  });
});

describe('quiescence (the scheduler says when a vCPU is inside a library)', () => {
  /** A host with the library subsystem and a stand-in scheduler port reporting one busy library. */
  function host(busy: { key: string; untilNs: number } | null) {
    const hv = new Hypervisor({ boot: [] });
    const asked: string[] = [];
    const dl = registerDl(hv, {
      store: LIBS,
      busy: {
        libraryBusy(d: Domain, lib: string) {
          asked.push(`${d.name}:${lib}`);
          return busy && busy.key === lib ? { untilNs: busy.untilNs } : null;
        },
      },
    });
    const web = create(hv, IMAGES.get('web')!).domain;
    return { hv, dl, web, asked };
  }

  it('asks about the linked version, waits a bounded time (in the modeled latency), then EBUSY', () => {
    const near = host({ key: 'libm@1.16', untilNs: 2_000_000 });
    const [u] = update(near.hv, near.dl, [near.web], { lib: 'libm', version: '1.18', eager: true });
    expect(near.asked).toEqual(['web:libm@1.16']);
    expect(u!.waitUs).toBe(2000);
    expect(u!.totalUs).toBeCloseTo(u!.stages.reduce((t, s) => t + s.us, 0) + 2000, 1);

    const far = host({ key: 'libm@1.16', untilNs: QUIESCE_BOUND_NS + 1 });
    const before = JSON.stringify(far.hv.save());
    expect(() => update(far.hv, far.dl, [far.web], { lib: 'libm', version: '1.18', eager: true })).toThrow(EngineError);
    try {
      update(far.hv, far.dl, [far.web], { lib: 'libm', version: '1.18', eager: true });
    } catch (e) {
      expect((e as EngineError).code).toBe('EBUSY');
      expect((e as EngineError).message).toContain('libm@1.16 in web is not quiescent');
    }
    expect(JSON.stringify(far.hv.save())).toBe(before);
    expect(() => unlink(far.hv, far.dl, far.web, 'libm')).toThrow(/inside libm@1.16/);
  });

  it('with a scheduler that reports nothing busy, every library is quiescent', () => {
    const idle = host(null);
    expect(update(idle.hv, idle.dl, [idle.web], { lib: 'libm', version: '1.18', eager: false })[0]!.waitUs).toBe(0);
  });
});

describe('with the real scheduler', () => {
  it('an update right after requests ran waits until the vCPU leaves the library (bounded), in its modeled latency', () => {
    let waited = 0;
    for (let ms = 1001; ms < 1101 && waited === 0; ms += 7) {
      const sh = makeShell();
      ok(sh, `create web rate=2000 burst_us=400 name=busy; run ${ms}ms`); // 400 µs requests: often inside libm
      const r = ok(sh, 'update busy libm@1.18 --eager');
      waited = (r.data.pvms as { wait_us: number }[])[0]!.wait_us;
      if (waited > 0) {
        expect(waited).toBeLessThanOrEqual(QUIESCE_BOUND_NS / 1000);
        expect(r.text).toContain('waited for quiescence');
        expect(r.data.total_us as number).toBeGreaterThan(5000 + waited - 1);
      }
    }
    expect(waited).toBeGreaterThan(0);
  });
});
