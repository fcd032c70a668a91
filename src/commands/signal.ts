// kill: send a POSIX signal to a pVM from Domain-0 (the toolstack) or from a pVM of its family, over the
// pair's shared page and event channel (engine/ipc/signal.ts). The output says what the signal did.

import { DOM0 } from '../engine/domain.js';
import { sendSignal } from '../engine/ipc/signal.js';
import { parseSignal, SIGNALS } from '../engine/signals.js';
import { pvmArg, usageError } from './args.js';
import type { CommandSpec } from './types.js';

const ACTION_TEXT = {
  terminated: 'terminated',
  stopped: 'stopped (state p until SIGCONT)',
  continued: 'continued',
  handled: "handled by the image's handler",
  ignored: 'ignored',
  pending: 'pending (the pVM is stopped; SIGCONT delivers it)',
} as const;

export const kill: CommandSpec = {
  name: 'kill',
  family: 'lifecycle',
  summary: 'Send a signal (default SIGTERM) to a pVM, from Domain-0 or from another pVM of its family',
  usage: '[-SIG] <pvm> [--from <pvm>]',
  args: [{ name: 'args', kind: 'pvm', rest: true }],
  options: [{ name: 'from', value: 'pvm', summary: 'the sending pVM (default: Domain-0, the toolstack)' }],
  help: [
    'Signals: -KILL, -TERM, -9, -SIGUSR1, -STOP, -CONT ... Only pVMs of one family may signal each other;',
    'Domain-0 may signal anyone. Default actions as POSIX: TERM/INT/HUP/USR1/USR2/PIPE terminate, CHLD is',
    'ignored, STOP/CONT pause and resume; an image may catch or ignore signals (sig_handlers, sig_ignore),',
    'except SIGKILL and SIGSTOP.',
  ].join('\n'),
  run(ctx, a) {
    const hv = ctx.hv;
    let sig = 'SIGTERM';
    const words = [...a.rest];
    if (words.length === 2 && words[0]!.startsWith('-')) sig = parseSignal(words.shift()!);
    if (words.length !== 1) usageError(kill, 'give one pVM');
    const target = pvmArg(hv, words[0]!);
    const from = typeof a.opts.from === 'string' ? pvmArg(hv, a.opts.from) : hv.dom0;
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
};
