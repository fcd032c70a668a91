// The pipe calls as a pVM makes them, with their boundary: the mechanism runs to the end (pipe.ts), then
// what it raised (SIGPIPE on a pipe without a reader) is delivered, as xv6 acts on `killed` on the way
// back to user space. A termination therefore never re-enters pipe.ts in the middle of a write or close.

import type { Hypervisor } from '../hypervisor.js';
import { closePipe, type Closed, type End, writePipe, type Written } from './pipe.js';
import { deliverHostSignal } from './signal.js';
import type { IpcState, Pipe } from './state.js';

/** write(): pipe.ts's writePipe, then the SIGPIPE it raised. */
export function write(hv: Hypervisor, ipc: IpcState, pipe: Pipe, bytes: Uint8Array): Written {
  const w = writePipe(hv, ipc, pipe, bytes);
  if (w.raised) deliverHostSignal(hv, ipc, w.raised);
  return w;
}

/** close() of one end, then the SIGPIPE raised at a writer waiting for space; `removed`: the pipe is gone. */
export function close(hv: Hypervisor, ipc: IpcState, pipe: Pipe, end: End): Closed & { removed: boolean } {
  const c = closePipe(hv, ipc, pipe, end);
  if (c.raised) deliverHostSignal(hv, ipc, c.raised);
  return { ...c, removed: !ipc.pipes.has(pipe.id) };
}
