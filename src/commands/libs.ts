// Library commands: link, unlink, call, update, verify, libs; and create --recycle's handler.
// The engine does the work (src/engine/dl); this file parses arguments and words the results.

import type { Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import type { ImageConfig } from '../engine/image.js';
import { call, link, unlink } from '../engine/dl/linker.js';
import { libKey, textPages } from '../engine/dl/manifest.js';
import { recycle } from '../engine/dl/recycle.js';
import type { DlSubsystem, Linked } from '../engine/dl/subsystem.js';
import { update, UpdateOne } from '../engine/dl/update.js';
import { flag, maybe, one, option } from './args.js';
import { lib, libFunction, pvm, word, type Kind } from './kinds.js';
import { latency, left, plural, sizeKiB, table } from './format.js';
import { command, type AnyCommand, type Ctx, type Result } from './types.js';

/** "web, redis, dns" or "web, redis, … and 994 more". */
function names(ds: Domain[], max = 6): string {
  if (ds.length === 0) return '-';
  const shown = ds
    .slice(0, max)
    .map((d) => d.name)
    .join(', ');
  return ds.length > max ? `${shown}, … and ${ds.length - max} more` : shown;
}

function bound(l: Linked): number {
  let n = 0;
  for (const b of l.got) n += b;
  return n;
}

/** A pVM, or `all` (every pVM linking the library). */
const pvmOrAll: Kind<Domain | 'all'> = {
  kind: 'pvm',
  parse: (w, ctx) => (w === 'all' ? 'all' : ctx.hv.lookup(w)),
};

// ---- link, unlink --------------------------------------------------------------------------------

const linkCmd = command({
  name: 'link',
  family: 'libraries',
  summary: "Map a library and its whole dependency tree into a pVM's dynamic segment (text shared, data private)",
  args: { pvm: one(pvm), lib: one(lib(false), 'lib[@version]') },
  options: {
    loader: option(pvm, 'the pVM asking for the link (default: the pVM itself); the image’s lib_loader decides'),
  },
  help: 'Example: link web libssl (maps libssl, libcrypto and libz). Without a version: the newest the image allows. Functions bind on first call.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const dl = hv.dl;
    const d = a.pvm;
    const req = a.lib;
    const loader = o.loader ?? null;
    const r = link(hv, dl, d, req, loader);
    const steps = r.plan.steps.map((s) => {
      const m = s.entry.manifest;
      const sharers = dl.usersOf(libKey(m.name, m.version)).filter((x) => x !== d);
      return {
        lib: m.name,
        version: m.version,
        explicit: s.explicit,
        loaded: s.load,
        text_kib: m.text_kb,
        data_kib: m.data_kb,
        got_slots: m.functions.length,
        shared_with: sharers.map((x) => x.name),
      };
    });
    const lines = [
      `${d.name} (domid ${d.domid}) linked ${steps.map((s) => `${s.lib} ${s.version}`).join(', ') || 'nothing new'} in ${latency(r.latencyUs)} (modeled)${loader && loader !== d ? `, asked by ${loader.name}` : ''}:`,
    ];
    for (const s of steps) {
      const text = s.loaded
        ? `text ${sizeKiB(s.text_kib)} loaded on the host (first user)`
        : `text ${sizeKiB(s.text_kib)} shared with ${names(dl.usersOf(libKey(s.lib, s.version)).filter((x) => x !== d))}`;
      lines.push(
        `  ${left(`${s.lib} ${s.version}`, 18)} ${s.explicit ? '' : '(dependency) '}${text}; data ${sizeKiB(s.data_kib)} private; ${s.got_slots} GOT slots unbound (lazy binding)`,
      );
    }
    for (const p of r.plan.promote) lines.push(`  ${p} was linked as a dependency; now linked explicitly`);
    return {
      text: lines.join('\n'),
      data: { pvm: d.name, domid: d.domid, linked: steps, promoted: r.plan.promote },
      latencyUs: r.latencyUs,
    };
  },
});

const unlinkCmd = command({
  name: 'unlink',
  family: 'libraries',
  summary: 'Unmap a library (and dependencies nothing else needs) from a pVM',
  args: { pvm: one(pvm), lib: one(lib(false)) },
  run(ctx, a) {
    const hv = ctx.hv;
    const d = a.pvm;
    const { name } = a.lib;
    const r = unlink(hv, hv.dl, d, name);
    return {
      text: `${d.name} unlinked ${r.removed.join(', ')}${r.removed.length > 1 ? ' (dependencies nothing else needs)' : ''}`,
      data: { pvm: d.name, domid: d.domid, removed: r.removed },
      latencyUs: r.latencyUs,
    };
  },
});

