// Signal delivery (KylinX Table 2: kill writes the signal into the pair's shared page and notifies the
// target over the pair's event channel; Domain-0 signals through the hypervisor directly).
//
// POSIX actions (signal(7)): SIGKILL always terminates and SIGSTOP always stops (pauses) the pVM; SIGCONT
// resumes it; a signal the image catches runs its handler (installed with SA_RESTART: a blocked call goes
// on waiting); one it ignores, or whose default is to ignore (SIGCHLD, SIGURG, SIGWINCH), is discarded;
// the rest terminate (status 128 + number). A stopped pVM keeps other signals pending until SIGCONT.

import { us } from '../cost.js';
import { DOM0, Domain, isZombie, ShutdownReason } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor, ParentNotice } from '../hypervisor.js';
import { terminate } from '../lifecycle.js';
import { dispositionOf, requireTrust, SIGNALS } from '../signals.js';
import { consumeAt, contactIfRoom, Link, notify, requireContact } from './trust.js';
import type { Ipc } from './subsystem.js';

export type SignalAction = 'terminated' | 'stopped' | 'continued' | 'handled' | 'ignored' | 'pending';

export interface Sent {
  signal: string;
  action: SignalAction;
  firstContact: boolean;
  latencyUs: number;
}

/** kill(): `from` (a pVM of the target's family, or Domain-0) sends `sig` to `target`. */
export function sendSignal(hv: Hypervisor, ipc: Ipc, from: Domain, target: Domain, sig: string): Sent {
  if (!SIGNALS[sig]) fail('EINVAL', `unknown signal ${sig}`);
  if (target.domid === DOM0) fail('EPERM', 'Domain-0 cannot be signalled');
  if (isZombie(target)) fail('ESRCH', `${target.name} has already exited (a zombie until its parent waits for it)`);
  if (from.domid !== DOM0) hv.requireActive(from, 'send signals');
  requireTrust(hv, from, target, 'signal');
  const viaLink = from.domid !== DOM0 && from.domid !== target.domid;
  const contact = viaLink ? requireContact(hv, ipc, from, target, 'signal') : null;
  let latencyUs =
    from.domid === DOM0
      ? us('signal_default')
      : us('ipc_call') + us('shared_page_write') + (viaLink ? us('evtchn_notify') : 0);
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
  if (action === 'handled') latencyUs += us('signal_handler');
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
export function deliverHostSignal(hv: Hypervisor, ipc: Ipc, s: HostSignal): void {
  const target = hv.domains.get(s.target);
  if (!target || isZombie(target)) return;
  act(hv, ipc, target, s.sig, `the hypervisor (${s.why})`, 'signal');
}

/**
 * exit(): the child tells its parent with SIGCHLD over their link (the exit status is in the shared
 * page). A pair without a link makes first contact if there is room; else Domain-0 relays it.
 */
export function sigchld(hv: Hypervisor, ipc: Ipc, child: Domain): ParentNotice | null {
  const parent = hv.domains.get(child.parent);
  if (!parent || parent.domid === DOM0 || isZombie(parent)) return null;
  const c = contactIfRoom(hv, ipc, child, parent);
  if (c) notify(hv, ipc, c.link, child.domid);
  const action = act(hv, ipc, parent, 'SIGCHLD', child.name, 'sigchld');
  if (c && action !== 'pending') consumeAt(ipc, c.link, parent.domid);
  return { via: !c ? 'domain-0' : c.first ? 'first-contact' : 'link' };
}

/**
 * Apply a signal to a running or stopped pVM. `kind` is the event kind: 'delivery' for the target of the
 * command itself (its output says what happened), 'signal' or 'sigchld' for what happens to someone else.
 */
function act(hv: Hypervisor, ipc: Ipc, d: Domain, sig: string, from: string, kind: string): SignalAction {
  const info = SIGNALS[sig]!;
  const disp = dispositionOf(d.image, sig);
  const say = (text: string): void => hv.emit(kind, d, text);
  ipc.countSignal(d.domid);
  if (sig === 'SIGKILL') return kill(hv, d, sig, 'crash', from, say);
  if (sig === 'SIGCONT') {
    if (d.paused) {
      d.paused = false;
      say(`${d.name} continued by SIGCONT from ${from}`);
    }
    if (disp === 'catch') handled(ipc, d, sig, from, say);
    flushPending(hv, ipc, d);
    return 'continued';
  }
  if (info.action === 'stop' && disp === 'default') {
    if (!d.paused) {
      d.paused = true;
      say(`${d.name} stopped by ${sig} from ${from} (state p until SIGCONT)`);
    }
    return 'stopped';
  }
  if (d.paused) {
    if (disp === 'ignore' || (disp === 'default' && info.action === 'ignore')) return ignored(d, sig, from, say);
    ipc.addPending(d.domid, sig);
    say(`${sig} from ${from} is pending at ${d.name} (stopped until SIGCONT)`);
    return 'pending';
  }
  if (disp === 'catch') {
    handled(ipc, d, sig, from, say);
    return 'handled';
  }
  if (disp === 'ignore') return ignored(d, sig, from, say);
  switch (info.action) {
    case 'ignore':
    case 'cont':
    case 'stop':
      return ignored(d, sig, from, say);
    case 'core':
      return kill(hv, d, sig, 'crash', from, say);
    case 'term':
      return kill(hv, d, sig, 'poweroff', from, say);
  }
}

function kill(
  hv: Hypervisor,
  d: Domain,
  sig: string,
  reason: ShutdownReason,
  from: string,
  say: (t: string) => void,
): SignalAction {
  say(`${sig} from ${from} terminates ${d.name} (status ${128 + SIGNALS[sig]!.number})`);
  terminate(hv, d, { reason, status: 128 + SIGNALS[sig]!.number, signal: sig });
  return 'terminated';
}

function handled(ipc: Ipc, d: Domain, sig: string, from: string, say: (t: string) => void): void {
  ipc.countHandled(d.domid);
  say(`${d.name} ran its ${sig} handler (from ${from})`);
}

function ignored(d: Domain, sig: string, from: string, say: (t: string) => void): SignalAction {
  say(`${sig} from ${from} ignored by ${d.name}`);
  return 'ignored';
}

/** SIGCONT: signals that waited while the pVM was stopped are acted on now, lowest number first. */
function flushPending(hv: Hypervisor, ipc: Ipc, d: Domain): void {
  for (const sig of ipc.takePending(d.domid)) {
    if (isZombie(d) || d.paused) {
      if (!isZombie(d)) ipc.addPending(d.domid, sig);
      continue;
    }
    act(hv, ipc, d, sig, 'its pending set', 'signal');
  }
}
