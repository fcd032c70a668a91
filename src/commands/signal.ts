// kill: send a POSIX signal to a pVM from Domain-0 (the toolstack) or from a pVM of its family, over the
// pair's shared page and event channel (engine/ipc/signal.ts). The output says what the signal did.

import { DOM0 } from '../engine/domain.js';
import { sendSignal, type SignalAction } from '../engine/ipc/signal.js';
import type { Domain } from '../engine/domain.js';
import { SIGNALS } from '../engine/signals.js';
import { type ArgSpec, option } from './args.js';
import { badArg, pvm, signal } from './kinds.js';
import { command } from './types.js';

/** What the signal did, as the command's line says it (the target's state after it, where it matters). */
function actionText(action: SignalAction, target: Domain): string {
  switch (action) {
    case 'terminated':
      return 'terminated';
    case 'stopped':
      return `stopped (state p until SIGCONT${target.paused ? '; also paused by the toolstack' : ''})`;
    case 'continued':
      return target.paused ? 'continued, still paused by the toolstack (unpause resumes it)' : 'continued';
    case 'handled':
      return "handled by the image's handler";
    case 'ignored':
      return target.paused && !target.stopped ? 'ignored (paused, not stopped: unpause resumes it)' : 'ignored';
    case 'pending':
      return target.stopped
        ? 'pending (the pVM is stopped; SIGCONT delivers it)'
        : 'pending (the pVM is paused; unpause delivers it)';
    case 'zombie':
      return `no effect (${target.name} has exited; a zombie until its parent waits)`;
  }
}

/** `[-SIG] <pvm>`: a signal (default SIGTERM) is told from the pVM by its leading dash. */
const signalAndTarget: ArgSpec<{ sig: string; target: Domain }> = {
  kind: 'pvm',
  label: 'args',
  optional: false,
  rest: true,
  value(ws, ctx) {
    if (ws.length === 2 && ws[0]!.startsWith('-'))
      return { sig: signal.parse(ws[0]!, ctx, 'signal'), target: pvm.parse(ws[1]!, ctx, 'pvm') };
    if (ws.length !== 1) badArg('give one pVM');
    return { sig: 'SIGTERM', target: pvm.parse(ws[0]!, ctx, 'pvm') };
  },
};

export const kill = command({
  name: 'kill',
  family: 'lifecycle',
  summary: 'Send a signal (default SIGTERM) to a pVM, from Domain-0 or from another pVM of its family',
  usage: '[-SIG] <pvm> [--from <pvm>]',
  args: { args: signalAndTarget },
  options: { from: option(pvm, 'the sending pVM (default: Domain-0, the toolstack)') },
  help: [
    'Signals: -KILL, -TERM, -9, -SIGUSR1, -STOP, -CONT ... Only pVMs of one family may signal each other;',
    'Domain-0 may signal anyone. Default actions as POSIX: TERM/INT/HUP/USR1/USR2/PIPE terminate, CHLD is',
    'ignored, STOP stops and CONT continues (job control: apart from pause/unpause, which SIGCONT does not',
    'undo); an image may catch or ignore signals (sig_handlers, sig_ignore), except SIGKILL and SIGSTOP.',
    'A signal to a zombie succeeds and does nothing, as kill(2). Stricter than Linux on purpose: pVMs of',
    'different families may not signal each other (EPERM), whatever their owner.',
  ].join('\n'),
  run(ctx, a, o) {
    const hv = ctx.hv;
    const { sig, target } = a.args;
    const from = o.from ?? hv.dom0;
    const s = sendSignal(hv, hv.ipc, from, target, sig);
    const via = from.domid === DOM0 ? '' : s.firstContact ? ' (first contact: trust verified, channel set up)' : '';
    return {
      text: `${sig} (${SIGNALS[sig]!.number}) from ${from.name} to ${target.name}: ${actionText(s.action, target)}${via}`,
      data: {
        signal: sig,
        number: SIGNALS[sig]!.number,
        target: target.name,
        domid: target.domid,
        from: from.name,
        action: s.action,
        first_contact: s.firstContact,
      },
      latencyUs: s.latencyUs,
    };
  },
});
