// The library subsystem ('dl'): what is loaded on the host and what each pVM links.
//
// A library's text is loaded once per host into a master region held by dom0 (heldRegions), and every
// pVM linking that version maps the master's frames read-only (`lib:<name>`): N appliances cost one
// copy of the text. Its data is private per pVM (`lib:<name>.data`, copy-on-write across fork). Each
// pVM also has, per library, its .got.plt (one slot per function; 1 = bound) and the live values of
// the library's variables. Fork shares both arrays and copies them on the first write, as the pages.
//
// Linking, calls, updates and recycling are in linker.ts, update.ts and recycle.ts; this file keeps
// the bookkeeping, the invariants, snapshots and the hooks the hypervisor calls.

import type { Domain } from '../domain.js';
import { region } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor, Subsystem } from '../hypervisor.js';
import type { LibraryBusyView, LinkedLibraries } from '../ports.js';
import type { ImageConfig } from '../image.js';
import type { Region, RegionSnapshot } from '../mm/p2m.js';
import { canonical, libKey, LibraryEntry, Manifest, textPages, dataPages, validateManifest } from './manifest.js';
import { LibraryStore } from './store.js';
import { parseNeed, satisfies } from './version.js';
import { arrShape, bool, exists, nat, natList, numList, Rec, shape, str } from '../validate.js';

/** A library's text as loaded on the host, and how many pVMs map it. */
export interface Master {
  key: string;
  manifest: Manifest;
  text: Region;
  users: number;
}

/** One library linked into one pVM. */
export interface Linked {
  key: string;
  name: string;
  version: string;
  /** Linked by request (command or image), not only pulled in as a dependency. */
  explicit: boolean;
  /** .got.plt: one slot per function of the linked version; 1 once bound. */
  got: Uint8Array;
  /** Live values of the library's variables, in manifest order. */
  vars: Float64Array;
  /** got and vars belong to this pVM alone; false after fork until the first write copies them. */
  own: boolean;
}

export function textRegionName(lib: string): string {
  return `lib:${lib}`;
}

export function dataRegionName(lib: string): string {
  return `lib:${lib}.data`;
}

interface DlSnapshot {
  store: LibraryEntry[];
  masters: { key: string; manifest: Manifest; text: RegionSnapshot; users: number }[];
  pvms: { domid: number; libs: { key: string; explicit: boolean; bound: number[]; vars: number[] }[] }[];
}

/** What linking an image's libraries at create does (linker.ts; handed in so this file does not import it). */
export interface CreateLinking {
  prepare(image: ImageConfig, framesLeft: number): void;
  create(d: Domain): number;
}

export interface DlOptions {
  /** The store read from images/lib now; without one, the store comes from a loaded state (or is empty). */
  store?: LibraryStore | undefined;
  /** The scheduler's answer to "is a vCPU inside this library?" (newEngine wires it). */
  busy: LibraryBusyView;
  /** The create hooks' link plan (prepareCreate / onCreate). */
  linking: CreateLinking;
}

export class DlSubsystem implements Subsystem, LinkedLibraries {
  readonly name = 'dl';
  store: LibraryStore;
  readonly masters = new Map<string, Master>();
  readonly linked = new Map<number, Linked[]>();
  readonly busy: LibraryBusyView;
  private readonly linking: CreateLinking;

  constructor(
    private readonly hv: Hypervisor,
    opts: DlOptions,
  ) {
    this.store = opts.store ?? new LibraryStore();
    // A store handed over at construction (read from disk now) wins over one in a loaded state.
    this.storeFromDisk = opts.store !== undefined;
    this.busy = opts.busy;
    this.linking = opts.linking;
  }

  private readonly storeFromDisk: boolean;

  // ---- queries ---------------------------------------------------------------------------------------

  libsOf(d: Domain): Linked[] {
    return this.linked.get(d.domid) ?? [];
  }

  find(d: Domain, name: string): Linked | undefined {
    return this.libsOf(d).find((l) => l.name === name);
  }

  /** The linked library or ENOENT naming what the pVM does link. */
  require(d: Domain, name: string): Linked {
    const l = this.find(d, name);
    if (l) return l;
    const have = this.libsOf(d).map((x) => x.name);
    fail(
      'ENOENT',
      `${d.name} does not link ${name} (${have.length ? `it links ${have.join(', ')}` : 'it links no libraries'}; link ${d.name} ${name} first)`,
    );
  }

  manifestOf(l: Linked): Manifest {
    return this.masters.get(l.key)!.manifest;
  }

