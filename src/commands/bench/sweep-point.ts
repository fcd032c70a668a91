// One point of a sweep, the same wherever it runs (here, or on a worker thread: src/sweep-pool.ts): a
// fresh engine booted from the host with the point's host keys, the images with its image keys, the
// point's cost overrides run as `cost NAME=VALUE` commands, then the figure's rows or the script's.
// A job holds everything a point needs as plain data (no engine, no function), so a worker rebuilds
// exactly what this thread would, and a point's result depends on the job and its index alone: the
// same rows whatever the number of workers and whichever worker ran it.

import { HOST_KEYS, hostFromCfg } from '../../engine/config.js';
import { LibraryStore } from '../../engine/dl/store.js';
import type { LibraryEntry } from '../../engine/dl/manifest.js';
import { EngineError, fail } from '../../engine/errors.js';
import type { Cfg, CfgValue, HostConfig, ImageConfig } from '../../engine/image.js';
import { overriddenImage } from '../lifecycle.js';
import type { Sandbox, SandboxOptions } from '../types.js';
import type { ParamValue, Point, SweepParam } from './sweep-params.js';
import { ScriptFailed, scriptRows, scriptVariables } from './sweep-script.js';
import { figureNamed, type SweepRow, type Target } from './sweep-targets.js';

/** The target as data: a figure by name, or a script's text. */
export type TargetSpec =
  { kind: 'figure'; name: string } | { kind: 'script'; name: string; text: string; read: string[] };

export interface SweepJob {
  target: TargetSpec;
  params: SweepParam[];
  points: Point[];
  /** The session's host: every point starts from it. */
  host: HostConfig;
  images: Map<string, ImageConfig>;
  /** The session's library store, saved (LibraryStore.save). */
  libs: LibraryEntry[];
}

export type PointResult = { ok: true; rows: SweepRow[] } | { ok: false; error: { code: string; message: string } };

export type MakeSandbox = (o: SandboxOptions) => Sandbox;

/** What a point runs on: its host, its images, the cost commands to run first, its counts. */
interface PointSetup {
  host: HostConfig;
  images: Map<string, ImageConfig>;
  costs: string[];
  counts: Record<string, ParamValue>;
}

export function targetOf(spec: TargetSpec): Target {
  return spec.kind === 'figure' ? figureNamed(spec.name) : { ...spec };
}

/** `host.pcpus=2 image.web.memory=16`: the point's values as the user would write them. */
export function pointName(params: readonly SweepParam[], point: Point): string {
  return params.map((p, i) => `${p.name}=${point[i]}`).join(' ');
}

/** Every key of the host with its value: the typed keys, and the subsystems' keys from raw. */
export function hostValues(h: HostConfig): Record<string, CfgValue> {
  const values: Record<string, CfgValue> = {};
  for (const [k, v] of Object.entries(h.raw)) if (k in HOST_KEYS) values[k] = v;
  return {
    ...values,
    name: h.name,
    pcpus: h.pcpus,
    memory: h.memory,
    dom0_mem: h.dom0_mem,
    dom0_vcpus: h.dom0_vcpus,
    toolstack: h.toolstack,
    pool: h.pool,
    boot: h.boot,
    seed: h.seed,
    max_domains: h.max_domains,
    evtchn_ports: h.evtchn_ports,
  };
}

/** The host as a config, to apply overrides to and parse again. */
function hostCfg(h: HostConfig): Cfg {
  return new Map(Object.entries(hostValues(h)).map(([k, value]) => [k, { value, line: 0 }]));
}

/** The point's host, images, cost commands and counts; a value a key does not take fails, naming the point. */
function setupOf(job: SweepJob, point: Point): PointSetup {
  const where = pointName(job.params, point);
  const host = hostCfg(job.host);
  const over = new Map<string, Cfg>();
  const costs: string[] = [];
  const counts: Record<string, ParamValue> = {};
  job.params.forEach((p, i) => {
    const v = point[i]!;
    const t = p.target;
    if (t.kind === 'host') host.set(t.key, { value: v, line: 0 });
    else if (t.kind === 'image') {
      const cfg = over.get(t.image) ?? new Map();
      cfg.set(t.key, { value: v, line: 0 });
      over.set(t.image, cfg);
    } else if (t.kind === 'cost') costs.push(`cost ${t.key}=${v}`);
    else counts[t.key] = v;
  });
  const images = new Map(job.images);
  for (const [name, cfg] of over) images.set(name, overriddenImage(job.images.get(name)!, cfg, where));
  const parsed = hostFromCfg(host, where);
  // A figure builds its own engines from the host; booting the host's appliances would only cost time.
  return { host: job.target.kind === 'figure' ? { ...parsed, boot: [] } : parsed, images, costs, counts };
}

