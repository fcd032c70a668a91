// A pVM runs again (xl unpause of a pVM not stopped, or SIGCONT of one not paused): first the signals
// that waited while it could not run are acted on (one may end it), then its blocked call goes on with
// what happened meanwhile, as a continued process returns from the stop and re-checks what it sleeps on:
// data written to its pipe, a message for its msgrcv, a child that exited or was destroyed, the peer gone.

import { isZombie, type Domain } from '../domain.js';
import type { Hypervisor } from '../hypervisor.js';
import { finishWait } from '../lifecycle.js';
import { resumeMsgrcv, resumeMsgsnd } from './msg.js';
import { resumeRead, resumeWrite } from './pipe.js';
import { deliverHostSignal, flushPending } from './signal.js';
import type { IpcState } from './state.js';

export function resume(hv: Hypervisor, ipc: IpcState, d: Domain): void {
  flushPending(hv, ipc, d);
  const w = d.waiting;
  if (isZombie(d) || !w) return;
  switch (w.call) {
    case 'wait':
      finishWait(hv, d);
      return;
    case 'read':
      return resumeRead(hv, ipc, d, w);
    case 'write': {
      const raised = resumeWrite(hv, ipc, d, w);
      if (raised) deliverHostSignal(hv, ipc, raised);
      return;
    }
    case 'msgrcv':
      return resumeMsgrcv(hv, ipc, d, w);
    case 'msgsnd':
      return resumeMsgsnd(hv, ipc, d, w);
  }
}