  /** For the scheduler: the libraries a pVM links ("libm@1.16"). */
  linkedLibraries(d: Domain): string[] {
    return this.libsOf(d).map((l) => l.key);
  }

  /** pVMs mapping a loaded library, by domid. */
  usersOf(key: string): Domain[] {
    const out: Domain[] = [];
    for (const [domid, libs] of this.linked) if (libs.some((l) => l.key === key)) out.push(this.hv.domains.get(domid)!);
    return out.sort((a, b) => a.domid - b.domid);
  }

  /** Linked libraries of `d` whose needs name `lib`. */
  dependentsOf(d: Domain, lib: string): Linked[] {
    return this.libsOf(d).filter((l) => this.manifestOf(l).needs.some((n) => parseNeed(n, l.key).lib === lib));
  }

  // ---- bookkeeping (callers validated first) ---------------------------------------------------------

  /** The host's one copy of a library's text: loaded on first use, counted per user. */
  private takeMaster(entry: LibraryEntry): { master: Master; loaded: boolean } {
    const m = entry.manifest;
    const key = libKey(m.name, m.version);
    let master = this.masters.get(key);
    const loaded = !master;
    if (!master) {
      master = {
        key,
        manifest: m,
        text: this.hv.mem.populate(`${textRegionName(m.name)}@${m.version}`, 'ro', textPages(m)),
        users: 0,
      };
      this.masters.set(key, master);
    }
    master.users++;
    return { master, loaded };
  }

  /** Map a library into `d`: load its text on the host if nobody has, share it, populate private data. */
  attach(d: Domain, entry: LibraryEntry, explicit: boolean): { loaded: boolean } {
    const m = entry.manifest;
    const { master, loaded } = this.takeMaster(entry);
    d.regions.push(this.hv.mem.share(master.text, 'ro', textRegionName(m.name)));
    d.regions.push(this.hv.mem.populate(dataRegionName(m.name), 'cow', dataPages(m)));
    const libs = this.linked.get(d.domid) ?? [];
    libs.push({
      key: master.key,
      name: m.name,
      version: m.version,
      explicit,
      got: new Uint8Array(m.functions.length),
      vars: Float64Array.from(m.variables.map((v) => v.init)),
      own: true,
    });
    this.linked.set(d.domid, libs);
    return { loaded };
  }

  /** Unmap a library from `d`; the master goes when its last user does. */
  detach(d: Domain, name: string): void {
    const libs = this.libsOf(d);
    const l = libs.find((x) => x.name === name)!;
    for (const rn of [textRegionName(name), dataRegionName(name)]) {
      const r = region(d, rn)!;
      this.hv.mem.release(r);
      d.regions = d.regions.filter((x) => x !== r);
    }
    this.linked.set(
      d.domid,
      libs.filter((x) => x !== l),
    );
    if (this.linked.get(d.domid)!.length === 0) this.linked.delete(d.domid);
    this.dropUser(l.key);
  }

  /**
   * Replace a linked library by another version in place (the update path): load and share the new
   * text, populate new data, carry the variables over by name, release the old mapping. The new GOT
   * has every slot unbound; the caller binds what it resolves eagerly.
   */
  replace(d: Domain, old: Linked, entry: LibraryEntry): { linked: Linked; loaded: boolean } {
    const m = entry.manifest;
    const { master, loaded } = this.takeMaster(entry);
    const oldM = this.manifestOf(old);
    const vars = Float64Array.from(m.variables.map((v) => v.init));
    m.variables.forEach((v, i) => {
      const j = oldM.variables.findIndex((o) => o.name === v.name);
      if (j >= 0) vars[i] = old.vars[j]!;
    });
    const text = this.hv.mem.share(master.text, 'ro', textRegionName(m.name));
    const data = this.hv.mem.populate(dataRegionName(m.name), 'cow', dataPages(m));
    d.regions = d.regions.map((r) => {
      if (r.name === textRegionName(old.name)) return (this.hv.mem.release(r), text);
      if (r.name === dataRegionName(old.name)) return (this.hv.mem.release(r), data);
      return r;
    });
    const linked: Linked = {
      key: master.key,
      name: m.name,
      version: m.version,
      explicit: old.explicit,
      got: new Uint8Array(m.functions.length),
      vars,
      own: true,
    };
    this.linked.set(
      d.domid,
      this.libsOf(d).map((x) => (x === old ? linked : x)),
    );
    this.dropUser(old.key);
    return { linked, loaded };
  }

  private dropUser(key: string): void {
    const master = this.masters.get(key)!;
    if (--master.users > 0) return;
    this.hv.mem.release(master.text);
    this.masters.delete(key);
  }

