// bench apps and the load generator: throughput emerges from the network path, the pCPUs and the
// appliances' code; one constant per application is calibrated, the rest are predictions.

import { describe, expect, it } from 'vitest';
import { benchEnv, runFigure } from '../../src/commands/bench/index.js';
import { runCell } from '../../src/commands/bench/apps.js';
import { dataRegion } from '../../src/engine/apps/pages.js';
import { serveGenerated } from '../../src/engine/apps/requests.js';
import { create } from '../../src/engine/lifecycle.js';
import { runLoad } from '../../src/engine/net/loadgen.js';
import { xenTripPrices } from '../../src/engine/net/path.js';
import { newEngine } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { IMAGES, LIBS, makeShell, ok } from '../helpers.js';

const sh = makeShell();
const env = benchEnv(sh);
const rows = runFigure(env, 'apps');
const byId = new Map(rows.map((r) => [r.id, r]));
const get = (id: string) => {
  const r = byId.get(id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
};

describe('bench apps', () => {
  it("has the Redis and web cells per system beside the paper's values", () => {
    for (const sys of ['ubuntu', 'kylinx', 'minios'])
      for (const id of [`redis.${sys}.1`, `redis.${sys}.8`, `web.${sys}.1`, `web.${sys}.9`])
        expect(get(`apps.${id}`).paper).toBeGreaterThan(0);
    expect(get('apps.redis.ubuntu.1').paper).toBe(31000);
    expect(get('apps.web.minios.1').paper).toBe(4500);
  });

  it("predicts Ubuntu's processes above KylinX in every cell, from Linux's path with nothing fitted", () => {
    for (const id of ['redis.1', 'redis.8', 'web.1', 'web.9']) {
      const ubuntu = get(`apps.${id.replace('.', '.ubuntu.')}`);
      expect(ubuntu.kind).toBe('predicted');
      expect(ubuntu.ratio).not.toBeNull();
      expect(ubuntu.model!).toBeGreaterThan(get(`apps.${id.replace('.', '.kylinx.')}`).model!);
    }
    // Linux's stack is the Ubuntu rows' own: making it dearer moves them and nothing of the pVMs'.
    const dear = benchEnv(sh, { costs: { linux_stack_packet: 10 } });
    const cell = { app: 'redis', image: 'redis', servers: 1, connections: 50 } as const;
    expect(runCell(dear, { ...cell, system: 'ubuntu' }).per_s).toBeLessThan(get('apps.redis.ubuntu.1').model! * 0.8);
    expect(Math.round(runCell(dear, { ...cell, system: 'kylinx' }).per_s)).toBe(get('apps.redis.kylinx.1').model);
  });

  it('calibrates one constant per application, within 10% of its cell', () => {
    const calibrated = rows.filter((r) => r.kind === 'calibrated');
    expect(calibrated.map((r) => [r.id, r.calibrated_by])).toEqual([
      ['apps.redis.kylinx.1', ['redis_op']],
      ['apps.web.kylinx.9', ['http_op']],
    ]);
    for (const r of calibrated) expect(Math.abs(r.ratio! - 1)).toBeLessThan(0.1);
  });

  it('predicts the rest, with the error shown, from the same path', () => {
    for (const id of ['apps.redis.kylinx.8', 'apps.web.kylinx.1', 'apps.redis.minios.1', 'apps.web.minios.9']) {
      expect(get(id).kind).toBe('predicted');
      expect(get(id).ratio).not.toBeNull();
    }
    // 8 servers share 6 pCPUs with Domain-0: more than one server's throughput, less than eight times it.
    const one = get('apps.redis.kylinx.1').model!;
    const eight = get('apps.redis.kylinx.8').model!;
    expect(eight).toBeGreaterThan(3 * one);
    expect(eight).toBeLessThan(8 * one);
    // One client waits for two round trips of the wire per request: well below nine clients.
    expect(get('apps.web.kylinx.1').model!).toBeLessThan(get('apps.web.kylinx.9').model! / 2);
    // DNS: no paper figure, a derived row.
    expect(get('apps.dns.kylinx.1').kind).toBe('derived');
  });

  it('is a function of the cost model: a slower redis_op is a slower server (a what-if)', () => {
    const slow = runFigure(benchEnv(sh, { costs: { redis_op: 60 } }), 'apps').find(
      (r) => r.id === 'apps.redis.kylinx.1',
    )!;
    expect(slow.model!).toBeLessThan(get('apps.redis.kylinx.1').model! * 0.6);
    expect(slow.overridden).toEqual(['redis_op']);
  });
});

describe('bench sweep apps', () => {
  it("asks what the paper did not: how many Domain-0 vCPUs eight redis pVMs' netback needs", () => {
    type Point = { values: Record<string, number>; rows: { series: string; model: number | null }[] };
    const points = ok(makeShell(), 'bench sweep apps host.dom0_vcpus=1,2 --jobs 1').data.points as Point[];
    const at = (vcpus: number, series: string): number =>
      points.find((p) => p.values['host.dom0_vcpus'] === vcpus)!.rows.find((r) => r.series === series)!.model!;
    const kylinx8 = 'redis SET, 8 servers, KylinX';
    // One Domain-0 vCPU carries every packet of the eight: netback, not the pVMs, is the bottleneck.
    expect(at(1, kylinx8)).toBeLessThan(0.75 * at(2, kylinx8));
    expect(at(2, kylinx8)).toBe(get('apps.redis.kylinx.8').model);
    // Linux's processes have no Domain-0.
    const ubuntu8 = 'redis SET, 8 servers, Ubuntu processes';
    expect(at(1, ubuntu8)).toBe(at(2, ubuntu8));
  });
});

describe('load generator', () => {
  it("serves with the appliance's code: SETs land in the heap pages and the engine stays sound", () => {
    const hv = newEngine({ boot: [] }, { libs: LIBS });
    const d = create(hv, IMAGES.get('redis')!).domain;
    const rng = new Rng(7);
    const r = runLoad(hv.cost, {
      app: 'redis',
      servers: [d],
      connections: 4,
      pipeline: 1,
      trips: xenTripPrices(hv.cost, 'redis', 1),
      pcpus: 6,
      backends: { count: 2, by: 'server' },
      durationNs: 5e6,
      warmupNs: 1e6,
      rng,
      serve: (x) => {
        serveGenerated(hv.apps, x, dataRegion(x), rng);
      },
    });
    expect(r.requests).toBeGreaterThan(0);
    let keys = 0;
    for (const p of hv.apps.data.get(d.domid)!.pages.values()) keys += p.length;
    expect(keys).toBeGreaterThan(r.requests / 2);
    expect(hv.check()).toEqual([]);
  });

  it("obeys Little's law: connections = throughput x mean response time, roughly", () => {
    for (const c of [1, 4, 50]) {
      const r = runCell(env, { app: 'redis', image: 'redis', servers: 1, connections: c, system: 'kylinx' });
      const littles = (r.per_s * r.p50_us) / 1e6;
      expect(littles).toBeGreaterThan(c * 0.7);
      expect(littles).toBeLessThan(c * 1.3);
    }
  });

  it('more pCPUs never make eight servers slower', () => {
    const at = (pcpus: number) =>
      runCell(benchEnv(sh, { host: { pcpus } }), {
        app: 'redis',
        image: 'redis',
        servers: 8,
        connections: 400,
        system: 'kylinx',
      }).per_s;
    expect(at(12)).toBeGreaterThanOrEqual(at(6));
    expect(at(6)).toBeGreaterThanOrEqual(at(3));
  });
});
