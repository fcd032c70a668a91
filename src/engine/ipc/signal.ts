// Signal delivery (KylinX Table 2: kill writes the signal into the pair's shared page and notifies the
// target over the pair's event channel; Domain-0 signals through the hypervisor directly).
//
// POSIX actions (signal(7)): SIGKILL always terminates and SIGSTOP always stops the pVM; SIGCONT
// continues it; a signal the image catches runs its handler (installed with SA_RESTART: a blocked call
// goes on waiting); one it ignores, or whose default is to ignore (SIGCHLD, SIGURG, SIGWINCH), is
// discarded; the rest terminate it (killed by the signal: WIFSIGNALED). A pVM that cannot run (stopped,
// or paused by the toolstack) keeps other signals pending until it runs again (ipc/resume.ts).
//
// Stop and continue are job control's pause reference, apart from the toolstack's (Hypervisor.hold):
// SIGCONT does not undo xl pause, and xl unpause does not continue a stopped pVM. A signal to a zombie
// is accepted and does nothing (kill(2) succeeds on a zombie).

import { DOM0, Domain, isHeld, isZombie, ShutdownReason } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor, ParentNotice } from '../hypervisor.js';
import { terminate } from '../lifecycle.js';
import { dispositionOf, SIGNALS } from '../signals.js';
import { requireTrust } from './trust.js';
import { consumeAt, contactIfRoom, notify, requireContact } from './link.js';
import type { IpcState, Link, SignalStats } from './state.js';

export type SignalAction = 'terminated' | 'stopped' | 'continued' | 'handled' | 'ignored' | 'pending' | 'zombie';

export interface Sent {
  signal: string;
  action: SignalAction;
  firstContact: boolean;
  latencyUs: number;
}

/** kill(): `from` (a pVM of the target's family, or Domain-0) sends `sig` to `target`. */
export function sendSignal(hv: Hypervisor, ipc: IpcState, from: Domain, target: Domain, sig: string): Sent {
  if (!SIGNALS[sig]) fail('EINVAL', `unknown signal ${sig}`);
  if (target.domid === DOM0) fail('EPERM', 'Domain-0 cannot be signalled');
  if (from.domid !== DOM0) hv.requireActive(from, 'send signals');
  requireTrust(hv, from, target, 'signal');
  // kill(2) on a zombie succeeds and does nothing: it has no channel left, and nothing runs to act.
  if (isZombie(target))
    return {
      signal: sig,
      action: 'zombie',
      firstContact: false,
      latencyUs: from.domid === DOM0 ? hv.cost.us('signal_default') : hv.cost.us('ipc_call'),
    };
  const viaLink = from.domid !== DOM0 && from.domid !== target.domid;
  const contact = viaLink ? requireContact(hv, ipc, from, target, 'signal') : null;
  let latencyUs =
    from.domid === DOM0
      ? hv.cost.us('signal_default')
      : hv.cost.us('ipc_call') + hv.cost.us('shared_page_write') + (viaLink ? hv.cost.us('evtchn_notify') : 0);
  let link: Link | null = null;
  let first = false;
  if (contact) {
    const c = contact();
    link = c.link;
    first = c.first;
    latencyUs += c.latencyUs;
    notify(hv, ipc, link, from.domid);
  }
  const action = act(hv, ipc, target, sig, from.name, 'delivery');
  if (action === 'handled') latencyUs += hv.cost.us('signal_handler');
  if (link && action !== 'pending' && !isZombie(target)) consumeAt(ipc, link, target.domid);
  return { signal: sig, action, firstContact: first, latencyUs };
}

/** A signal the hypervisor raises itself (SIGPIPE on a broken pipe), recorded by the call that raised it. */
export interface HostSignal {
  target: number;
  sig: 'SIGPIPE';
  why: string;
}

/**
 * Deliver what a call raised, at the call's boundary (once the call's own object is consistent): the same
 * actions as kill, no pair channel. A target that went meanwhile has nothing left to signal.
 */
export function deliverHostSignal(hv: Hypervisor, ipc: IpcState, s: HostSignal): void {
  const target = hv.domains.get(s.target);
  if (!target || isZombie(target)) return;
  act(hv, ipc, target, s.sig, `the hypervisor (${s.why})`, 'signal');
}

/**
 * exit(): the child tells its parent with SIGCHLD over their link (the exit status is in the shared
 * page). A pair without a link makes first contact if there is room; else Domain-0 relays it.
 */
export function sigchld(hv: Hypervisor, ipc: IpcState, child: Domain): ParentNotice | null {
  const parent = hv.domains.get(child.parent);
  if (!parent || parent.domid === DOM0 || isZombie(parent)) return null;
  // exit charges the first contact itself (ipc/exit.ts); a pVM killed does not pay for it.
  const c = hv.cost.background(() => contactIfRoom(hv, ipc, child, parent));
  if (c) notify(hv, ipc, c.link, child.domid);
  const action = act(hv, ipc, parent, 'SIGCHLD', child.name, 'sigchld');
  if (c && action !== 'pending') consumeAt(ipc, c.link, parent.domid);
  return { via: !c ? 'domain-0' : c.first ? 'first-contact' : 'link' };
}

/**
 * Apply a signal to a pVM that has not exited. `kind` is the event kind: 'delivery' for the target of the
 * command itself (its output says what happened), 'signal' or 'sigchld' for what happens to someone else.
 */
