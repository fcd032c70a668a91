// The console's state outside React: the shell it drives, the prompt line, the log, the selection and
// the samples the sparkline and the dashboard draw. It survives the trip to the dashboard and back.
// What it shows comes from the engine and the commands (treeRows, hostMemory, smaps, pagesSharedWith);
// the model only decides when to ask again: after a command, or when the selection moves.

import { complete } from '../commands/complete.js';
import type { Shell } from '../commands/shell.js';
import { TreeRow, treeRows } from '../commands/inspect.js';
import { ipcsData } from '../commands/ipc-inspect.js';
import { type SchedPanel, schedView } from '../commands/sched.js';
import { DOM0 } from '../engine/domain.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import { HostMemory, hostMemory } from '../engine/mm/access.js';
import { ConsoleHost } from './console-host.js';
import * as edit from './lineedit.js';
import { familySharedPages } from './sharing.js';

export type LogKind = 'banner' | 'input' | 'output' | 'error' | 'event' | 'say' | 'notice' | 'choices' | 'blank';

export interface LogLine {
  id: number;
  kind: LogKind;
  text: string;
  /** The engine event's kind for event lines (forked, cow, exited, ...). */
  event?: string;
}

export type IpcData = ReturnType<typeof ipcsData>;

export interface Snapshot {
  host: HostMemory;
  pvms: number;
  nowNs: number;
  rows: TreeRow[];
  /** Domids that appeared with the last command, shown as new. */
  fresh: ReadonlySet<number>;
  /** Commands run so far (the x axis of the samples). */
  commands: number;
  /** The scheduler panel's data (schedView), null before virtual time has run. */
  sched: SchedPanel | null;
  /** ipcs's data now and at the snapshot before (its channel counters are cumulative). */
  ipc: IpcData;
  ipcBefore: IpcData | null;
}

export interface MemSample {
  command: number;
  sharedKib: number;
  privateKib: number;
}

/** How many samples the sparkline and the dashboard's chart keep. */
export const SAMPLES = 60;
const EVENTS_KEPT = 500;

export interface ModelOptions {
  /** History of earlier sessions, oldest first. */
  history?: string[];
  /** Persist a line typed at the prompt (src/history.ts). */
  remember?: (line: string) => void;
}

export interface Submitted {
  quit: boolean;
  /** A command of the line asked for the dashboard (top without -b). */
  dashboard: boolean;
}

export class ConsoleModel {
  readonly shell: Shell;
  line: edit.Line = edit.EMPTY;
  readonly history: string[];
  /** Every log line of the session. */
  readonly log: LogLine[] = [];
  /** What <Static> prints: a tail of the log after a reset, then every new line. Its key remounts it. */
  staticItems: LogLine[] = [];
  staticKey = 0;
  /** Selected pVM (domid); the sharing graph shows its family. */
  selected: number;
  readonly familySeries = new Map<number, number[]>();
  readonly memSeries: MemSample[] = [];
  readonly events: EngineEvent[] = [];
  private snap: Snapshot;
  /** The engine may have changed since the snapshot: a command ran, or the engine was replaced. */
  private stale = true;
  private measuredHv: Shell['hv'] | null = null;
  private known = new Set<number>();
  private nextId = 0;
  private version = 0;
  private listeners = new Set<() => void>();
  private readonly remember: (line: string) => void;
  private commands = 0;
  /** The console's host: it shows outcomes and carries out the dashboard, the clock, play and long runs. */
  readonly host: ConsoleHost;