  /** Before writing a pVM's GOT or variables: make them its own if fork left them shared. */
  own(l: Linked): void {
    if (l.own) return;
    l.got = l.got.slice();
    l.vars = l.vars.slice();
    l.own = true;
  }

  // ---- Subsystem hooks -------------------------------------------------------------------------------

  heldRegions(): Iterable<Region> {
    return [...this.masters.values()].map((m) => m.text);
  }

  prepareCreate(image: ImageConfig, framesLeft: number): void {
    this.linking.prepare(image, framesLeft);
  }

  onCreate(d: Domain): number {
    return this.linking.create(d);
  }

  onFork(parent: Domain, child: Domain): void {
    const libs = this.libsOf(parent);
    if (libs.length === 0) return;
    for (const l of libs) {
      l.own = false;
      this.masters.get(l.key)!.users++;
    }
    this.linked.set(
      child.domid,
      libs.map((l) => ({ ...l })),
    );
  }

  onExit(d: Domain): void {
    for (const l of this.libsOf(d)) this.dropUser(l.key);
    this.linked.delete(d.domid);
  }

  // ---- invariants and snapshots ----------------------------------------------------------------------

  check(): string[] {
    const p: string[] = [];
    const users = new Map<string, number>();
    for (const [domid, libs] of this.linked) {
      const d = this.hv.domains.get(domid);
      if (!d) {
        p.push(`domid ${domid} links libraries but does not exist`);
        continue;
      }
      if (d.shutdown) p.push(`zombie ${d.name} still links libraries`);
      for (const l of libs) {
        users.set(l.key, (users.get(l.key) ?? 0) + 1);
        const master = this.masters.get(l.key);
        if (!master) {
          p.push(`${d.name} links ${l.key}, which is not loaded`);
          continue;
        }
        const m = master.manifest;
        if (l.got.length !== m.functions.length)
          p.push(`${d.name}: ${l.key} has ${l.got.length} GOT slots for ${m.functions.length} functions`);
        if (l.vars.length !== m.variables.length)
          p.push(`${d.name}: ${l.key} has ${l.vars.length} variable values for ${m.variables.length} variables`);
        const text = region(d, textRegionName(l.name));
        const data = region(d, dataRegionName(l.name));
        if (!text || text.kind !== 'ro' || text.pages !== textPages(m))
          p.push(`${d.name}: ${l.key} text region missing or of the wrong size`);
        else if (!this.hv.mem.mapsOrHoles(text, master.text))
          p.push(`${d.name}: ${l.key} text does not map the host's one copy`);
        if (!data || data.kind !== 'cow' || data.pages !== dataPages(m))
          p.push(`${d.name}: ${l.key} data region missing or of the wrong size`);
        for (const n of m.needs) {
          const need = parseNeed(n, l.key);
          const dep = libs.find((x) => x.name === need.lib);
          if (!dep || !satisfies(dep.version, need.range)) p.push(`${d.name}: ${l.key} needs ${n}, not linked`);
        }
      }
      if (new Set(libs.map((l) => l.name)).size !== libs.length) p.push(`${d.name} links a library twice`);
    }
    for (const [key, master] of this.masters) {
      if (master.users !== (users.get(key) ?? 0))
        p.push(`${key} counts ${master.users} users, ${users.get(key) ?? 0} pVMs link it`);
      if (master.users === 0) p.push(`${key} is loaded with no users`);
    }
    for (const key of users.keys()) if (!this.masters.has(key)) p.push(`${key} is linked but not loaded`);
    return p;
  }

  /**
   * A loaded library in a state must be the one the store (read and verified from disk now) holds,
   * so a hand-edited state cannot bring in symbols, sizes or versions no signature covers (§3.3.4's
   * faked symbol-table entries). A store that came from the state itself is that state's own word.
   */
  private requireVerified(key: string, manifest: Manifest): void {
    if (key !== libKey(manifest.name, manifest.version))
      fail('EINVAL', `state: loaded library ${key} holds the manifest of ${libKey(manifest.name, manifest.version)}`);
    const e = this.store.versions(manifest.name).find((x) => x.manifest.version === manifest.version);
    if (!e) fail('EINVAL', `state: ${key} is loaded, but the library store has no ${key}`);
    if (canonical(e.manifest) !== canonical(manifest))
      fail('EINVAL', `state: loaded ${key} differs from ${e.file}; a state may hold only what a signature covers`);
    if (e.verdict.status !== 'valid')
      fail('EINVAL', `state: ${key} is loaded, but ${e.file} does not verify now (${e.verdict.detail})`);
  }

