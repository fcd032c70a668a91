// The environment a bench figure runs in, made from the session and a figure's parameters: host keys,
// image keys and cost overrides, each checked as a file or `cost` would check it, so a sweep's bad
// parameter is one line naming it. And the helpers every figure uses: a fresh engine, an image with
// the parameters' keys, a measured operation with its explanation.

import { hostFromCfg, imageWithKeys } from '../../engine/config.js';
import { checkCostValue, type CostExplanation, type CostOverrides, primitiveNamed } from '../../engine/cost-model.js';
import { fail } from '../../engine/errors.js';
import { type CfgValue, DEFAULT_HOST, type HostConfig, type ImageConfig } from '../../engine/image.js';
import { type Engine, newEngine } from '../../engine/index.js';
import { suggest } from '../../engine/suggest.js';
import type { Ctx } from '../types.js';
import type { BenchEnv } from './types.js';

/** What a caller (bench, a sweep) may set besides a figure's own parameters. */
export interface BenchParams {
  /** Host keys (host.cfg's), e.g. { pcpus: 2, max_domains: 4096 }. */
  host?: Record<string, CfgValue>;
  /** Image keys (as create's key=value), applied to every image a figure boots. */
  image?: Record<string, CfgValue>;
  /** Cost overrides on top of the session's (cost NAME=VALUE). */
  costs?: Record<string, number>;
}

/** Host keys as a partial host config: each key checked as host.cfg's would be. */
function hostKeys(keys: Record<string, CfgValue>): Partial<HostConfig> {
  const given = Object.keys(keys);
  if (given.length === 0) return {};
  const cfg = new Map(given.map((k) => [k, { value: keys[k]!, line: 0 }]));
  const full = hostFromCfg(cfg, 'bench host');
  const out: Partial<HostConfig> = { raw: full.raw };
  for (const k of given) if (isHostField(k)) pick(out, full, k);
  return out;
}

/** A key the host config has a field for (the others, a scheduler's, live in `raw`). */
function isHostField(k: string): k is Exclude<keyof HostConfig, 'raw'> {
  return Object.hasOwn(DEFAULT_HOST, k);
}

function pick<K extends keyof HostConfig>(out: Partial<HostConfig>, full: HostConfig, k: K): void {
  out[k] = full[k];
}

/**
 * The environment of `bench` in this session, with a caller's parameters on top: the session's host
 * (nothing booted; a sweep's point is a session whose host has the swept keys), its images, library
 * store and cost overrides.
 */
export function benchEnv(ctx: Pick<Ctx, 'hv' | 'images'>, p: BenchParams = {}): BenchEnv {
  const costs: CostOverrides = { ...ctx.hv.cost.overrides() };
  for (const [k, v] of Object.entries(p.costs ?? {})) costs[primitiveNamed(k)] = checkCostValue(k, v);
  const keys = hostKeys(p.host ?? {});
  const session = ctx.hv.host;
  const host = { ...session, boot: [], ...keys, raw: { ...session.raw, ...keys.raw } };
  return { images: ctx.images, libs: ctx.hv.dl.store, host, image: p.image ?? {}, costs };
}

/** A fresh engine for a figure: the environment's host keys, then the figure's own, nothing booted. */
export function engineFor(env: BenchEnv, host: Partial<HostConfig> = {}): Engine {
  return newEngine({ ...env.host, boot: [], ...host }, { libs: env.libs, costs: env.costs });
}

/** An image by name with the environment's image keys, or ENOENT naming what the figure needs. */
export function imageOf(env: BenchEnv, name: string): ImageConfig {
  const base = env.images.get(name);
  if (!base) {
    const near = suggest(name, env.images.keys());
    fail(
      'ENOENT',
      `bench needs the image '${name}', which is not in the images directory${near ? ` (did you mean '${near}'?)` : ''}`,
    );
  }
  const keys = Object.entries(env.image);
  if (keys.length === 0) return base;
  return imageWithKeys(base, new Map(keys.map(([k, v]) => [k, { value: v, line: 0 }])), `bench image ${name}`);
}

/** An operation's modeled µs and their explanation, on an engine whose meter measures only it. */
export function measured(hv: Engine, op: () => number): { us: number; cost: CostExplanation } {
  hv.cost.begin();
  const us = op();
  return { us, cost: hv.cost.take() };
}
