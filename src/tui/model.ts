// The console's state outside React: the shell it drives, the prompt line, the output pane's log, the
// selection and focus, the animations, and the samples the sparkline and the dashboard draw. It
// survives the trip to the dashboard and back. What it shows comes from the engine and the commands
// (treeRows, hostMemory, ipcs's and libs' data, schedView); the model only decides when to ask again:
// after a command, a clock step, or when the engine is replaced (reset, restore, stepping back).

import { complete } from '../commands/complete.js';
import type { Shell } from '../commands/shell.js';
import { TreeRow, treeRows } from '../commands/inspect.js';
import { ipcsData } from '../commands/ipc-inspect.js';
import { loadedLibraries } from '../commands/libs.js';
import { type SchedPanel, schedView } from '../commands/sched.js';
import { RequestHistory, type RequestRates, requestSample } from '../commands/request-rates.js';
import { ANIMATE_DEFAULT_FACTOR } from '../commands/classroom.js';
import { DOM0 } from '../engine/domain.js';
import type { EngineEvent } from '../engine/hypervisor.js';
import { HostMemory, hostMemory } from '../engine/mm/access.js';
import { Animator } from './anim/animator.js';
import { ConsoleHost } from './console-host.js';
import { Focus } from './focus.js';
import * as edit from './lineedit.js';
import { OutputLog } from './outlog.js';
import { type FamilySample, familyPages, SharingCache } from './sharing.js';

export type IpcData = ReturnType<typeof ipcsData>;

export interface Snapshot {
  host: HostMemory;
  pvms: number;
  nowNs: number;
  rows: TreeRow[];
  /** Domids that appeared with the last command, shown as new. */
  fresh: ReadonlySet<number>;
  /** Domids blocked in a call (their Waiting says on what). */
  waiting: number[];
  /** Commands run so far. */
  commands: number;
  /** The scheduler panel's data (schedView), null before virtual time has run. */
  sched: SchedPanel | null;
  /** ipcs's data now and at the snapshot before (its channel counters are cumulative). */
  ipc: IpcData;
  ipcBefore: IpcData | null;
  /** Each serving pVM's requests per second over the last window of virtual time. */
  requests: RequestRates;
}

export interface MemSample {
  /** Virtual time of the sample, ns. */
  t: number;
  command: number;
  sharedKib: number;
  privateKib: number;
}

/** How many samples the sparkline and the dashboard's chart keep. */
export const SAMPLES = 120;
const EVENTS_KEPT = 500;

export interface ModelOptions {
  /** History of earlier sessions, oldest first. */
  history?: string[];
  /** Persist a line typed at the prompt (src/history.ts). */
  remember?: (line: string) => void;
  /** Wall-clock milliseconds (animations); performance.now by default. */
  now?: () => number;
  /** Animations off from the start (tests, --plain never gets here). */
  animate?: boolean;
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
  /** Everything the output pane shows. */
  readonly out = new OutputLog();
  /** Selected pVM (domid); the sharing panel shows its family. */
  selected: number;
  readonly focus = new Focus();
  readonly animator: Animator;
  /** Each family's shared and total pages after each change. */
  readonly familySeries = new Map<number, FamilySample[]>();
  readonly memSeries: MemSample[] = [];
  /** Recent engine events, for the dashboard's log, and how many there have been in all. */
  readonly events: EngineEvent[] = [];
  eventCount = 0;
  /** pVMs whose copy-on-write broke since the last command typed (the sharing panel marks them). */
  cowMarks = new Set<number>();
  private snap: Snapshot;
  private stale = true;
  private measuredHv: Shell['hv'] | null = null;
  private known = new Set<number>();
  private version = 0;
  private listeners = new Set<() => void>();
  private readonly remember: (line: string) => void;
  private commands = 0;
  private sharing: SharingCache | null = null;
  private libs: ReturnType<typeof loadedLibraries> | null = null;
  /** The served counters at the instants of virtual time the console saw, for the rates. */
  private readonly requestHistory = new RequestHistory();
  /** Modeled time of the last command, for how long a ring's fill takes to move. */
  lastLatencyUs = 0;
  /** The console's host: it shows outcomes and carries out the dashboard, the clock, play and long runs. */
  readonly host: ConsoleHost;