function act(hv: Hypervisor, ipc: IpcState, d: Domain, sig: string, from: string, kind: string): SignalAction {
  const info = SIGNALS[sig]!;
  const disp = dispositionOf(d.image, sig);
  const say = (action: SignalAction, text: string): SignalAction => {
    hv.emit(kind, d, text, { signal: sig, action, from });
    return action;
  };
  countSignal(ipc, d.domid);
  if (sig === 'SIGKILL') return kill(hv, d, sig, 'crash', from, say);
  if (sig === 'SIGCONT') return cont(hv, ipc, d, disp, from, say);
  if (info.action === 'stop' && disp === 'default') {
    if (d.stopped) return 'stopped';
    say('stopped', `${d.name} stopped by ${sig} from ${from} (state p until SIGCONT)`);
    hv.hold(d, 'signal', true);
    return 'stopped';
  }
  if (disp === 'ignore' || (disp === 'default' && info.action !== 'term' && info.action !== 'core'))
    return say('ignored', `${sig} from ${from} ignored by ${d.name}`);
  if (isHeld(d)) {
    addPending(ipc, d.domid, sig);
    return say('pending', `${sig} from ${from} is pending at ${d.name} (${heldUntil(d)})`);
  }
  if (disp === 'catch') return handled(ipc, d, sig, from, say);
  return kill(hv, d, sig, info.action === 'core' ? 'crash' : 'poweroff', from, say);
}

function heldUntil(d: Domain): string {
  return d.stopped ? 'stopped until SIGCONT' : 'paused until unpause';
}

/**
 * SIGCONT continues a stopped pVM at once, whatever its disposition (signal(7)), and its pending signals
 * are acted on as it runs again; a handler for it runs when the pVM runs. A pVM the toolstack paused
 * stays paused: SIGCONT is job control's, not the toolstack's.
 */
function cont(hv: Hypervisor, ipc: IpcState, d: Domain, disp: string, from: string, say: Say): SignalAction {
  if (d.stopped) {
    say(
      'continued',
      `${d.name} continued by SIGCONT from ${from}${d.paused ? ' (still paused by the toolstack)' : ''}`,
    );
    hv.hold(d, 'signal', false);
    if (disp === 'catch' && !isZombie(d)) {
      if (isHeld(d)) addPending(ipc, d.domid, 'SIGCONT');
      else handled(ipc, d, 'SIGCONT', from, say);
    }
    return 'continued';
  }
  if (disp === 'catch') {
    if (!isHeld(d)) return handled(ipc, d, 'SIGCONT', from, say);
    addPending(ipc, d.domid, 'SIGCONT');
    return say('pending', `SIGCONT from ${from} is pending at ${d.name} (${heldUntil(d)})`);
  }
  const note = d.paused ? `: ${d.name} is not stopped but paused (unpause resumes it)` : `: ${d.name} is not stopped`;
  return say('ignored', `SIGCONT from ${from} ignored${note}`);
}

type Say = (action: SignalAction, text: string) => SignalAction;

function kill(hv: Hypervisor, d: Domain, sig: string, reason: ShutdownReason, from: string, say: Say): SignalAction {
  say('terminated', `${sig} from ${from} terminates ${d.name}`);
  terminate(hv, d, { reason, status: 0, signal: sig });
  return 'terminated';
}

function handled(ipc: IpcState, d: Domain, sig: string, from: string, say: Say): SignalAction {
  countHandled(ipc, d.domid);
  return say('handled', `${d.name} ran its ${sig} handler (from ${from})`);
}

/** The pVM runs again: signals that waited are acted on now, lowest number first (ipc/resume.ts). */
export function flushPending(hv: Hypervisor, ipc: IpcState, d: Domain): void {
  for (const sig of takePending(ipc, d.domid)) {
    if (isZombie(d) || isHeld(d)) {
      if (!isZombie(d)) addPending(ipc, d.domid, sig);
      continue;
    }
    act(hv, ipc, d, sig, 'its pending set', 'signal');
  }
}

// ---- signal state: counters and the pending set of a stopped pVM ----------------------------------

function stats(ipc: IpcState, domid: number): SignalStats {
  let s = ipc.signals.get(domid);
  if (!s) {
    s = { delivered: 0, handled: 0, pending: [] };
    ipc.signals.set(domid, s);
  }
  return s;
}

function countSignal(ipc: IpcState, domid: number): void {
  stats(ipc, domid).delivered++;
}

function countHandled(ipc: IpcState, domid: number): void {
  stats(ipc, domid).handled++;
}

/** Standard signals do not queue: a signal already pending stays once. */
function addPending(ipc: IpcState, domid: number, sig: string): void {
  const s = stats(ipc, domid);
  if (!s.pending.includes(sig)) s.pending.push(sig);
  s.pending.sort((a, b) => SIGNALS[a]!.number - SIGNALS[b]!.number);
}

function takePending(ipc: IpcState, domid: number): string[] {
  const s = ipc.signals.get(domid);
  if (!s) return [];
  const out = s.pending;
  s.pending = [];
  return out;
}

/** Signals pending at a stopped pVM, lowest number first. */
export function pendingOf(ipc: IpcState, domid: number): string[] {
  return [...(ipc.signals.get(domid)?.pending ?? [])];
}

/** Signals that reached a pVM, and those its handlers ran. */
export function signalStats(ipc: IpcState, domid: number): { delivered: number; handled: number } {
  const s = ipc.signals.get(domid);
  return { delivered: s?.delivered ?? 0, handled: s?.handled ?? 0 };
}