/**
 * Everything about a job that can be wrong before a point runs: a count the figure does not have or
 * the script does not use, a host key the figure sets itself, and every point's host and image values (each point is set up, not run).
 */
export function checkJob(job: SweepJob): void {
  const target = targetOf(job.target);
  for (const p of job.params) {
    const t = p.target;
    if (t.kind === 'host' && target.kind === 'figure' && target.fixes.includes(t.key))
      fail('EINVAL', `${p.name}: ${target.name} sets ${t.key} itself, so sweeping it would change nothing`);
    if (t.kind === 'count') checkCount(target, p);
  }
  for (const point of job.points) setupOf(job, point);
}

function checkCount(target: Target, p: SweepParam): void {
  if (target.kind === 'script') {
    if (!scriptVariables(target.text).has(p.name))
      fail('EINVAL', `${p.name}: ${target.name} never uses $${p.name} or \${${p.name}}`);
    for (const v of p.values)
      if (!/^[A-Za-z0-9_.:@/+-]+$/.test(String(v)))
        fail('EINVAL', `${p.name}: '${v}' is not a word a script can take (letters, digits and _.:@/+-)`);
    return;
  }
  const c = target.counts[p.name];
  if (!c) {
    const names = Object.keys(target.counts);
    fail(
      'EINVAL',
      names.length > 0
        ? `${target.name} has no count '${p.name}' (its counts: ${names.join(', ')})`
        : `${target.name} has no counts; sweep host.KEY, image.NAME.KEY or cost.NAME`,
    );
  }
  for (const v of p.values)
    if (typeof v !== 'number' || !Number.isInteger(v) || v < c.min || v > c.max)
      fail('EINVAL', `${p.name} is ${c.summary}: a whole number ${c.min}-${c.max}, not ${v}`);
}

/**
 * Every cost value the sweep sets, set once on a sandbox before any point runs, so an unknown cost or a
 * value the cost command refuses fails the sweep with the command's own error instead of every point.
 */
export function checkCosts(job: SweepJob, make: MakeSandbox): void {
  const lines = job.params.flatMap((p) =>
    p.target.kind === 'cost' ? p.values.map((v) => `cost ${p.target.key}=${v}`) : [],
  );
  if (lines.length === 0) return;
  const box = make({ host: { ...job.host, boot: [] }, images: job.images, libs: LibraryStore.load(job.libs) });
  for (const o of box.run(lines.join('\n'), 'cost')) if (!o.ok) fail('EINVAL', `${o.line}: ${o.error.message}`);
}

/** Run point i of the job on a sandbox of its own; a failure is the point's result, not an exception. */
export function runPoint(job: SweepJob, i: number, make: MakeSandbox): PointResult {
  try {
    const s = setupOf(job, job.points[i]!);
    const box = booted(() => make({ host: s.host, images: s.images, libs: LibraryStore.load(job.libs) }));
    if (s.costs.length > 0)
      for (const o of box.run(s.costs.join('\n'), 'cost'))
        if (!o.ok) return { ok: false, error: { code: o.error.code, message: `${o.command}: ${o.error.message}` } };
    const target = targetOf(job.target);
    const rows = target.kind === 'figure' ? target.run(box.ctx, numbers(s.counts)) : scriptRows(target, box, s.counts);
    return { ok: true, rows };
  } catch (e) {
    if (e instanceof EngineError || e instanceof ScriptFailed)
      return { ok: false, error: { code: e.code, message: e.message.replace(/\s*\n\s*/g, ' ') } };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'EBUG', message: `internal error in kylinx-sh (please report it): ${msg}` } };
  }
}

/** A sandbox whose host's boot fails (an image key too big for the host) says it failed there. */
function booted(make: () => Sandbox): Sandbox {
  try {
    return make();
  } catch (e) {
    if (e instanceof EngineError) throw new EngineError(e.code, `booting the host: ${e.message}`);
    throw e;
  }
}

/** A figure's counts are whole numbers (checkJob made sure). */
function numbers(counts: Record<string, ParamValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) out[k] = Number(v);
  return out;
}