// ---- call ------------------------------------------------------------------------------------------

const callCmd = command({
  name: 'call',
  family: 'libraries',
  summary: 'A pVM calls a library function through its GOT; the first call binds the slot (lazy binding)',
  args: { pvm: one(pvm), target: one(libFunction, 'lib.function'), arg: maybe(word) },
  help: 'Example: call web libm.sqrt; call web libm.read_global ncalls_sqrt (reads a library variable).',
  run(ctx, a) {
    const hv = ctx.hv;
    const d = a.pvm;
    const r = call(hv, hv.dl, d, a.target.lib, a.target.fn, a.arg);
    const bind = r.resolved
      ? `GOT slot ${r.slot} resolved now (first call: lazy binding)`
      : `GOT slot ${r.slot} already bound`;
    const v = r.variable ? `; ${r.variable.name} = ${r.variable.value}` : '';
    return {
      text: `${d.name}: ${r.lib}.${r.fn} ran ${r.lib} ${r.version}; ${bind}${v}`,
      data: {
        pvm: d.name,
        domid: d.domid,
        lib: r.lib,
        version: r.version,
        function: r.fn,
        slot: r.slot,
        resolved: r.resolved,
        variable: r.variable,
      },
      latencyUs: r.latencyUs,
    };
  },
});

// ---- update ------------------------------------------------------------------------------------------

function stageLines(u: UpdateOne): string[] {
  const lines = u.stages.map((s) => `  stage ${s.stage}  ${left(s.name, 18)} ${`${s.us.toFixed(1)} µs`.padStart(10)}`);
  if (u.waitUs > 0) lines.push(`  waited for quiescence ${latency(u.waitUs)}`);
  lines.push(`  total             ${' '.repeat(10)}${latency(u.totalUs).padStart(10)}`);
  return lines;
}

const updateCmd = command({
  name: 'update',
  family: 'libraries',
  summary:
    'Replace a linked library online (KylinX update): compatible check, quiescence, GOT reset, variables carried',
  usage: '<pvm|all> <lib>@<new> [<lib>@<old>] [--eager]',
  args: { pvm: one(pvmOrAll), new: one(lib(true)), old: maybe(lib(true)) },
  options: { eager: flag('resolve every function now (as Fig. 7) instead of on first call') },
  help: 'Example: update web libm@1.18 --eager. `all` updates every pVM linking the library. The pVM is paused, never restarted.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const dl = hv.dl;
    const neu = a.new;
    const old = a.old;
    if (old && old.name !== neu.name)
      fail('EINVAL', `update replaces a library by another version of it: ${neu.name} and ${old.name} differ`);
    const targets = a.pvm === 'all' ? 'all' : [a.pvm];
    const eager = o.eager;
    const done = update(hv, dl, targets, { lib: neu.name, version: neu.version!, from: old?.version, eager });
    const lines: string[] = [];
    for (const u of done) {
      lines.push(`${u.d.name} (domid ${u.d.domid}): ${neu.name} ${u.from} -> ${u.to} online, not restarted:`);
      lines.push(...stageLines(u));
      lines.push(
        `  ${plural(u.slotsReset, 'GOT slot')} reset, ${u.resolvedNow} resolved now${eager ? ' (eager)' : ' (the rest bind on first call)'}; ${plural(u.variablesCarried, 'variable')} carried over; ${neu.name} ${u.from} released`,
      );
    }
    const stages = done[0]!.stages.map((s, i) => ({
      ...s,
      us: Math.round(done.reduce((t, u) => t + u.stages[i]!.us, 0) * 10) / 10,
    }));
    const totalUs = done.reduce((t, u) => t + u.totalUs, 0);
    if (done.length > 1) lines.push(`${plural(done.length, 'pVM')} updated in ${latency(totalUs)} (modeled)`);
    return {
      text: lines.join('\n'),
      data: {
        lib: neu.name,
        to: neu.version,
        eager,
        stages,
        total_us: Math.round(totalUs * 10) / 10,
        pvms: done.map((u) => ({
          name: u.d.name,
          domid: u.d.domid,
          from: u.from,
          to: u.to,
          stages: u.stages,
          wait_us: u.waitUs,
          total_us: Math.round(u.totalUs * 10) / 10,
          loaded: u.loaded,
          slots_reset: u.slotsReset,
          resolved_now: u.resolvedNow,
          variables_carried: u.variablesCarried,
        })),
      },
      latencyUs: totalUs,
      effect: {
        kind: 'animate',
        animation: {
          mechanism: 'update-stages',
          lib: neu.name,
          pvms: done.map((u) => ({ name: u.d.name, waitUs: u.waitUs, stages: u.stages })),
        },
      },
    };
  },
});

