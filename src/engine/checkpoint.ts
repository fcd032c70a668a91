// xl save and xl restore of ONE domain: a checkpoint holds what a pVM is made of, enough to create it
// again elsewhere or later: its image, the libraries it links, the content of every page of its own
// memory (text, data, bss, heap, stack, library data; content as frames' tokens), its balloon size and
// maximum, its vCPUs up, their affinities, and its scheduling weight and cap.
//
// What a checkpoint cannot hold, as on Xen: what is shared with other domains. A pVM attached to a
// shm segment, blocked in an IpC call, or linking libraries its image would not link (a later `link`
// or `update`) is refused at save with the reason. Its event channels, pipes and its family ties end with
// it (a restored pVM is a new domain, a root of its own family, with a new domid, as xl restore gives).

import { DOM0, isZombie, pagesOf, region, type Domain } from './domain.js';
import { fail } from './errors.js';
import { imageRequests, planLink } from './dl/linker.js';
import { dataPages } from './dl/manifest.js';
import { dataRegionName } from './dl/subsystem.js';
import { imageFromCfg } from './config.js';
import type { Cfg, ImageConfig } from './image.js';
import type { Engine } from './index.js';
import * as life from './lifecycle.js';
import { arrOf, nat, natList, record, str } from './validate.js';

export const CHECKPOINT_FORMAT = 'kylinx-sh-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointRegion {
  name: string;
  /** Content tokens, one per page. */
  content: number[];
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  name: string;
  /** The image's keys as written (re-read with the image rules at restore). */
  image: Record<string, unknown>;
  /** Libraries linked, as "name@version", sorted. */
  libraries: string[];
  maxMiB: number;
  online: number;
  affinity: { hard: number[] | null; soft: number[] | null }[];
  sched: Record<string, number>;
  regions: CheckpointRegion[];
}

/** The libraries a fresh create of `image` links, as "name@version", sorted. */
function plannedLibraries(hv: Engine, image: ImageConfig): string[] {
  const plan = planLink(hv.dl, { image, d: null, linked: [] }, imageRequests(image), null);
  return plan.steps.map((s) => `${s.entry.manifest.name}@${s.entry.manifest.version}`).sort();
}

/** The regions a checkpoint holds: the pVM's own memory (not library text, which the host shares). */
function ownRegions(hv: Engine, d: Domain): string[] {
  const libText = new Set(hv.dl.libsOf(d).map((l) => `lib:${l.name}`));
  return d.regions.filter((r) => r.kind !== 'shared' && !libText.has(r.name)).map((r) => r.name);
}

/** A checkpoint of `d`, refused (nothing changed) when `d` holds what a checkpoint cannot. */
export function checkpointOf(hv: Engine, d: Domain): Checkpoint {
  if (d.domid === DOM0) fail('EPERM', 'Domain-0 cannot be saved');
  if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
  if (d.waiting) fail('EBUSY', `${d.name} is blocked in ${d.waiting.call} on ${d.waiting.on}: it would not resume`);
  const shm = d.regions.find((r) => r.kind === 'shared');
  if (shm) fail('EBUSY', `${d.name} is attached to ${shm.name}, shared with others: shmdt it first`);
  const linked = [...hv.dl.linkedLibraries(d)].sort();
  const planned = plannedLibraries(hv, d.image);
  if (linked.join(' ') !== planned.join(' '))
    fail(
      'EINVAL',
      `${d.name} links ${linked.join(', ') || 'no library'}, its image ${d.image.name} links ${planned.join(', ') || 'none'}: a checkpoint holds the image's libraries (unlink or update back first)`,
    );
  const vcpus = hv.sched.vcpusOf(d);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    name: d.name,
    image: { ...d.image.raw, name: d.image.name },
    libraries: linked,
    maxMiB: d.memMiB,
    online: hv.sched.onlineVcpus(d),
    affinity: vcpus.map((v) => ({ hard: v.affinity && [...v.affinity], soft: v.soft && [...v.soft] })),
    sched: { ...(hv.sched.domainParams(d) ?? {}) },
    regions: ownRegions(hv, d).map((name) => {
      const r = region(d, name)!;
      const content: number[] = [];
      for (let p = 0; p < r.pages; p++) content.push(hv.mem.read(r, p));
      return { name, content };
    }),
  };
}

/** A checkpoint document read back: its shape checked (EINVAL naming what is wrong). */
export function validateCheckpoint(doc: unknown): Checkpoint {
  const c = record(doc, 'checkpoint');
  if (c.format !== CHECKPOINT_FORMAT) fail('EINVAL', 'not a kylinx-sh checkpoint (xl save writes one)');
  if (c.version !== CHECKPOINT_VERSION)
    fail('EINVAL', `checkpoint version ${String(c.version)} is not ${CHECKPOINT_VERSION}`);
  const affinity = arrOf(c, 'affinity', 'obj', 'checkpoint').map((a, i) => {
    const x = record(a, `checkpoint.affinity[${i}]`);
    const list = (k: string): number[] | null => (x[k] === null ? null : natList(x, k, `checkpoint.affinity[${i}]`));
    return { hard: list('hard'), soft: list('soft') };
  });
  const sched = record(c.sched, 'checkpoint.sched');
  for (const [k, v] of Object.entries(sched))
    if (typeof v !== 'number') fail('EINVAL', `state: checkpoint.sched.${k} must be a number`);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    name: str(c, 'name', 'checkpoint'),
    image: record(c.image, 'checkpoint.image'),
    libraries: arrOf(c, 'libraries', 'str', 'checkpoint') as string[],
    maxMiB: nat(c, 'maxMiB', 'checkpoint'),
    online: nat(c, 'online', 'checkpoint'),
    affinity,
    sched: sched as Record<string, number>,
    regions: arrOf(c, 'regions', 'obj', 'checkpoint').map((r, i) => {
      const x = record(r, `checkpoint.regions[${i}]`);
      return {
        name: str(x, 'name', `checkpoint.regions[${i}]`),
        content: natList(x, 'content', `checkpoint.regions[${i}]`),
      };
    }),
  };
}