  constructor(shell: Shell, o: ModelOptions = {}) {
    this.shell = shell;
    this.history = [...(o.history ?? [])];
    this.remember = o.remember ?? (() => {});
    this.host = new ConsoleHost({
      shell,
      log: (kind, text, event) => this.add(kind, text, event),
      events: (es) => {
        this.events.push(...es);
        if (this.events.length > EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
      },
      markStale: () => this.markStale(),
      ranCommand: () => {
        this.commands++;
        this.stale = true;
        this.refresh();
      },
      refresh: () => {
        this.stale = true;
        this.refresh();
        // Log lines may have come without an engine change: redraw anyway.
        this.changed();
      },
    });
    shell.useHost(this.host);
    this.snap = this.measure();
    this.known = new Set(this.snap.rows.map((r) => r.domid));
    this.snap = { ...this.snap, fresh: new Set() };
    this.selected = this.snap.rows.find((r) => r.domid !== DOM0)?.domid ?? DOM0;
    this.sample();
  }

  // ---- subscription (React's useSyncExternalStore) -------------------------------------------------

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  // ---- what the panels show ----------------------------------------------------------------------

  get snapshot(): Snapshot {
    return this.snap;
  }

  private measure(): Snapshot {
    const hv = this.shell.hv;
    const rows = treeRows(hv);
    const fresh = new Set<number>();
    for (const r of rows) if (!this.known.has(r.domid)) fresh.add(r.domid);
    this.known = new Set(rows.map((r) => r.domid));
    const sched = schedView(hv);
    const ipc = ipcsData(hv);
    // After a rewind the counters before belong to another history: no activity to show.
    const ipcBefore = this.measuredHv === hv ? ((this.snap as Snapshot | undefined)?.ipc ?? null) : null;
    this.stale = false;
    this.measuredHv = hv;
    return {
      host: hostMemory(hv),
      pvms: hv.liveCount - 1,
      nowNs: hv.nowNs,
      rows,
      fresh,
      commands: this.commands,
      sched: sched && (sched.interval !== null || hv.nowNs > 0) ? sched : null,
      ipc,
      ipcBefore,
    };
  }

  /** The engine changed outside a command's outcome (the clock's steps, a long run's chunks). */
  markStale(): void {
    this.stale = true;
  }

  /**
   * Ask the engine again (after commands; also for a console that runs the clock). Nothing is asked
   * when no command ran and the engine is the same: an unchanged console costs nothing to refresh.
   */
  refresh(): void {
    if (!this.stale && this.shell.hv === this.measuredHv) return;
    this.snap = this.measure();
    if (!this.snap.rows.some((r) => r.domid === this.selected)) this.selected = this.nearestSelectable();
    this.sample();
    this.changed();
  }

  private nearestSelectable(): number {
    return this.snap.rows.find((r) => r.domid !== DOM0)?.domid ?? DOM0;
  }

  private sample(): void {
    for (const [fam, pages] of familySharedPages(this.shell.hv)) push(this.familySeries, fam, pages);
    const h = this.snap.host;
    this.memSeries.push({ command: this.commands, sharedKib: h.shared_kib, privateKib: h.used_kib - h.shared_kib });
    if (this.memSeries.length > SAMPLES) this.memSeries.shift();
  }

  // ---- selection -----------------------------------------------------------------------------------

  /** Move the selection by `delta` rows of the tree (Domain-0 is not selectable), or to an end. */
  select(to: 'prev' | 'next' | 'first' | 'last'): void {
    const ids = this.snap.rows.filter((r) => r.domid !== DOM0).map((r) => r.domid);
    if (ids.length === 0) return;
    const at = ids.indexOf(this.selected);
    const next =
      to === 'first'
        ? 0
        : to === 'last'
          ? ids.length - 1
          : Math.max(0, Math.min(ids.length - 1, (at < 0 ? 0 : at) + (to === 'next' ? 1 : -1)));
    if (ids[next] === this.selected) return;
    this.selected = ids[next]!;
    this.changed();
  }

  // ---- the log -------------------------------------------------------------------------------------

  private add(kind: LogKind, text: string, event?: string): void {
    const lines = text
      .split('\n')
      .map((t): LogLine => ({ id: this.nextId++, kind, text: t, ...(event ? { event } : {}) }));
    for (const l of lines) this.log.push(l);
    // A new array: <Static> notices new items by the array it is given.
    this.staticItems = this.staticItems.concat(lines);
  }

  /**
   * Start the static log afresh (first draw, resize, Ctrl-L, back from the dashboard): the last lines
   * that fill `rows` terminal rows at width `cols`, blank lines first so the live area sits at the bottom.
   */
  resetStatic(rows: number, cols: number, banner?: string): void {
    if (banner && this.log.length === 0) this.add('banner', banner);
    const tail: LogLine[] = [];
    let used = 0;
    for (let i = this.log.length - 1; i >= 0 && used < rows; i--) {
      const l = this.log[i]!;
      const h = Math.max(1, Math.ceil(l.text.length / Math.max(1, cols)));
      if (used + h > rows) break;
      tail.unshift(l);
      used += h;
    }
    const pad: LogLine[] = [];
    for (; used < rows; used++) pad.push({ id: -1 - used, kind: 'blank', text: '' });
    this.staticItems = [...pad, ...tail];
    this.staticKey++;
    this.changed();
  }

  // ---- the prompt ----------------------------------------------------------------------------------

  setLine(l: edit.Line): void {
    this.line = l;
    this.changed();
  }

  /** Tab: complete from the command table; several candidates that add nothing are listed in the log. */
  complete(): void {
    const head = this.line.text.slice(0, this.line.cursor);
    const c = complete(this.shell.hv, this.shell.images, head);
    const r = edit.applyCompletion(this.line, c);
    if (r.choices.length > 0) this.add('choices', r.choices.join('  '));
    this.setLine(r.line);
  }

  /** Ctrl-C: a fresh line (the abandoned one is echoed with ^C, as a shell does). */
  clearLine(): void {
    if (this.line.text !== '') this.add('input', `${this.line.text}^C`);
    this.setLine(edit.EMPTY);
  }

  /** Enter: run the line through the shell, as every mode does; the console's host acts on its effects. */
  submit(): Submitted {
    const text = this.line.text;
    if (this.host.longRun) {
      // The line stays; the run in progress owns the engine until it ends or Ctrl-C stops it.
      this.add('notice', `a run is in progress (${this.host.longRun.text}): Ctrl-C stops it`);
      this.changed();
      return { quit: false, dashboard: false };
    }
    this.line = edit.EMPTY;
    this.add('input', text);
    if (text.trim() === '') {
      this.changed();
      return { quit: false, dashboard: false };
    }
    if (this.history[this.history.length - 1] !== text) this.history.push(text);
    this.remember(text);
    const s = this.shell.run(text, { remember: true, mayHold: true });
    this.commands++;
    this.stale = true;
    this.refresh();
    return { quit: s.quit, dashboard: this.host.takeDashboard() };
  }

  /** Ctrl-C: stop a long run, else clear the line. */
  interrupt(): void {
    if (!this.host.interrupt()) this.clearLine();
  }

  /** The console is leaving: stop the clock and any run. */
  dispose(): void {
    this.host.dispose();
  }
}

function push(series: Map<number, number[]>, key: number, v: number): void {
  const s = series.get(key) ?? [];
  s.push(v);
  if (s.length > SAMPLES) s.shift();
  series.set(key, s);
}
