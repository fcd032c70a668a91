// Recycling (create --recycle) and the bench rows: model beside paper.

import { describe, expect, it } from 'vitest';
import { err, makeShell, ok } from '../helpers.js';

type Row = { figure: string; case: string; unit: string; paper: number | null; model: number; ratio: number | null };

describe('create --recycle', () => {
  it('restores the empty domain and links the application through the update path, faster than a boot', () => {
    const sh = makeShell();
    const std = ok(sh, 'create web').latencyUs!;
    const r = ok(sh, 'create web --recycle');
    expect(r.data).toMatchObject({ name: 'web-3', recycled: true, app_library: 'app-web@1.0', mem_mib: 8 });
    expect(r.latencyUs!).toBeLessThan(std);
    expect((r.data.stages as { name: string }[]).map((s) => s.name)).toEqual([
      'load and share',
      'reset .got.plt',
      'resolve functions',
      'resolve variables',
    ]);
    const libs = (ok(sh, 'libs web-3').data.libraries as { lib: string; version: string }[]).map(
      (l) => `${l.lib}@${l.version}`,
    );
    expect(libs).toEqual(['app-web@1.0', 'libm@1.16']);
    expect(ok(sh, 'call web-3 app-web.http_handle').data).toMatchObject({ version: '1.0', resolved: true });
    expect(ok(sh, 'list web-3').text).toMatch(/web-3 +\d+ +8 +1 /);
  });

  it('a second recycled appliance shares the application text, so it boots faster still and adds only private frames', () => {
    const sh = makeShell({ boot: [] });
    const first = ok(sh, 'create web --recycle').latencyUs!;
    const free = sh.hv.frames.free;
    const second = ok(sh, 'create web --recycle').latencyUs!;
    expect(second).toBeLessThan(first);
    // Private: the empty kernel's regions and heap, libm and app-web data; shared: app-web and libm text.
    expect(free - sh.hv.frames.free).toBe(2048 - 384 + 2);
    const loaded = ok(sh, 'libs').data.loaded as { lib: string; users: unknown[] }[];
    expect(loaded.find((l) => l.lib === 'app-web')!.users).toHaveLength(2);
    expect(loaded.find((l) => l.lib === 'app-placeholder')).toBeUndefined();
  });

  it('refuses what cannot be recycled, changing nothing', () => {
    const sh = makeShell();
    expect(err(sh, 'create daytime --recycle', 'ENOEXEC')).toContain('not built as a library (no app_library key)');
    err(sh, 'create web --recycle memory=2', 'EINVAL');
    err(sh, `create web --recycle 'lib_signers=["demo-thirdparty"]'`, 'EPERM');
    err(sh, 'create wbe --recycle', 'ENOENT');
  });
});

describe('bench', () => {
  it('bench update prints Fig. 7 model and paper side by side, each stage within 10%', () => {
    const sh = makeShell();
    const rows = ok(sh, 'bench update').data.rows as Row[];
    const fig7 = rows.filter((r) => r.paper !== null);
    expect(fig7.map((r) => r.paper)).toEqual([280, 1000, 2800, 1150, 5]);
    for (const r of fig7) expect(Math.abs(r.ratio! - 1), r.case).toBeLessThan(0.1);
    expect(ok(sh, 'bench update').text).toMatch(/stage 3: resolve functions +us +2800 +2797\.2 +1\.00/);
  });

  it('bench boot has standard and recycled boots beside each other', () => {
    const sh = makeShell();
    const rows = (ok(sh, 'bench boot').data.rows as Row[]).filter((r) => r.figure === 'recycle');
    const at = (c: string): Row => rows.find((r) => r.case === c)!;
    for (const ts of ['noxs', 'xs']) {
      expect(at(`web, recycled boot, ${ts}`).model).toBeLessThan(at(`web, standard boot, ${ts}`).model);
      expect(at(`web, recycled boot, app text already loaded, ${ts}`).model).toBeLessThan(
        at(`web, recycled boot, ${ts}`).model,
      );
    }
    expect(at('web, standard boot, xs')).toMatchObject({ paper: 124 });
    expect(at('web, standard boot, xs').model / at('web, recycled boot, xs').model).toBeGreaterThan(30);
  });
});