/** The image a checkpoint names, read with the image rules (a damaged one fails as a bad image file). */
function imageOf(cp: Checkpoint, file: string): ImageConfig {
  const cfg: Cfg = new Map();
  for (const [k, v] of Object.entries(cp.image)) cfg.set(k, { value: v as never, line: 0 });
  const name = typeof cp.image.name === 'string' ? cp.image.name : cp.name;
  return imageFromCfg(cfg, file, name);
}

/**
 * xl restore: a new pVM from a checkpoint, with its name (which must be free), memory content,
 * balloon, vCPUs, affinities and weight and cap. Everything is checked before anything is created.
 */
export function restoreCheckpoint(hv: Engine, cp: Checkpoint, file: string): { domain: Domain; latencyUs: number } {
  const image = imageOf(cp, file);
  life.validateName(hv, cp.name);
  const plan = planLink(hv.dl, { image, d: null, linked: [] }, imageRequests(image), null);
  const planned = plan.steps.map((s) => `${s.entry.manifest.name}@${s.entry.manifest.version}`).sort();
  if (planned.join(' ') !== [...cp.libraries].sort().join(' '))
    fail(
      'EINVAL',
      `${file}: the checkpoint links ${cp.libraries.join(', ') || 'no library'}, image ${image.name} here links ${planned.join(', ') || 'none'}`,
    );
  const imagePages = (image.text_kb + image.data_kb + image.bss_kb + image.heap_kb + image.stack_kb) / 4;
  const heapSaved = cp.regions.find((r) => r.name === 'heap')?.content.length ?? image.heap_kb / 4;
  const extra = Math.max(0, heapSaved - image.heap_kb / 4);
  if (imagePages + extra > hv.frames.free)
    fail('ENOMEM', `${cp.name} needs ${imagePages + extra} frames, the host has ${hv.frames.free} free`);
  if (cp.online < 1 || cp.online > image.vcpus || cp.affinity.length !== image.vcpus)
    fail('EINVAL', `${file}: the checkpoint's vCPUs do not fit image ${image.name} (${image.vcpus} vCPUs)`);
  // Every saved region must be one the new pVM will have, of the size it will have.
  const sizes = new Map<string, number>([
    ['text', image.text_kb / 4],
    ['data', image.data_kb / 4],
    ['bss', image.bss_kb / 4],
    ['heap', heapSaved],
    ['stack', image.stack_kb / 4],
  ]);
  for (const st of plan.steps) sizes.set(dataRegionName(st.entry.manifest.name), dataPages(st.entry.manifest));
  for (const r of cp.regions)
    if (sizes.get(r.name) !== r.content.length)
      fail('EINVAL', `${file}: region ${r.name} of ${r.content.length} pages is not one image ${image.name} has`);
  const { weight, cap, ...other } = cp.sched;
  if (Object.keys(other).length > 0 || (weight !== undefined && (weight < 1 || weight > 65535)))
    fail('EINVAL', `${file}: the checkpoint's scheduling parameters are not a weight (1-65535) and a cap`);
  if (cap !== undefined && (cap < 0 || cap > image.vcpus * 100))
    fail('EINVAL', `${file}: the checkpoint's cap ${cap} is outside 0-${image.vcpus * 100}`);
  const pcpus = hv.host.pcpus;
  for (const a of cp.affinity)
    for (const c of [...(a.hard ?? []), ...(a.soft ?? [])])
      if (c >= pcpus) fail('EINVAL', `${file}: a vCPU is pinned to pCPU ${c}, this host has 0-${pcpus - 1}`);
  const created = life.create(hv, image, { name: cp.name });
  const d = created.domain;
  const heap = region(d, 'heap');
  if (heap && heapSaved !== heap.pages) hv.mem.resize(heap, heapSaved);
  for (const saved of cp.regions) {
    const r = region(d, saved.name)!;
    saved.content.forEach((token, p) => hv.mem.restoreContent(r, p, token));
  }
  d.memMiB = Math.max(cp.maxMiB, Math.ceil(pagesOf(d) / 256));
  cp.affinity.forEach((a, i) => hv.sched.pin(d, i, a.hard, a.soft));
  if (cp.online !== image.vcpus) hv.sched.setOnline(d, cp.online);
  if (Object.keys(cp.sched).length > 0) hv.sched.adjustDomain(d, cp.sched);
  return { domain: d, latencyUs: created.latencyUs };
}
