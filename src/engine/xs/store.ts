// XenStore as xenstored keeps it (tools/xenstored): a tree of nodes, each with a value and permissions,
// the connections of its clients (dom0's tools over a socket, each guest over its ring) and the watches
// they hold. Every request costs what xenstored does for it, counted here as work the cost model prices
// (xs/subsystem.ts):
//   - a request: one message in and its reply (xs_op);
//   - the main loop walks every connection once per request it handles (core.c: initialize_fds and the
//     loop over `connections` both walk the list): one visit per connection (xs_visit);
//   - a change (write, mkdir, rm, set_perms) fires watches (watch.c fire_watches): xenstored walks every
//     connection and every watch of each, a visit each, and sends an event to each watch on the changed
//     path or above it (an event is a message: xs_op);
//   - inside a transaction, events wait for the commit; starting a transaction copies the whole store, a
//     visit per node (xenstored_transaction.c before Xen 4.9, "rework of transaction handling", f2bebf72c4:
//     "each transaction in progress is keeping a local copy of the complete xenstore data base").
// So a request costs more as domains (connections, watches) and nodes grow: Fig. 5's superlinear boots.

import { fail } from '../errors.js';

/** One permission of a node as xenstore-ls -p shows it: n (none), r, w or b (both), then a domid. */
export interface XsPerm {
  perm: 'n' | 'r' | 'w' | 'b';
  domid: number;
}

export interface XsNode {
  value: string;
  /** The first entry is the owner (and what others get); the rest, per-domain grants. Never changed in
   * place (set_perms replaces it), so a new node shares its parent's. */
  perms: readonly XsPerm[];
  /** Child names in the order they were made (XS_DIRECTORY's order). */
  children: string[];
}

export interface XsWatch {
  path: string;
  token: string;
}

/** A client of xenstored: a dom0 tool over the socket, or a guest over its ring (after XS_INTRODUCE). */
export interface XsConnection {
  id: string;
  /** The domain it belongs to (0 for dom0's tools). */
  domid: number;
  watches: XsWatch[];
}

/** What xenstored did: requests and events (messages), and list entries or records it walked. */
export interface XsWork {
  requests: number;
  events: number;
  visits: number;
}

export function noWork(): XsWork {
  return { requests: 0, events: 0, visits: 0 };
}

/** A path's parent ('/local/domain/3' -> '/local/domain'; '/local' -> '/'). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A path xenstored accepts: absolute, no empty component, no trailing slash, or a special @ path. */
export function checkPath(path: string): void {
  if (path === '/' || /^@[A-Za-z]+$/.test(path)) return;
  if (!/^(\/[A-Za-z0-9_@:.-]+)+$/.test(path) || path.length > 3072)
    fail('EINVAL', `'${path}' is not a XenStore path (absolute, components of letters, digits, _ - @ : .)`);
}

export class XsStore {
  readonly nodes = new Map<string, XsNode>();
  readonly conns = new Map<string, XsConnection>();
  /** Watches by path, for the ones a change fires (the walk's cost is counted, not done). */
  private readonly byPath = new Map<string, { conn: string; token: string }[]>();
  private watchCount = 0;
  /** The open transaction's changed paths, fired at its commit (one transaction at a time: the model is sequential). */
  private pending: string[] | null = null;
  readonly work: XsWork = noWork();

  constructor() {
    this.nodes.set('/', { value: '', perms: [{ perm: 'n', domid: 0 }], children: [] });
  }

  get watches(): number {
    return this.watchCount;
  }

  // ---- requests ------------------------------------------------------------------------------------

  /** One request handled: its message, and the main loop's walk over the connections. */
  private request(): void {
    this.work.requests++;
    this.work.visits += this.conns.size;
  }

  read(path: string): string | null {
    this.request();
    return this.nodes.get(path)?.value ?? null;
  }

  /** n reads whose values the model does not use (libxl_name_to_domid's scan): only their work. */
  reads(n: number): void {
    this.work.requests += n;
    this.work.visits += n * this.conns.size;
  }

  directory(path: string): string[] | null {
    this.request();
    return this.nodes.get(path)?.children ?? null;
  }

  /** XS_WRITE: missing parents are made (empty, the parent's permissions), as xenstored's create_node does. */
  write(path: string, value: string): void {
    this.request();
    this.put(path, value);
  }

  mkdir(path: string): void {
    this.request();
    if (!this.nodes.has(path)) this.put(path, '');
  }

  setPerms(path: string, perms: readonly XsPerm[]): void {
    this.request();
    const n = this.nodes.get(path);
    if (!n) return;
    n.perms = perms;
    this.changed(path);
  }

  /** XS_RM: the node and everything under it; a missing node is ENOENT to the client, still a request. */
  rm(path: string): void {
    this.request();
    const n = this.nodes.get(path);
    if (!n || path === '/') return;
    this.drop(path, n, false);
    const parent = this.nodes.get(parentOf(path));
    if (parent) parent.children = parent.children.filter((c) => c !== baseOf(path));
    this.changed(path);
  }

  transactionStart(): void {
    this.request();
    // tdb_copy of the whole store (xenstored before Xen 4.9).
    this.work.visits += this.nodes.size;
    this.pending = [];
  }

