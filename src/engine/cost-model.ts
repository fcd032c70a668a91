// One engine's cost model: the cost table (cost.ts) with this engine's overrides, and a meter that
// counts every charge so a modeled latency can be explained as the primitives it is made of.
//
// Overrides are part of the engine's state (saved and restored with it): `cost xs_op=150` is a what-if
// on this host, and bench's fresh engines take the session's overrides with them. The meter is not
// state: the command layer starts it before a command and reads it after (`--explain`, `data.cost`).

import { COSTS, isPrimitive, PRIMITIVES, Primitive, roundUs } from './cost.js';
import { fail } from './errors.js';
import { type Cfg, ConfigError } from './image.js';
import { suggest } from './suggest.js';

/** Overridden constants, by name (µs per unit). */
export type CostOverrides = Partial<Record<Primitive, number>>;

/** One primitive in an explanation: how many units were charged and what they cost. */
export interface CostTerm {
  name: Primitive;
  count: number;
  us_each: number;
  us: number;
}

/** Time a latency includes that is no constant's: waiting in virtual time (an update's quiescence wait). */
export interface CostWait {
  what: string;
  us: number;
}

/** A modeled latency as the sum of its primitives and waits (`data.cost`). */
export interface CostExplanation {
  terms: CostTerm[];
  waits?: CostWait[];
  total_us: number;
}

/** A cost name as a primitive, or a one-line error with the closest name. */
export function primitiveNamed(name: string): Primitive {
  if (isPrimitive(name)) return name;
  const near = suggest(name, PRIMITIVES);
  fail('ENOENT', `no cost named '${name}'${near ? ` (did you mean '${near}'?)` : ' (costs lists them)'}`);
}

