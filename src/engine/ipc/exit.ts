// exit() and wait() as IpC (KylinX Table 2): the child writes its status into the pair's shared page and
// sends SIGCHLD over their link (ipc/signal.ts, from the lifecycle's terminate); a parent blocked in wait
// is woken and reaps it. The lifecycle (engine/lifecycle.ts) does the work; this adds the modeled cost.

import type { Domain } from '../domain.js';
import type { Hypervisor } from '../hypervisor.js';
import * as life from '../lifecycle.js';
import { firstContactCost } from './link.js';

export interface Exited extends life.Timed {
  firstContact: boolean;
  /** The status the parent sees (the low 8 bits of the one given). */
  status: number;
}

export function ipcExit(hv: Hypervisor, d: Domain, status: number): Exited {
  const t = life.exit(hv, d, status);
  // Nobody to tell over IpC (Domain-0 is the parent): the toolstack sees the exit.
  if (!t.told) return { latencyUs: hv.cost.us('signal_default'), firstContact: false, status: t.status };
  let latencyUs = hv.cost.us('ipc_call') + hv.cost.us('shared_page_write');
  if (t.told.via === 'domain-0') latencyUs += hv.cost.us('signal_default');
  else latencyUs += hv.cost.us('evtchn_notify') + (t.told.via === 'first-contact' ? firstContactCost(hv.cost) : 0);
  if (t.reapedByWaiter) latencyUs += hv.cost.us('reap');
  return { latencyUs, firstContact: t.told.via === 'first-contact', status: t.status };
}

export function ipcWait(hv: Hypervisor, d: Domain, child?: Domain): life.Waited & life.Timed {
  const w = life.wait(hv, d, child);
  return { ...w, latencyUs: hv.cost.us('ipc_call') + (w.reaped ? hv.cost.us('reap') : 0) };
}
