// exit() and wait() as IpC (KylinX Table 2): the child writes its status into the pair's shared page and
// sends SIGCHLD over their link (ipc/signal.ts, from the lifecycle's terminate); a parent blocked in wait
// is woken and reaps it. The lifecycle (engine/lifecycle.ts) does the work; this adds the modeled cost.

import { us } from '../cost.js';
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
  if (!t.told) return { latencyUs: t.latencyUs, firstContact: false, status: t.status };
  let latencyUs = us('ipc_call') + us('shared_page_write');
  if (t.told.via === 'domain-0') latencyUs += us('signal_default');
  else latencyUs += us('evtchn_notify') + (t.told.via === 'first-contact' ? firstContactCost() : 0);
  if (t.reapedByWaiter) latencyUs += us('reap');
  return { latencyUs, firstContact: t.told.via === 'first-contact', status: t.status };
}

export function ipcWait(hv: Hypervisor, d: Domain, child?: Domain): life.Waited {
  const w = life.wait(hv, d, child);
  return { ...w, latencyUs: us('ipc_call') + (w.reaped ? us('reap') : 0) };
}