  /**
   * What save() says, for the fuzzer's state fingerprint, without the store: no command changes the
   * store (it is read from disk or restored whole), so its size stands for it, and the masters'
   * manifests are named by their key.
   */
  fingerprint(): string {
    const masters = [...this.masters.values()].map((m) => [m.key, m.users, Array.from(m.text.p2m)]);
    return JSON.stringify({ store: this.store.size, masters, pvms: this.save().pvms });
  }

  save(): DlSnapshot {
    return {
      store: this.store.save(),
      masters: [...this.masters.values()].map((m) => ({
        key: m.key,
        manifest: m.manifest,
        text: this.hv.mem.saveRegion(m.text),
        users: m.users,
      })),
      pvms: [...this.linked.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([domid, libs]) => ({
          domid,
          libs: libs.map((l) => ({
            key: l.key,
            explicit: l.explicit,
            bound: [...l.got.keys()].filter((i) => l.got[i] === 1),
            vars: Array.from(l.vars),
          })),
        })),
    };
  }

  load(data: unknown): void {
    this.masters.clear();
    this.linked.clear();
    if (data === undefined) return;
    const s = checkDlShape(data, (domid) => this.hv.domains.has(domid));
    if (!this.storeFromDisk) this.store = LibraryStore.load(s.store);
    for (const m of s.masters) {
      const manifest = validateManifest(m.manifest, `state: ${m.key}`);
      if (this.storeFromDisk) this.requireVerified(m.key, manifest);
      this.masters.set(m.key, {
        key: m.key,
        manifest,
        text: this.hv.mem.loadRegion(m.text, `dl ${m.key}.text`),
        users: m.users,
      });
    }
    for (const p of s.pvms) {
      this.linked.set(
        p.domid,
        p.libs.map((l) => {
          const master = this.masters.get(l.key);
          if (!master) fail('EINVAL', `state: pVM ${p.domid} links ${l.key}, which is not loaded`);
          const got = new Uint8Array(master.manifest.functions.length);
          // A bound slot past the table or a variable count off the manifest would fail inside `call`.
          for (const i of l.bound)
            if (i >= got.length)
              fail('EINVAL', `state: pVM ${p.domid} binds function ${i} of ${l.key}, which has ${got.length}`);
          if (l.vars.length !== master.manifest.variables.length)
            fail(
              'EINVAL',
              `state: pVM ${p.domid} holds ${l.vars.length} variables of ${l.key}, which has ${master.manifest.variables.length}`,
            );
          for (const i of l.bound) got[i] = 1;
          return {
            key: l.key,
            name: master.manifest.name,
            version: master.manifest.version,
            explicit: l.explicit,
            got,
            vars: Float64Array.from(l.vars),
            own: true,
          };
        }),
      );
    }
  }
}

/** A saved library section with its records typed; the store, manifests and regions are checked by their loaders. */
interface CheckedDl {
  store: unknown;
  masters: { key: string; manifest: unknown; text: unknown; users: number }[];
  pvms: { domid: number; libs: { key: string; explicit: boolean; bound: number[]; vars: number[] }[] }[];
}

/** The library section of a saved state, read into typed records (EINVAL naming the field otherwise). */
function checkDlShape(data: unknown, isDomain: (domid: number) => boolean): CheckedDl {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail('EINVAL', "state: the library subsystem's part is malformed");
  const s: Rec = { ...data };
  if (!Array.isArray(s.masters) || !Array.isArray(s.pvms))
    fail('EINVAL', "state: the library subsystem's part is malformed");
  const masters = s.masters.map((v, i) => {
    const where = `dl.masters[${i}]`;
    const m = shape(v, where, { key: 'str', manifest: 'obj', text: 'obj', users: 'nat' });
    return { key: str(m, 'key', where), manifest: m.manifest, text: m.text, users: nat(m, 'users', where) };
  });
  const pvms = s.pvms.map((v, i) => {
    const where = `dl.pvms[${i}]`;
    const p = shape(v, where, { domid: 'nat', libs: 'arr' });
    const domid = nat(p, 'domid', where);
    exists(isDomain(domid), `${where}.domid`, `domain ${domid}`);
    const libs = arrShape(p, 'libs', where, { key: 'str', explicit: 'bool', bound: 'arr', vars: 'arr' }).map((l) => ({
      key: str(l, 'key', `${where}.libs`),
      explicit: bool(l, 'explicit', `${where}.libs`),
      bound: natList(l, 'bound', `${where}.libs`),
      vars: numList(l, 'vars', `${where}.libs`),
    }));
    return { domid, libs };
  });
  return { store: s.store, masters, pvms };
}
