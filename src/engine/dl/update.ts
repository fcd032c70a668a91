// Online library update (KylinX §3.3.2), the paper's update(domid, new_lib, old_lib):
//   check binary compatibility (every old function and variable present with the same signature or
//   type; additions allowed), the restrictions, dependents and frames — all before touching anything;
//   then, per pVM: (1) load the new library in dom0 and share it; wait until the old one is quiescent
//   (bounded, else EBUSY); (2) pause and reset the old .got.plt slots to their PLT stubs; (3) resolve
//   functions now (--eager) or on first call; (4) carry the variables' live values over, release the
//   old library, unpause. The pVM is never restarted: same domid, same uptime.
// The four stages' modeled times are Fig. 7's; cost.ts calibrates them on libm 1.16 -> 1.18.

import { type Domain, isHeld } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';
import { mapCost } from './linker.js';
import { busyUntil } from './linker.js';
import { libKey, LibraryEntry, Manifest, textPages, dataPages } from './manifest.js';
import { checkLibrary } from './restrictions.js';
import { DlSubsystem, Linked } from './subsystem.js';
import { parseNeed, satisfies } from './version.js';

/** How long an update waits for the old library to become quiescent before EBUSY (the model's bound). */
export const QUIESCE_BOUND_NS = 10_000_000;

export const STAGE_NAMES = ['load and share', 'reset .got.plt', 'resolve functions', 'resolve variables'] as const;

export interface Stage {
  stage: number;
  name: string;
  us: number;
}

export interface UpdateOne {
  d: Domain;
  from: string;
  to: string;
  stages: Stage[];
  /** Modeled wait for quiescence before the pause. */
  waitUs: number;
  totalUs: number;
  /** Text loaded on the host by this pVM's update (false: shared with an earlier one). */
  loaded: boolean;
  slotsReset: number;
  resolvedNow: number;
  variablesCarried: number;
}

/** Each missing or changed symbol of `old` in `neu`; empty when `neu` is a compatible superset. */
export function incompatibilities(old: Manifest, neu: Manifest): string[] {
  const out: string[] = [];
  for (const f of old.functions) {
    const g = neu.functions.find((x) => x.name === f.name);
    if (!g) out.push(`removed function ${f.name}`);
    else if (g.sig !== f.sig) out.push(`changed function ${f.name}: ${f.sig} -> ${g.sig}`);
  }
  for (const v of old.variables) {
    const w = neu.variables.find((x) => x.name === v.name);
    if (!w) out.push(`removed variable ${v.name}`);
    else if (w.type !== v.type) out.push(`changed variable ${v.name}: ${v.type} -> ${w.type}`);
  }
  return out;
}

/** One pVM's update, checked and ready to apply. */
interface Checked {
  d: Domain;
  old: Linked;
  entry: LibraryEntry;
  waitNs: number;
}

/** Validate updating `old` (linked in `d`) to `entry`: every check of the update, nothing changed. */
function checkOne(hv: Hypervisor, dl: DlSubsystem, d: Domain, old: Linked, entry: LibraryEntry): Checked {
  const neu = entry.manifest;
  const oldM = dl.manifestOf(old);
  if (d.shutdown) fail('ESRCH', `${d.name} has exited`);
  checkLibrary(entry, d.image, d, null);
  const bad = incompatibilities(oldM, neu);
  if (bad.length > 0) {
    fail(
      'EINVAL',
      `${neu.name} ${neu.version} is not binary-compatible with ${old.key} in ${d.name}: ${bad.join('; ')} (${old.key} stays linked)`,
    );
  }
  for (const u of dl.dependentsOf(d, old.name)) {
    if (u === old) continue;
    for (const n of dl.manifestOf(u).needs) {
      const need = parseNeed(n, u.key);
      if (need.lib === old.name && !satisfies(neu.version, need.range))
        fail('EINVAL', `${u.key} in ${d.name} needs ${n}, which ${neu.version} is not`);
    }
  }
  for (const n of neu.needs) {
    const need = parseNeed(n, entry.file);
    const dep = dl.find(d, need.lib);
    if (!dep || !satisfies(dep.version, need.range))
      fail(
        'EINVAL',
        `${neu.name} ${neu.version} needs ${n}, not linked in ${d.name} (link ${d.name} ${need.lib} first)`,
      );
  }
  const until = busyUntil(dl, d, old.key);
  const waitNs = until === null ? 0 : Math.max(0, until - hv.nowNs);
  if (waitNs > QUIESCE_BOUND_NS) {
    fail(
      'EBUSY',
      `${old.key} in ${d.name} is not quiescent: a vCPU is inside it for ${(waitNs / 1e6).toFixed(3)} ms more, past the ${QUIESCE_BOUND_NS / 1e6} ms bound (nothing changed; try again after run)`,
    );
  }
  return { d, old, entry, waitNs };
}