// ---- verify, libs ------------------------------------------------------------------------------------

const verifyCmd = command({
  name: 'verify',
  family: 'libraries',
  summary: "Check a library's detached signature against the trust store (fails unless it verifies)",
  args: { lib: one(lib(false), 'lib@version') },
  run(ctx, a) {
    const dl = ctx.hv.dl;
    const ref = a.lib;
    let version = ref.version;
    if (version === undefined) {
      const vs = dl.store.require(ref.name);
      if (vs.length > 1)
        fail(
          'EINVAL',
          `${ref.name} has ${vs.length} versions (${vs.map((v) => v.manifest.version).join(', ')}): name one, e.g. verify ${ref.name}@${vs[0]!.manifest.version}`,
        );
      version = vs[0]!.manifest.version;
    }
    const e = dl.store.get(ref.name, version);
    const m = e.manifest;
    const v = e.verdict;
    if (v.status !== 'valid') fail('EPERM', `${m.name} ${m.version} (${e.file}): ${v.status}: ${v.detail}`);
    return {
      text: [
        `${m.name} ${m.version} (${e.file}): signature valid — ${v.detail}`,
        `  sha256 ${v.sha256} (canonical manifest)`,
        `  ${m.soname}: text ${sizeKiB(m.text_kb)}, data ${sizeKiB(m.data_kb)}; ${plural(m.functions.length, 'function')}, ${plural(m.variables.length, 'variable')}; needs ${m.needs.join(', ') || 'nothing'}`,
      ].join('\n'),
      data: {
        lib: m.name,
        version: m.version,
        file: e.file,
        signer: m.signer,
        status: v.status,
        algorithm: v.algorithm,
        sha256: v.sha256,
        functions: m.functions.length,
        variables: m.variables.length,
        needs: m.needs,
      },
    };
  },
});

/** One pVM's libraries, for `libs <pvm>` and for the console's panel (the JSON shape). */
export function pvmLibraries(dl: DlSubsystem, d: Domain) {
  return dl.libsOf(d).map((l) => {
    const m = dl.manifestOf(l);
    return {
      lib: l.name,
      version: l.version,
      explicit: l.explicit,
      needs: m.needs,
      text_kib: m.text_kb,
      data_kib: m.data_kb,
      shared_with: dl
        .usersOf(l.key)
        .filter((x) => x !== d)
        .map((x) => ({ name: x.name, domid: x.domid })),
      got_slots: l.got.length,
      got_bound: bound(l),
    };
  });
}

/** Every pVM's libraries in brief (who shares them is in `loaded`): O(pVMs), for `libs` and the console. */
function allPvmLibraries(hv: Engine, dl: DlSubsystem) {
  return [...dl.linked.keys()]
    .sort((a, b) => a - b)
    .map((domid) => {
      const d = hv.domains.get(domid)!;
      return {
        name: d.name,
        domid,
        libraries: dl.libsOf(d).map((l) => ({
          lib: l.name,
          version: l.version,
          explicit: l.explicit,
          got_slots: l.got.length,
          got_bound: bound(l),
        })),
      };
    });
}

/** The host's loaded libraries and who shares them, for `libs` and the console. */
export function loadedLibraries(dl: DlSubsystem) {
  return [...dl.masters.values()]
    .sort((x, y) => x.key.localeCompare(y.key))
    .map((mt) => ({
      lib: mt.manifest.name,
      version: mt.manifest.version,
      soname: mt.manifest.soname,
      text_kib: mt.manifest.text_kb,
      data_kib_per_pvm: mt.manifest.data_kb,
      text_frames: textPages(mt.manifest),
      users: dl.usersOf(mt.key).map((x) => ({ name: x.name, domid: x.domid })),
      /** Frames the users would hold with a copy of the text each, minus the one shared copy. */
      saved_frames: textPages(mt.manifest) * Math.max(0, mt.users - 1),
    }));
}