/** A value a constant may take: a finite number of µs, not negative. */
export function checkCostValue(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    fail('EINVAL', `${name} must be a number of µs from 0, not ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  return v;
}

/** Overrides read from a document (a state file, a bench parameter): every name known, every value valid. */
export function checkOverrides(v: unknown, where: string): CostOverrides {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('EINVAL', `${where} must be an object`);
  const out: CostOverrides = {};
  for (const [k, x] of Object.entries(v)) {
    if (!isPrimitive(k)) fail('EINVAL', `${where}: no cost named '${k}'`);
    out[k] = checkCostValue(`${where}.${k}`, x);
  }
  return out;
}

export class CostModel {
  private readonly over = new Map<Primitive, number>();
  private readonly counts = new Map<Primitive, number>();
  private waits: CostWait[] = [];
  /** Charges are counted unless work runs in the background (see background()). */
  private metering = true;
  private changes = 0;

  constructor(overrides: CostOverrides = {}) {
    this.load(overrides);
  }

  /** The cost of n units of a primitive, charged to the meter. */
  us(p: Primitive, n = 1): number {
    if (n !== 0 && this.metering) this.counts.set(p, (this.counts.get(p) ?? 0) + n);
    return this.value(p) * n;
  }

  /** A wait in virtual time that a latency includes (no constant: the scheduler says how long). */
  waited(what: string, us: number): number {
    if (us > 0 && this.metering) this.waits.push({ what, us: roundUs(us) });
    return us;
  }

  /**
   * Run work whose cost the operation's latency does not include (what a dying pVM's teardown does for
   * its pipes; the first contact its SIGCHLD makes, which exit charges itself): nothing it charges is
   * counted, so an explanation holds exactly what the latency holds.
   */
  background<T>(work: () => T): T {
    const was = this.metering;
    this.metering = false;
    try {
      return work();
    } finally {
      this.metering = was;
    }
  }

  /** A primitive's value on this engine (overridden or the table's), without charging anything. */
  value(p: Primitive): number {
    return this.over.get(p) ?? COSTS[p].us;
  }

  /**
   * Changes with every set, reset and load: what a price computed from value() may be cached under (run
   * prices millions of requests; `cost NAME=VALUE` must reach the next one).
   */
  get version(): number {
    return this.changes;
  }

  isOverridden(p: Primitive): boolean {
    return this.over.has(p);
  }

  set(p: Primitive, v: number): void {
    checkCostValue(p, v);
    if (v === COSTS[p].us) this.over.delete(p);
    else this.over.set(p, v);
    this.changes++;
  }

  /** Back to the table's value (every primitive without a name). */
  reset(p?: Primitive): void {
    if (p === undefined) this.over.clear();
    else this.over.delete(p);
    this.changes++;
  }

  /** The overrides, in the table's order (saved with the state, handed to bench's engines). */
  overrides(): CostOverrides {
    const out: CostOverrides = {};
    for (const p of PRIMITIVES) if (this.over.has(p)) out[p] = this.over.get(p)!;
    return out;
  }

  /** Replace the overrides with a checked set. */
  load(o: CostOverrides): void {
    this.over.clear();
    this.changes++;
    for (const p of PRIMITIVES) if (o[p] !== undefined) this.set(p, o[p]);
  }

  /** Start counting afresh (the command layer, before each command; bench, before what it measures). */
  begin(): void {
    this.counts.clear();
    this.waits = [];
  }

  /** What was charged since begin(), in the table's order, with its sum; the meter starts afresh. */
  take(): CostExplanation {
    const out = this.peek();
    this.begin();
    return out;
  }

  /** What was charged since begin(), the meter left running (a figure reading totals at 100, 500, 1000 boots). */
  peek(): CostExplanation {
    const terms: CostTerm[] = [];
    let total = 0;
    for (const p of PRIMITIVES) {
      const count = this.counts.get(p);
      if (count === undefined) continue;
      const each = this.value(p);
      terms.push({ name: p, count: roundCount(count), us_each: each, us: roundUs(each * count) });
      total += each * count;
    }
    for (const w of this.waits) total += w.us;
    return { terms, ...(this.waits.length > 0 ? { waits: [...this.waits] } : {}), total_us: roundUs(total) };
  }
}

function roundCount(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// ---- composite costs of the lifecycle -----------------------------------------------------------------

/** Modeled boot of an appliance of `pages` pages without XenStore (domain build and guest boot, KylinX §4.1). */
export function bootCost(c: CostModel, pages: number, fromPool: boolean): number {
  let t = c.us('page_populate', pages) + c.us('guest_boot');
  if (!fromPool) t += c.us('shell_create');
  return t;
}

/** Modeled fork (KylinX do_fork): every page of the parent is shared with the child. */
export function forkCost(c: CostModel, pages: number, fromPool: boolean): number {
  let t = c.us('fork_entry') + c.us('page_share', pages) + c.us('state_pass') + c.us('unpause');
  if (!fromPool) t += c.us('shell_create');
  return t;
}

/** Modeled restore of a checkpointed domain of `pages` pages: no domain build, no XenStore, no guest boot (KylinX §3.3.3). */
export function restoreCost(c: CostModel, pages: number): number {
  return c.us('checkpoint_restore') + c.us('page_restore', pages);
}

export function destroyCost(c: CostModel, pages: number): number {
  return c.us('destroy_base') + c.us('page_free', pages);
}

/** Modeled time of a write burst: each CoW break faults and copies a page, other writes are plain stores. */
export function cowCost(c: CostModel, copied: number, inPlace: number): number {
  return c.us('cow_break', copied) + c.us('page_write', inPlace);
}

/** A costs file (`--costs FILE`, xl.cfg syntax: `name = value` per line) read as overrides; errors name file and line. */
export function costsFromCfg(cfg: Cfg, file: string): CostOverrides {
  const out: CostOverrides = {};
  for (const [k, e] of cfg) {
    try {
      // xl.cfg's numbers are whole: a fraction of a µs is written as a string ("0.5").
      const v = typeof e.value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(e.value) ? Number(e.value) : e.value;
      out[primitiveNamed(k)] = checkCostValue(k, v);
    } catch (err) {
      throw new ConfigError(file, e.line, err instanceof Error ? err.message : String(err));
    }
  }
  return out;
}