  constructor(shell: Shell, o: ModelOptions = {}) {
    this.shell = shell;
    this.history = [...(o.history ?? [])];
    this.remember = o.remember ?? (() => {});
    const now = o.now ?? (() => performance.now());
    this.animator = new Animator({ now, changed: () => this.changed() }, ANIMATE_DEFAULT_FACTOR);
    if (o.animate === false) this.animator.set(false);
    this.host = new ConsoleHost(this);
    shell.useHost(this.host);
    this.snap = this.measure();
    this.known = new Set(this.snap.rows.map((r) => r.domid));
    this.snap = { ...this.snap, fresh: new Set() };
    this.selected = this.snap.rows.find((r) => r.domid !== DOM0)?.domid ?? DOM0;
    this.sample();
  }

  // ---- subscription (React's useSyncExternalStore, the dashboard) ---------------------------------

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  /** Something shown changed: redraw. */
  changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  // ---- what the panels show ----------------------------------------------------------------------

  get snapshot(): Snapshot {
    return this.snap;
  }

  /** The sharing panel's answers for this snapshot. */
  sharingCache(): SharingCache {
    this.sharing ??= new SharingCache(this.shell.hv);
    return this.sharing;
  }

  /** `libs`' loaded libraries for this snapshot. */
  loadedLibraries(): ReturnType<typeof loadedLibraries> {
    this.libs ??= loadedLibraries(this.shell.hv.dl);
    return this.libs;
  }

  private measure(): Snapshot {
    const hv = this.shell.hv;
    const replaced = this.measuredHv !== null && this.measuredHv !== hv;
    const rows = treeRows(hv);
    const fresh = new Set<number>();
    // A replaced engine (reset, restore, a step back) has nothing new in it: it is another history.
    if (!replaced) for (const r of rows) if (!this.known.has(r.domid)) fresh.add(r.domid);
    this.known = new Set(rows.map((r) => r.domid));
    const sched = schedView(hv);
    const ipc = ipcsData(hv);
    const ipcBefore = replaced ? null : ((this.snap as Snapshot | undefined)?.ipc ?? null);
    if (replaced) this.forgetHistory();
    this.requestHistory.add(requestSample(hv));
    this.stale = false;
    this.measuredHv = hv;
    this.sharing = null;
    this.libs = null;
    const waiting: number[] = [];
    for (const d of hv.pvms()) if (d.waiting) waiting.push(d.domid);
    return {
      host: hostMemory(hv),
      pvms: hv.liveCount - 1,
      nowNs: hv.nowNs,
      rows,
      fresh,
      waiting,
      commands: this.commands,
      sched: sched && (sched.interval !== null || hv.nowNs > 0) ? sched : null,
      ipc,
      ipcBefore,
      requests: this.requestHistory.rates(),
    };
  }

  /** Samples of another engine's history say nothing about this one. */
  private forgetHistory(): void {
    this.familySeries.clear();
    this.memSeries.length = 0;
    this.cowMarks = new Set();
    this.requestHistory.clear();
  }

  /** The engine may have changed outside a command's outcome (the clock's steps, a long run's chunks). */
  markStale(): void {
    this.stale = true;
  }

  /**
   * Ask the engine again (after commands; also for a console that runs the clock). Nothing is asked
   * when no command ran and the engine is the same: an unchanged console costs nothing to refresh.
   */
  refresh(): void {
    if (!this.stale && this.shell.hv === this.measuredHv) return;
    const before = this.snap;
    this.snap = this.measure();
    if (!this.snap.rows.some((r) => r.domid === this.selected)) this.setSelected(this.nearestSelectable());
    this.tweenRings(before);
    this.sample();
    this.changed();
  }

  /** A pipe whose fill moved since the snapshot before moves on screen as its call's time plays. */
  private tweenRings(before: Snapshot): void {
    if (!this.snap.ipcBefore) return;
    const was = new Map(before.ipc.pipes.map((p) => [p.pipe, p.fill]));
    for (const p of this.snap.ipc.pipes) {
      const from = was.get(p.pipe);
      if (from !== undefined && from !== p.fill) this.animator.ring(p.pipe, from, p.fill, this.lastLatencyUs);
    }
  }

  private nearestSelectable(): number {
    return this.snap.rows.find((r) => r.domid !== DOM0)?.domid ?? DOM0;
  }