  transactionEnd(): void {
    this.request();
    const paths = this.pending ?? [];
    this.pending = null;
    for (const p of paths)
      if (p.startsWith('=')) this.fireExact(p.slice(1));
      else this.fire(p);
  }

  watch(conn: string, path: string, token: string): void {
    this.request();
    const c = this.conns.get(conn);
    if (!c) return;
    c.watches.push({ path, token });
    this.addIndex(conn, path, token);
    // xenstored fires a new watch once at once, so the client learns the current state.
    this.work.events++;
  }

  unwatch(conn: string, path: string, token: string): void {
    this.request();
    const c = this.conns.get(conn);
    if (!c) return;
    const i = c.watches.findIndex((w) => w.path === path && w.token === token);
    if (i < 0) return;
    c.watches.splice(i, 1);
    this.dropIndex(conn, path, token);
  }

  // ---- connections ---------------------------------------------------------------------------------

  /** A dom0 tool opens the socket (xl, xenconsoled, the kernel's xenbus): no request of its own. */
  connect(id: string, domid: number): void {
    if (!this.conns.has(id)) this.conns.set(id, { id, domid, watches: [] });
  }

  /** XS_INTRODUCE: the guest's ring becomes a connection; @introduceDomain fires. */
  introduce(id: string, domid: number): void {
    this.request();
    this.connect(id, domid);
    this.fire('@introduceDomain');
  }

  /** The connection goes with its watches (a guest released, a tool that exits). */
  disconnect(id: string): void {
    const c = this.conns.get(id);
    if (!c) return;
    for (const w of c.watches) this.dropIndex(id, w.path, w.token);
    this.conns.delete(id);
  }

  /** XS_RELEASE: the domain's connection goes; @releaseDomain fires. */
  release(id: string): void {
    this.request();
    this.disconnect(id);
    this.fire('@releaseDomain');
  }

  // ---- the tree and the watches ----------------------------------------------------------------------

  private put(path: string, value: string): void {
    const have = this.nodes.get(path);
    if (have) have.value = value;
    else {
      const up = parentOf(path);
      if (!this.nodes.has(up)) this.put(up, '');
      const parent = this.nodes.get(up)!;
      parent.children.push(baseOf(path));
      this.nodes.set(path, { value, perms: parent.perms, children: [] });
    }
    this.changed(path);
  }

  /** Delete a subtree; each node below the removed one fires its own watches (xenstored's delete_node). */
  private drop(path: string, n: XsNode, fires: boolean): void {
    for (const c of n.children) {
      const p = `${path}/${c}`;
      const child = this.nodes.get(p);
      if (child) this.drop(p, child, true);
    }
    this.nodes.delete(path);
    if (fires) this.changedExact(path);
  }

  private changedExact(path: string): void {
    if (this.pending) this.pending.push(`=${path}`);
    else this.fireExact(path);
  }

  private fireExact(path: string): void {
    this.work.visits += this.conns.size + this.watchCount;
    this.work.events += this.byPath.get(path)?.length ?? 0;
  }

  private changed(path: string): void {
    if (this.pending) this.pending.push(path);
    else this.fire(path);
  }

  /** fire_watches: every connection and watch walked; an event for each watch on the path or above it. */
  private fire(path: string): void {
    this.work.visits += this.conns.size + this.watchCount;
    if (path.startsWith('@')) {
      this.work.events += this.byPath.get(path)?.length ?? 0;
      return;
    }
    for (let p = path; ; p = parentOf(p)) {
      this.work.events += this.byPath.get(p)?.length ?? 0;
      if (p === '/') break;
    }
  }

  private addIndex(conn: string, path: string, token: string): void {
    const list = this.byPath.get(path) ?? [];
    list.push({ conn, token });
    this.byPath.set(path, list);
    this.watchCount++;
  }

  private dropIndex(conn: string, path: string, token: string): void {
    const list = this.byPath.get(path);
    if (!list) return;
    const i = list.findIndex((w) => w.conn === conn && w.token === token);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.byPath.delete(path);
    this.watchCount--;
  }

  /** Work done since the last call, and the counters zeroed (the subsystem charges it). */
  takeWork(): XsWork {
    const w = { ...this.work };
    this.work.requests = 0;
    this.work.events = 0;
    this.work.visits = 0;
    return w;
  }

  // ---- invariants --------------------------------------------------------------------------------

  check(): string[] {
    const p: string[] = [];
    let watches = 0;
    for (const c of this.conns.values()) watches += c.watches.length;
    if (watches !== this.watchCount)
      p.push(`watch index counts ${this.watchCount} watches, connections hold ${watches}`);
    for (const [path, n] of this.nodes) {
      if (path === '/') continue;
      const parent = this.nodes.get(parentOf(path));
      if (!parent) p.push(`node ${path} has no parent`);
      else if (!parent.children.includes(baseOf(path))) p.push(`node ${path} is not among its parent's children`);
      for (const c of n.children)
        if (!this.nodes.has(`${path}/${c}`)) p.push(`node ${path} lists child ${c}, which does not exist`);
    }
    return p;
  }
}