/** Apply one checked update; returns its stages. */
function applyOne(hv: Hypervisor, dl: DlSubsystem, c: Checked, eager: boolean): UpdateOne {
  const { d, old } = c;
  const oldM = dl.manifestOf(old);
  const neu = c.entry.manifest;
  const wasPaused = isHeld(d);
  const { linked, loaded } = dl.replace(d, old, c.entry);
  let resolvedNow = 0;
  if (eager) {
    for (const f of oldM.functions) linked.got[neu.functions.findIndex((g) => g.name === f.name)] = 1;
    resolvedNow = oldM.functions.length;
  }
  const stages: Stage[] = [
    mapCost(hv.cost, c.entry, loaded),
    (wasPaused ? 0 : hv.cost.us('pause')) + hv.cost.us('got_reset', oldM.functions.length),
    hv.cost.us('symbol_resolve', resolvedNow),
    hv.cost.us('var_copy', oldM.variables.length) +
      hv.cost.us('page_free', textPages(oldM) + dataPages(oldM)) +
      (wasPaused ? 0 : hv.cost.us('unpause')),
  ].map((t, i) => ({ stage: i + 1, name: STAGE_NAMES[i]!, us: Math.round(t * 10) / 10 }));
  const waitUs = hv.cost.waited('quiescence wait', c.waitNs / 1000);
  const totalUs = stages.reduce((s, x) => s + x.us, 0) + waitUs;
  hv.emit(
    'updated',
    d,
    `${d.name}: ${old.key} -> ${neu.version} online (${stages.map((s) => `${s.name} ${s.us} µs`).join(', ')}; ${eager ? 'all functions resolved' : 'functions resolve on first call'})`,
  );
  return {
    d,
    from: old.version,
    to: neu.version,
    stages,
    waitUs,
    totalUs,
    loaded,
    slotsReset: oldM.functions.length,
    resolvedNow,
    variablesCarried: oldM.variables.length,
  };
}

export interface UpdateRequest {
  lib: string;
  version: string;
  /** The version the caller expects to replace (`<lib>@<old>`), if given. */
  from?: string;
  eager: boolean;
}

/** update <pvm|all>: validate every target first, then update each; any refusal changes nothing. */
export function update(hv: Hypervisor, dl: DlSubsystem, targets: Domain[] | 'all', req: UpdateRequest): UpdateOne[] {
  const entry = dl.store.get(req.lib, req.version);
  const doms =
    targets === 'all'
      ? [...hv.pvms()]
          .filter((d) => dl.find(d, req.lib) && (!req.from || dl.find(d, req.lib)!.version === req.from))
          .sort((a, b) => a.domid - b.domid)
      : targets;
  if (doms.length === 0) fail('ENOENT', `no pVM links ${req.lib}${req.from ? ` ${req.from}` : ''}`);
  const checked: Checked[] = [];
  for (const d of doms) {
    if (d.domid === 0) fail('EINVAL', 'Domain-0 links no libraries');
    const old = dl.require(d, req.lib);
    if (req.from && old.version !== req.from) fail('EINVAL', `${d.name} links ${old.key}, not ${req.lib} ${req.from}`);
    if (old.version === req.version) fail('EINVAL', `${d.name} already links ${old.key}`);
    checked.push(checkOne(hv, dl, d, old, entry));
  }
  const key = libKey(req.lib, req.version);
  const frames = (dl.masters.has(key) ? 0 : textPages(entry.manifest)) + dataPages(entry.manifest) * checked.length;
  if (frames > hv.frames.free) fail('ENOMEM', `the update needs ${frames} frames, the host has ${hv.frames.free} free`);
  return checked.map((c) => applyOne(hv, dl, c, req.eager));
}

/** The update path with a different library (recycling: placeholder -> application); checked by the caller. */
export function replaceLibrary(
  hv: Hypervisor,
  dl: DlSubsystem,
  d: Domain,
  old: Linked,
  entry: LibraryEntry,
  eager: boolean,
): UpdateOne {
  return applyOne(hv, dl, checkOne(hv, dl, d, old, entry), eager);
}