  private sample(): void {
    for (const [fam, s] of familyPages(this.shell.hv)) push(this.familySeries, fam, s);
    const h = this.snap.host;
    this.memSeries.push({
      t: this.snap.nowNs,
      command: this.commands,
      sharedKib: h.shared_kib,
      privateKib: h.used_kib - h.shared_kib,
    });
    if (this.memSeries.length > SAMPLES) this.memSeries.shift();
  }

  /** Engine events of a command or a clock step: the dashboard's feed and the sharing panel's CoW marks. */
  noteEvents(es: readonly EngineEvent[]): void {
    this.events.push(...es);
    this.eventCount += es.length;
    if (this.events.length > EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
    for (const e of es) if (e.kind === 'cow') this.cowMarks.add(e.domid);
  }

  /** A command ran outside a typed line (a step of a played script): count it, ask again, redraw. */
  ranCommand(): void {
    this.commands++;
    this.stale = true;
    this.refresh();
  }

  // ---- selection -----------------------------------------------------------------------------------

  private setSelected(domid: number): void {
    this.selected = domid;
    this.focus.unscroll('sharing');
  }

  /** Move the selection through the tree (Domain-0 is not selectable): by `by` rows, or to an end. */
  select(to: 'prev' | 'next' | 'first' | 'last' | number): void {
    const ids = this.snap.rows.filter((r) => r.domid !== DOM0).map((r) => r.domid);
    if (ids.length === 0) return;
    const at = Math.max(0, ids.indexOf(this.selected));
    const by = to === 'prev' ? -1 : to === 'next' ? 1 : typeof to === 'number' ? to : 0;
    const next = to === 'first' ? 0 : to === 'last' ? ids.length - 1 : Math.max(0, Math.min(ids.length - 1, at + by));
    if (ids[next] === this.selected) return;
    this.setSelected(ids[next]!);
    this.changed();
  }

  /** Select a pVM by domid (a click on its row). */
  selectDomid(domid: number): void {
    if (domid === DOM0 || domid === this.selected || !this.snap.rows.some((r) => r.domid === domid)) return;
    this.setSelected(domid);
    this.changed();
  }

  // ---- the prompt ----------------------------------------------------------------------------------

  setLine(l: edit.Line): void {
    this.line = l;
    this.changed();
  }

  /** Tab: complete from the command table; several candidates that add nothing are listed in the output. */
  complete(files?: (prefix: string) => string[]): void {
    const head = this.line.text.slice(0, this.line.cursor);
    const c = complete(this.shell.hv, this.shell.images, head, files);
    const r = edit.applyCompletion(this.line, c);
    if (r.choices.length > 0) this.out.add('choices', r.choices.join('  '));
    this.setLine(r.line);
  }

  /** Ctrl-C: a fresh line (the abandoned one is echoed with ^C, as a shell does). */
  clearLine(): void {
    if (this.line.text !== '') this.out.add('input', `${this.line.text}^C`);
    this.setLine(edit.EMPTY);
  }

  /** Enter: run the line through the shell, as every mode does; the console's host acts on its effects. */
  submit(): Submitted {
    const text = this.line.text;
    if (this.host.longRun) {
      // The line stays; the run in progress owns the engine until it ends or Ctrl-C stops it.
      this.out.add('notice', `a run is in progress (${this.host.longRun.text}): Ctrl-C stops it`);
      this.changed();
      return { quit: false, dashboard: false };
    }
    this.line = edit.EMPTY;
    this.out.live();
    this.out.add('input', text);
    if (text.trim() === '') {
      this.changed();
      return { quit: false, dashboard: false };
    }
    if (this.history[this.history.length - 1] !== text) this.history.push(text);
    this.remember(text);
    this.cowMarks = new Set();
    this.out.closeSource();
    const s = this.shell.run(text, { remember: true, mayHold: true });
    this.commands++;
    this.stale = true;
    this.refresh();
    this.changed();
    return { quit: s.quit, dashboard: this.host.takeDashboard() };
  }

  /** Ctrl-C: stop a long run, else clear the line. */
  interrupt(): void {
    if (!this.host.interrupt()) this.clearLine();
  }

  /** The console is leaving: stop the clock, any run and any animation. */
  dispose(): void {
    this.host.dispose();
    this.animator.dispose();
  }
}

function push(series: Map<number, FamilySample[]>, key: number, v: FamilySample): void {
  const s = series.get(key) ?? [];
  s.push(v);
  if (s.length > SAMPLES) s.shift();
  series.set(key, s);
}
