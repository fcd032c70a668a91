// The 'xs' subsystem: XenStore on a host whose toolstack is "xs". Domain creation (create, and a fork's
// child, which is a new domain too) runs what xl, the backends, xenconsoled and the guest do in the store
// (toolstack.ts) and costs what xenstored does for it (store.ts), priced by xs_op and xs_visit: the cost
// of a boot follows what the store holds and how many watches it walks, so boots get slower as domains
// accumulate (Fig. 5) with no term fitted to the curve. Under "noxs" (LightVM) there is no XenStore:
// nothing is written and nothing is charged. A domain restored from a checkpoint (recycling) brings its
// entries with it; they are written uncharged (KylinX §3.3.3: recycling bypasses domain creation).

import { DOM0, type Domain } from '../domain.js';
import { fail } from '../errors.js';
import { hashInts } from '../hash.js';
import type { DomainOrigin, Hypervisor, Subsystem } from '../hypervisor.js';
import { arr, nat, record, str } from '../validate.js';
import { checkPath, parentOf, type XsPerm, XsStore } from './store.js';
import { bootDom0, createDomain, destroyDomain, domainPath, guestConn, type XsDomain } from './toolstack.js';

export const XS = 'xs';

interface XsSnapshot {
  nodes: [string, string, string][];
  conns: { id: string; domid: number; watches: [string, string][] }[];
  uuids: [number, string][];
}

/** A permission list as xenstore-ls -p prints it: n0,r5. */
export function permText(perms: readonly XsPerm[]): string {
  return perms.map((p) => `${p.perm}${p.domid}`).join(',');
}

function parsePerms(t: string, where: string): XsPerm[] {
  return t.split(',').map((x) => {
    const m = /^([nrwb])([0-9]+)$/.exec(x);
    if (!m) fail('EINVAL', `state: ${where} has a bad permission '${x}'`);
    return { perm: m[1] as XsPerm['perm'], domid: Number(m[2]) };
  });
}

export class XenStore implements Subsystem {
  readonly name = XS;
  store = new XsStore();
  /** Each domain's /vm/<uuid>, by domid (libxl makes the uuid; the model derives it from the seed). */
  readonly uuids = new Map<number, string>();

  constructor(private readonly hv: Hypervisor) {
    if (this.on) bootDom0(this.store);
  }

  /** This host runs XenStore (toolstack = "xs"). */
  get on(): boolean {
    return this.hv.host.toolstack === 'xs';
  }

  /** The store, or why there is none (a noxs host). */
  require(what: string): XsStore {
    if (!this.on)
      fail(
        'ENOENT',
        `${what}: this host's toolstack is "noxs" (LightVM): there is no XenStore (toolstack = "xs" in the host file has one)`,
      );
    return this.store;
  }

  // ---- hooks ---------------------------------------------------------------------------------------

  /** A new domain (created, a fork's child, restored): its entries, and what writing them cost. */
  onBuilt(d: Domain, how: DomainOrigin): number {
    if (!this.on) return 0;
    const uuid = this.uuidOf(d.domid);
    this.uuids.set(d.domid, uuid);
    const live = this.hv.liveCount;
    const write = (): number => {
      createDomain(this.store, this.domainInfo(d, uuid), live);
      return this.charge();
    };
    return how === 'restore' ? (this.hv.cost.background(write), 0) : write();
  }

  onRemove(d: Domain): void {
    const uuid = this.uuids.get(d.domid);
    if (!this.on || uuid === undefined) return;
    // Teardown by the toolstack: not part of a command's latency.
    this.hv.cost.background(() => {
      destroyDomain(this.store, d.domid, uuid);
      this.charge();
    });
    this.uuids.delete(d.domid);
  }

  /**
   * Nephele's xencloned: the parent's entries cloned for the child, node by node with the child's domid
   * (the domain's directories, its devices' frontends and backends, its /vm and /libxl records), priced
   * per node (xencloned_node). Returns the modeled µs; nothing on a noxs host (no entries to clone).
   */
  cloneDomain(parent: Domain, child: Domain): number {
    const from = this.uuids.get(parent.domid);
    if (!this.on || from === undefined) return 0;
    const uuid = this.uuidOf(child.domid);
    this.uuids.set(child.domid, uuid);
    const P = parent.domid;
    const C = child.domid;
    const roots: [string, string][] = [
      [domainPath(P), domainPath(C)],
      [`/vm/${from}`, `/vm/${uuid}`],
      [`/libxl/${P}`, `/libxl/${C}`],
      ...['vif', 'console'].map((k): [string, string] => [
        `/local/domain/0/backend/${k}/${P}`,
        `/local/domain/0/backend/${k}/${C}`,
      ]),
    ];
    const swap = (v: string): string =>
      v.replaceAll(`/local/domain/${P}/`, `/local/domain/${C}/`).replaceAll(`/${P}/`, `/${C}/`).replaceAll(from, uuid);
    let nodes = 0;
    for (const [src, dst] of roots) {
      for (const [path, n] of [...this.store.nodes]) {
        if (path !== src && !path.startsWith(`${src}/`)) continue;
        const to = dst + path.slice(src.length);
        // The name is the clone's; a domid (the domain's own, a frontend's) becomes the clone's.
        const key = path.slice(path.lastIndexOf('/') + 1);
        const isDomid = (key === 'domid' || key.endsWith('-id')) && n.value === String(P);
        this.store.write(to, path === `${domainPath(P)}/name` ? child.name : isDomid ? String(C) : swap(n.value));
        this.store.setPerms(
          to,
          n.perms.map((x) => ({ perm: x.perm, domid: x.domid === P ? C : x.domid })),
        );
        nodes++;
      }
    }
    this.store.introduce(guestConn(C), C);
    this.store.takeWork();
    return this.hv.cost.us('xencloned_node', nodes);
  }

