// Linking (KylinX §3.3.1): dom0 checks the image's restrictions on every library of the dependency
// tree, then maps the whole tree into the pVM's dynamic segment; functions bind lazily, the first
// call of each one resolving its .got.plt slot. Every operation plans first (validating everything,
// counting frames) and only then maps, so a refusal changes nothing.

import type { CostModel } from '../cost-model.js';
import type { Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import type { ImageConfig } from '../image.js';
import { suggest } from '../suggest.js';
import { libKey, LibraryEntry, textPages, dataPages, variablePage } from './manifest.js';
import { allows, checkLibrary, restrictionsOf } from './restrictions.js';
import { parseLibRef } from './store.js';
import { dataRegionName, DlSubsystem, Linked } from './subsystem.js';
import { compareVersions, parseNeed, satisfies, VersionRange } from './version.js';
import { region } from '../domain.js';

/** One library to map, in dependency order (dependencies first). */
export interface LinkStep {
  entry: LibraryEntry;
  explicit: boolean;
  /** Its text must be loaded on the host (nobody maps this version yet). */
  load: boolean;
}

export interface LinkPlan {
  steps: LinkStep[];
  /** Libraries already linked that an explicit request names (they become explicit). */
  promote: string[];
  frames: number;
}

export interface Request {
  name: string;
  version?: string;
}

/** What a plan sees of the target: the image and what it links now (none for a pVM being created). */
interface Target {
  image: ImageConfig;
  d: Domain | null;
  linked: { name: string; version: string; explicit: boolean }[];
}

/**
 * Plan linking `requests` (and their dependency trees) into the target, asked for by `loader` (null:
 * the pVM itself). Throws the first refusal; returns the steps and their frames and modeled cost.
 */
export function planLink(dl: DlSubsystem, t: Target, requests: Request[], loader: Domain | null): LinkPlan {
  const plan: LinkPlan = { steps: [], promote: [], frames: 0 };
  const visiting = new Set<string>();
  const chosen = (name: string): { version: string } | undefined =>
    t.linked.find((l) => l.name === name) ?? plan.steps.find((s) => s.entry.manifest.name === name)?.entry.manifest;
  const visit = (
    name: string,
    exact: string | undefined,
    range: VersionRange | null,
    explicit: boolean,
    neededBy: string | null,
  ): void => {
    const have = chosen(name);
    if (have) {
      const ok = exact !== undefined ? have.version === exact : range === null || satisfies(have.version, range);
      if (!ok) {
        const want = exact ?? range!.text;
        if (neededBy === null && t.d)
          fail(
            'EEXIST',
            `${t.d.name} already links ${name} ${have.version} (to replace it: update ${t.d.name} ${name}@${want})`,
          );
        fail(
          'EINVAL',
          `${neededBy ?? t.image.name} needs ${name} ${want}, and ${have.version} is ${t.d ? `linked in ${t.d.name}` : 'chosen already'}`,
        );
      }
      if (explicit && t.linked.some((l) => l.name === name && !l.explicit)) plan.promote.push(name);
      else if (explicit && neededBy === null && t.d && t.linked.some((l) => l.name === name))
        fail('EEXIST', `${t.d.name} already links ${name} ${have.version}`);
      return;
    }
    if (visiting.has(name)) fail('ELOOP', `${name}'s dependencies lead back to ${name}`);
    const entry = exact !== undefined ? dl.store.get(name, exact) : pick(dl, name, range, t.image, neededBy);
    checkLibrary(entry, t.image, t.d, loader);
    visiting.add(name);
    for (const n of entry.manifest.needs) {
      const need = parseNeed(n, `${entry.file}: needs`);
      visit(need.lib, undefined, need.range, false, `${name} ${entry.manifest.version}`);
    }
    visiting.delete(name);
    const key = libKey(name, entry.manifest.version);
    const load =
      !dl.masters.has(key) &&
      !plan.steps.some((s) => s.load && libKey(s.entry.manifest.name, s.entry.manifest.version) === key);
    plan.steps.push({ entry, explicit, load });
    plan.frames += (load ? textPages(entry.manifest) : 0) + dataPages(entry.manifest);
  };
  for (const r of requests) visit(r.name, r.version, null, true, null);
  return plan;
}

/** Modeled cost of mapping one library: read headers and check, load text once per host, share it, populate data. */
export function mapCost(c: CostModel, entry: LibraryEntry, load: boolean): number {
  const m = entry.manifest;
  let t = c.us('lib_link') + c.us('page_share', textPages(m)) + c.us('page_populate', dataPages(m));
  if (load) t += c.us('lib_map') + c.us('lib_load_page', textPages(m));
  return t;
}

/** Modeled cost of carrying out a plan (charged when it is carried out, not when it is made). */
export function planCost(c: CostModel, plan: LinkPlan): number {
  return plan.steps.reduce((t, s) => t + mapCost(c, s.entry, s.load), 0);
}

/** No version named: the highest the need and the image's restrictions allow; else why not. */
function pick(
  dl: DlSubsystem,
  name: string,
  range: VersionRange | null,
  image: ImageConfig,
  neededBy: string | null,
): LibraryEntry {
  const all = dl.store.require(name);
  const inRange = all.filter((e) => range === null || satisfies(e.manifest.version, range));
  if (inRange.length === 0) {
    fail(
      'ENOENT',
      `${neededBy ?? image.name} needs ${name} ${range!.text}, and the store has ${all.map((e) => e.manifest.version).join(', ')}`,
    );
  }
  const allowed = inRange.filter((e) => allows(e, image));
  // Nothing allowed: return the newest so the check names the rule that refuses it.
  return (allowed.length > 0 ? allowed : inRange).sort((a, b) =>
    compareVersions(b.manifest.version, a.manifest.version),
  )[0]!;
}

export function planFrames(hv: Hypervisor, plan: LinkPlan, framesLeft = hv.frames.free): void {
  if (plan.frames > framesLeft) fail('ENOMEM', `linking needs ${plan.frames} frames, the host has ${framesLeft} free`);
}

/** Map a checked plan into `d`. */
export function applyPlan(hv: Hypervisor, dl: DlSubsystem, d: Domain, plan: LinkPlan): void {
  for (const name of plan.promote) dl.find(d, name)!.explicit = true;
  for (const s of plan.steps) {
    const m = s.entry.manifest;
    dl.attach(d, s.entry, s.explicit);
    const how = s.load ? `loaded ${textPages(m)} pages of text on the host` : 'text shared with the host copy';
    hv.emit('linked', d, `${d.name} linked ${m.name} ${m.version}${s.explicit ? '' : ' (a dependency)'}: ${how}`);
  }
}

export function targetOf(dl: DlSubsystem, d: Domain): Target {
  return {
    image: d.image,
    d,
    linked: dl.libsOf(d).map((l) => ({ name: l.name, version: l.version, explicit: l.explicit })),
  };
}

/** The libraries an image links at create (`libraries = ["libm@1.16"]`). */
export function imageRequests(image: ImageConfig): Request[] {
  const v = image.raw.libraries;
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    fail('EINVAL', `image ${image.name}: libraries must be a list of "name@version" strings`);
  return (v as string[]).map((ref) => parseLibRef(ref, false));
}

// ---- the create hooks: an image's libraries are linked when its pVM is created -----------------------

export function prepareImage(dl: DlSubsystem, image: ImageConfig, framesLeft: number): void {
  restrictionsOf(image);
  const plan = planLink(dl, { image, d: null, linked: [] }, imageRequests(image), null);
  if (plan.frames > framesLeft)
    fail(
      'ENOMEM',
      `${image.name} and its libraries need ${plan.frames} more frames, the host has ${framesLeft} free after its memory`,
    );
}

export function linkImage(hv: Hypervisor, dl: DlSubsystem, d: Domain): number {
  const plan = planLink(dl, { image: d.image, d: null, linked: [] }, imageRequests(d.image), null);
  applyPlan(hv, dl, d, plan);
  return planCost(hv.cost, plan);
}

// ---- link and unlink ---------------------------------------------------------------------------------

export interface LinkResult {
  plan: LinkPlan;
  latencyUs: number;
}

/** `link <pvm> <lib>[@ver] [--loader <pvm>]`. */
export function link(hv: Hypervisor, dl: DlSubsystem, d: Domain, req: Request, loader: Domain | null): LinkResult {
  hv.requireActive(d, 'link libraries');
  if (loader && loader.domid === 0)
    fail('EINVAL', 'Domain-0 is the toolstack, not a loader: name the pVM that asks for the library');
  if (loader) hv.requireActive(loader, 'load libraries');
  const plan = planLink(dl, targetOf(dl, d), [req], loader && loader.domid !== d.domid ? loader : null);
  if (plan.steps.length === 0 && plan.promote.length === 0)
    fail('EEXIST', `${d.name} already links ${req.name} ${dl.find(d, req.name)!.version}`);
  planFrames(hv, plan);
  applyPlan(hv, dl, d, plan);
  return { plan, latencyUs: planCost(hv.cost, plan) };
}

export interface UnlinkResult {
  removed: string[];
  latencyUs: number;
}

/** `unlink <pvm> <lib>`: the library and the dependencies nothing else needs any more. */
export function unlink(hv: Hypervisor, dl: DlSubsystem, d: Domain, name: string): UnlinkResult {
  if (d.domid === 0) fail('EINVAL', 'Domain-0 links no libraries');
  if (d.shutdown) fail('ESRCH', `${d.name} has exited and links nothing`);
  const l = dl.require(d, name);
  const users = dl.dependentsOf(d, name);
  if (users.length > 0)
    fail(
      'EBUSY',
      `${users.map((u) => u.key).join(', ')} in ${d.name} need${users.length === 1 ? 's' : ''} ${l.key} (unlink ${users[0]!.name} first)`,
    );
  requireQuiescent(hv, dl, d, [l]);
  const removed = [l];
  // Dependencies pulled in for it alone go too (as a package manager's autoremove).
  for (let changed = true; changed;) {
    changed = false;
    for (const x of dl.libsOf(d)) {
      if (x.explicit || removed.includes(x)) continue;
      const needers = dl.dependentsOf(d, x.name).filter((u) => !removed.includes(u));
      if (needers.length === 0) {
        removed.push(x);
        changed = true;
      }
    }
  }
  requireQuiescent(hv, dl, d, removed);
  let latencyUs = hv.cost.us('hypercall');
  for (const x of removed) {
    const m = dl.manifestOf(x);
    latencyUs += hv.cost.us('page_free', textPages(m) + dataPages(m));
    dl.detach(d, x.name);
    hv.emit('unlinked', d, `${d.name} unlinked ${x.key}`);
  }
  return { removed: removed.map((x) => x.key), latencyUs };
}

// ---- quiescence: the scheduler says whether a vCPU is inside a library ------------------------------

/** Until when (ns) a vCPU of `d` is inside the linked library `key` ("libm@1.16"), or null when quiescent. */
export function busyUntil(dl: DlSubsystem, d: Domain, key: string): number | null {
  return dl.busy.libraryBusy(d, key)?.untilNs ?? null;
}

function requireQuiescent(hv: Hypervisor, dl: DlSubsystem, d: Domain, libs: Linked[]): void {
  for (const l of libs) {
    const until = busyUntil(dl, d, l.key);
    if (until !== null && until > hv.nowNs)
      fail(
        'EBUSY',
        `a vCPU of ${d.name} is inside ${l.key} (until ${((until - hv.nowNs) / 1e6).toFixed(3)} ms from now); try again after run`,
      );
  }
}

// ---- calls and lazy binding --------------------------------------------------------------------------

export interface CallResult {
  lib: string;
  version: string;
  fn: string;
  slot: number;
  /** The slot was unbound: this call resolved it (lazy binding). */
  resolved: boolean;
  /** Variable changed or read by the call, with its value after the call. */
  variable: { name: string; value: number } | null;
  latencyUs: number;
}

/** `call <pvm> <lib>.<fn> [arg]`: through the GOT; the first call of a function binds its slot. */
export function call(
  hv: Hypervisor,
  dl: DlSubsystem,
  d: Domain,
  libName: string,
  fn: string,
  arg: string | undefined,
): CallResult {
  hv.requireActive(d, 'call a library');
  const l = dl.require(d, libName);
  const m = dl.manifestOf(l);
  const slot = m.functions.findIndex((f) => f.name === fn);
  if (slot < 0) {
    const near = suggest(
      fn,
      m.functions.map((f) => f.name),
    );
    fail('ENOENT', `${l.key} has no function '${fn}'${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  const f = m.functions[slot]!;
  let variable: CallResult['variable'] = null;
  let writeVar = -1;
  if (f.reads) {
    if (arg === undefined)
      fail(
        'EINVAL',
        `${fn} reads a variable: name it (e.g. call ${d.name} ${libName}.${fn} ${m.variables[0]?.name ?? 'name'})`,
      );
    const vi = m.variables.findIndex((v) => v.name === arg);
    if (vi < 0) {
      const near = suggest(
        arg,
        m.variables.map((v) => v.name),
      );
      fail('ENOENT', `${l.key} has no variable '${arg}'${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    variable = { name: arg, value: l.vars[vi]! };
  } else if (arg !== undefined && !/^-?[0-9]+(\.[0-9]+)?$/.test(arg)) {
    fail('EINVAL', `the argument of ${fn} must be a number, not '${arg}'`);
  }
  if (f.counts) writeVar = m.variables.findIndex((v) => v.name === f.counts);
  const data = region(d, dataRegionName(l.name))!;
  if (writeVar >= 0 && hv.mem.framesNeeded(data, variablePage(writeVar), 1) > hv.frames.free)
    fail('ENOMEM', 'no free frame for the copy-on-write of the library data');
  const resolved = l.got[slot] === 0;
  if (resolved || writeVar >= 0) dl.own(l);
  if (resolved) l.got[slot] = 1;
  if (writeVar >= 0) {
    l.vars[writeVar]!++;
    if (hv.mem.write(data, variablePage(writeVar)) === 'copied')
      hv.emit('cow', d, `${d.name}: 1 copy-on-write break in ${data.name}`);
    variable = { name: f.counts!, value: l.vars[writeVar]! };
  }
  return {
    lib: l.name,
    version: l.version,
    fn,
    slot,
    resolved,
    variable,
    latencyUs: hv.cost.us('plt_call') + (resolved ? hv.cost.us('symbol_resolve') : 0),
  };
}
