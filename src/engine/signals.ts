// POSIX signals as KylinX pVMs see them: numbers and default actions (signal(7)).
// Delivery lives here for the default actions of SIGKILL and SIGTERM; the IpC subsystem (ipc/) routes
// every signal through the shared page and event channel and adds handlers.

import type { Domain } from './domain.js';
import { DOM0 } from './domain.js';
import { fail } from './errors.js';
import type { Hypervisor } from './hypervisor.js';

export type DefaultAction = 'term' | 'core' | 'ignore' | 'stop' | 'cont';

export const SIGNALS: Record<string, { number: number; action: DefaultAction }> = {
  SIGHUP: { number: 1, action: 'term' },
  SIGINT: { number: 2, action: 'term' },
  SIGQUIT: { number: 3, action: 'core' },
  SIGILL: { number: 4, action: 'core' },
  SIGTRAP: { number: 5, action: 'core' },
  SIGABRT: { number: 6, action: 'core' },
  SIGBUS: { number: 7, action: 'core' },
  SIGFPE: { number: 8, action: 'core' },
  SIGKILL: { number: 9, action: 'term' },
  SIGUSR1: { number: 10, action: 'term' },
  SIGSEGV: { number: 11, action: 'core' },
  SIGUSR2: { number: 12, action: 'term' },
  SIGPIPE: { number: 13, action: 'term' },
  SIGALRM: { number: 14, action: 'term' },
  SIGTERM: { number: 15, action: 'term' },
  SIGCHLD: { number: 17, action: 'ignore' },
  SIGCONT: { number: 18, action: 'cont' },
  SIGSTOP: { number: 19, action: 'stop' },
  SIGTSTP: { number: 20, action: 'stop' },
  SIGURG: { number: 23, action: 'ignore' },
  SIGWINCH: { number: 28, action: 'ignore' },
};

/** Parse KILL, SIGKILL, kill or 9 (with or without a leading dash) into SIGKILL. */
export function parseSignal(text: string): string {
  const t = text.replace(/^-/, '');
  if (/^[0-9]+$/.test(t)) {
    const n = Number(t);
    const hit = Object.entries(SIGNALS).find(([, s]) => s.number === n);
    if (!hit) fail('EINVAL', `no signal number ${n} (try SIGTERM, SIGKILL, SIGUSR1, ...)`);
    return hit[0];
  }
  const name = t.toUpperCase().startsWith('SIG') ? t.toUpperCase() : `SIG${t.toUpperCase()}`;
  if (!SIGNALS[name]) fail('EINVAL', `unknown signal '${text}' (known: ${Object.keys(SIGNALS).map((s) => s.slice(3)).join(' ')})`);
  return name;
}

/** The family a pVM belongs to, named by its root for messages: "family web". */
export function familyName(hv: Hypervisor, d: Domain): string {
  if (d.domid === DOM0) return 'Domain-0';
  const root = hv.domains.get(d.family);
  return `family ${root ? root.name : `#${d.family}`}`;
}

/** Only pVMs of one family may talk; Domain-0 (the toolstack) may signal anyone. */
export function requireTrust(hv: Hypervisor, from: Domain, to: Domain, what: string): void {
  if (from.domid === DOM0) return;
  if (from.family !== to.family) {
    fail('EPERM', `${from.name} (${familyName(hv, from)}) may not ${what} ${to.name} (${familyName(hv, to)}): pVMs talk only inside their family`);
  }
}