  /** xenstore-write by Domain-0: each pair a request (watches fire); returns the modeled µs. */
  writeAsDom0(pairs: [string, string][]): number {
    for (const [path, value] of pairs) this.store.write(path, value);
    return this.charge();
  }

  /** The work xenstored did since the last charge, priced: messages by xs_op, walked entries by xs_visit. */
  private charge(): number {
    const w = this.store.takeWork();
    return this.hv.cost.us('xs_op', w.requests + w.events) + this.hv.cost.us('xs_visit', w.visits);
  }

  private domainInfo(d: Domain, uuid: string): XsDomain {
    const h = hashInts([this.hv.host.seed, d.domid]);
    return {
      domid: d.domid,
      name: d.name,
      uuid,
      vcpus: d.vcpus,
      memKiB: d.memMiB * 1024,
      image: `/var/lib/kylinx/${d.image.name}.gz`,
      storeMfn: 0x100000 + (h & 0xfffff),
      consoleMfn: 0x200000 + (h & 0xfffff),
      mac: `00:16:3e:${[h >>> 16, h >>> 8, h].map((x) => (x & 0xff).toString(16).padStart(2, '0')).join(':')}`,
    };
  }

  private uuidOf(domid: number): string {
    const words = [1, 2, 3, 4].map((k) => hashInts([this.hv.host.seed, domid, k]).toString(16).padStart(8, '0'));
    const hex = words.join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  // ---- invariants and snapshots ------------------------------------------------------------------------

  check(): string[] {
    const p = this.store.check();
    if (!this.on) {
      if (this.store.nodes.size > 1) p.push('a noxs host has XenStore nodes');
      return p;
    }
    // Every domain the toolstack made (a VM fork is the hypervisor's alone: it has no entries).
    for (const [id, uuid] of this.uuids) {
      const d = this.hv.domains.get(id);
      if (!d || id === DOM0) p.push(`domid ${id} has a uuid but no domain`);
      else if (!this.store.nodes.has(domainPath(id))) p.push(`${d.name} has no ${domainPath(id)}`);
      else if (!this.store.nodes.has(`/vm/${uuid}`)) p.push(`${d.name} has no /vm/${uuid}`);
    }
    return p;
  }

  save(): XsSnapshot {
    const nodes: [string, string, string][] = [];
    const walk = (path: string): void => {
      const n = this.store.nodes.get(path)!;
      nodes.push([path, n.value, permText(n.perms)]);
      for (const c of n.children) walk(path === '/' ? `/${c}` : `${path}/${c}`);
    };
    walk('/');
    return {
      nodes,
      conns: [...this.store.conns.values()].map((c) => ({
        id: c.id,
        domid: c.domid,
        watches: c.watches.map((w): [string, string] => [w.path, w.token]),
      })),
      uuids: [...this.uuids],
    };
  }

  load(data: unknown): void {
    const s = record(data ?? { nodes: [], conns: [], uuids: [] }, 'xs');
    const store = new XsStore();
    for (const [i, v] of arr(s, 'nodes', 'xs').entries()) {
      const where = `xs.nodes[${i}]`;
      if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'string'))
        fail('EINVAL', `state: ${where} must be [path, value, perms]`);
      const [path, value, perms] = v as [string, string, string];
      if (path !== '/') {
        checkPath(path);
        if (!store.nodes.has(parentOf(path))) fail('EINVAL', `state: ${where} (${path}) comes before its parent`);
        store.write(path, value);
      }
      store.nodes.get(path)!.perms = parsePerms(perms, where);
    }
    for (const [i, v] of arr(s, 'conns', 'xs').entries()) {
      const c = record(v, `xs.conns[${i}]`);
      const id = str(c, 'id', `xs.conns[${i}]`);
      store.connect(id, nat(c, 'domid', `xs.conns[${i}]`));
      for (const w of arr(c, 'watches', `xs.conns[${i}]`)) {
        if (!Array.isArray(w) || w.length !== 2 || w.some((x) => typeof x !== 'string'))
          fail('EINVAL', `state: xs.conns[${i}].watches holds a watch that is not [path, token]`);
        store.watch(id, w[0] as string, w[1] as string);
      }
    }
    store.takeWork();
    this.store = store;
    this.uuids.clear();
    for (const [i, v] of arr(s, 'uuids', 'xs').entries()) {
      if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || v[0] < 0 || typeof v[1] !== 'string')
        fail('EINVAL', `state: xs.uuids[${i}] must be [domid, uuid]`);
      this.uuids.set(v[0] as number, v[1] as string);
    }
  }
}

/** Plug XenStore into a hypervisor. */
export function registerXs(hv: Hypervisor): XenStore {
  const xs = new XenStore(hv);
  hv.register(xs);
  return xs;
}