function libsOfPvm(dl: DlSubsystem, d: Domain): Result {
  if (d.domid === 0) fail('EINVAL', 'Domain-0 links no libraries (libs without a pVM shows the host)');
  const rows = pvmLibraries(dl, d);
  const cells: (string | number)[][] = [['Library', 'Version', 'Linked', 'Text', 'Shared with', 'Data', 'GOT bound']];
  for (const r of rows)
    cells.push([
      r.lib,
      r.version,
      r.explicit ? 'explicit' : 'dependency',
      sizeKiB(r.text_kib),
      names(
        dl.usersOf(libKey(r.lib, r.version)).filter((x) => x !== d),
        4,
      ),
      sizeKiB(r.data_kib),
      `${r.got_bound}/${r.got_slots}`,
    ]);
  const text =
    rows.length === 0
      ? `${d.name} (domid ${d.domid}) links no libraries`
      : `${d.name} (domid ${d.domid}) links ${plural(rows.length, 'library', 'libraries')}:\n${table(cells)}`;
  return { text, data: { name: d.name, domid: d.domid, libraries: rows } };
}

const libsCmd = command({
  name: 'libs',
  family: 'inspect',
  summary: 'Libraries: loaded on the host and who shares them, or what one pVM links (versions, GOT slots bound)',
  args: { pvm: maybe(pvm) },
  run(ctx, a) {
    const hv = ctx.hv;
    const dl = hv.dl;
    if (a.pvm !== undefined) return libsOfPvm(dl, a.pvm);
    const loaded = loadedLibraries(dl);
    const cells: (string | number)[][] = [['Library', 'Version', 'Text', 'Data/pVM', 'pVMs', 'Shared by']];
    for (const l of loaded)
      cells.push([
        l.lib,
        l.version,
        sizeKiB(l.text_kib),
        sizeKiB(l.data_kib_per_pvm),
        l.users.length,
        names(l.users.map((u) => hv.domains.get(u.domid)!)),
      ]);
    const store = dl.store.all().map((e) => ({
      lib: e.manifest.name,
      version: e.manifest.version,
      file: e.file,
      signer: e.manifest.signer,
      signature: e.verdict.status,
      needs: e.manifest.needs,
    }));
    const byName = new Map<string, string[]>();
    for (const s of store)
      byName.set(s.lib, [
        ...(byName.get(s.lib) ?? []),
        s.signature === 'valid' ? s.version : `${s.version} (${s.signature})`,
      ]);
    const saved = loaded.reduce((t, l) => t + l.saved_frames, 0);
    const text = [
      loaded.length === 0
        ? 'no library is loaded on this host'
        : `loaded on the host (text once, shared read-only by every pVM linking it):\n${table(cells)}`,
      `sharing library text saves ${sizeKiB(saved * 4)}`,
      `store: ${[...byName].map(([n, vs]) => `${n} ${vs.join(', ')}`).join('; ') || 'empty'}`,
    ].join('\n');
    return { text, data: { loaded, pvms: allPvmLibraries(hv, dl), store, saved_kib: saved * 4 } };
  },
});

// ---- create --recycle ------------------------------------------------------------------------------

/** create <image> --recycle: the checkpointed empty domain, the application linked through the update path. */
export function createRecycled(ctx: Ctx, image: ImageConfig, pvmName: string | undefined): Result {
  const empty = ctx.images.get('empty');
  if (!empty) fail('ENOENT', "recycling restores the checkpointed 'empty' image, which is not in the images directory");
  const hv = ctx.hv;
  const r = recycle(hv, hv.dl, image, empty, pvmName);
  const d = r.domain;
  return {
    text: [
      `created ${d.name} (domid ${d.domid}) from ${image.name} by recycling: modeled boot ${latency(r.latencyUs)}`,
      `  restored the checkpointed empty domain and its libraries: ${latency(r.restoreUs)}`,
      `  linked ${r.appLibrary} in place of the placeholder through the update path: ${latency(r.update.totalUs)} (${r.update.stages.map((s) => `${s.name} ${latency(s.us)}`).join(', ')})`,
    ].join('\n'),
    data: {
      name: d.name,
      domid: d.domid,
      image: image.name,
      mem_mib: image.memory,
      recycled: true,
      app_library: r.appLibrary,
      restore_us: r.restoreUs,
      stages: r.update.stages,
      latency_us: r.latencyUs,
    },
    latencyUs: r.latencyUs,
  };
}

export const LIBRARIES: AnyCommand[] = [linkCmd, unlinkCmd, callCmd, updateCmd, verifyCmd, libsCmd];

/** Every library name and name@version in the store, for completion. */
export function libraryCandidates(hv: Engine): string[] {
  const all = hv.dl.store.all();
  return [...new Set(all.map((e) => e.manifest.name)), ...all.map((e) => libKey(e.manifest.name, e.manifest.version))];
}
