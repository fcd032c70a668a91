// kill: send a POSIX signal to a pVM from Domain-0 (the toolstack) or from a pVM of its family, over the
// pair's shared page and event channel (engine/ipc/signal.ts). The output says what the signal did.

import { DOM0 } from '../engine/domain.js';
import { sendSignal } from '../engine/ipc/signal.js';
import type { Domain } from '../engine/domain.js';
import { SIGNALS } from '../engine/signals.js';
import { type ArgSpec, option } from './args.js';
import { badArg, pvm, signal } from './kinds.js';
import { command } from './types.js';

const ACTION_TEXT = {
  terminated: 'terminated',
  stopped: 'stopped (state p until SIGCONT)',
  continued: 'continued',
  handled: "handled by the image's handler",
  ignored: 'ignored',
  pending: 'pending (the pVM is stopped; SIGCONT delivers it)',
} as const;

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
    'ignored, STOP/CONT pause and resume; an image may catch or ignore signals (sig_handlers, sig_ignore),',
    'except SIGKILL and SIGSTOP.',
  ].join('\n'),
  run(ctx, a, o) {
    const hv = ctx.hv;
    const { sig, target } = a.args;
    const from = o.from ?? hv.dom0;
    const s = sendSignal(hv, hv.ipc, from, target, sig);
    const via = from.domid === DOM0 ? '' : s.firstContact ? ' (first contact: trust verified, channel set up)' : '';
    return {
      text: `${sig} (${SIGNALS[sig]!.number}) from ${from.name} to ${target.name}: ${ACTION_TEXT[s.action]}${via}`,
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
