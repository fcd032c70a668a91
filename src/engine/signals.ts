// POSIX signals as KylinX pVMs see them: numbers and default actions (signal(7)).
// Dispositions (default, a handler the image declares, ignore) are read here; delivery through the pair's
// shared page and event channel, with the default actions, is the IpC subsystem's (ipc/signal.ts).

import { fail } from './errors.js';
import type { ImageConfig, KeySpec } from './image.js';

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
  if (!SIGNALS[name])
    fail(
      'EINVAL',
      `unknown signal '${text}' (known: ${Object.keys(SIGNALS)
        .map((s) => s.slice(3))
        .join(' ')})`,
    );
  return name;
}

/** What an appliance does with a signal: its default action, a handler it declares, or ignore. */
export type Disposition = 'default' | 'catch' | 'ignore';

/** Signals that can be neither caught nor ignored (signal(7)). */
export const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** Why a list of signal names (an image's sig_handlers or sig_ignore) is wrong, or null. */
export function signalListProblem(v: unknown): string | null {
  if (!Array.isArray(v)) return 'must be a [list] of signal names';
  for (const x of v) {
    if (typeof x !== 'string' && typeof x !== 'number') return 'must list signal names, like ["SIGUSR1"]';
    const sig = signalName(String(x));
    if (!sig) return `names '${x}', which is not a signal (known: ${Object.keys(SIGNALS).join(' ')})`;
    if (UNCATCHABLE.has(sig)) return `names ${sig}, which can be neither caught nor ignored`;
  }
  return null;
}

/** KILL, SIGKILL, kill or 9 as SIGKILL; undefined if no such signal. */
function signalName(text: string): string | undefined {
  try {
    return parseSignal(text);
  } catch {
    return undefined;
  }
}

/** The signals an image lists under `key` (validated when the image was read). */
function declared(image: ImageConfig, key: 'sig_handlers' | 'sig_ignore'): Set<string> {
  const list = image.raw[key];
  const out = new Set<string>();
  if (!Array.isArray(list)) return out;
  for (const v of list) {
    const sig = signalName(String(v));
    if (sig && !UNCATCHABLE.has(sig)) out.add(sig);
  }
  return out;
}

/** The disposition an image declares for a signal (SIGKILL and SIGSTOP always take their default). */
export function dispositionOf(image: ImageConfig, sig: string): Disposition {
  const catches = declared(image, 'sig_handlers');
  const ignores = declared(image, 'sig_ignore');
  if (UNCATCHABLE.has(sig)) return 'default';
  if (catches.has(sig)) return 'catch';
  if (ignores.has(sig)) return 'ignore';
  return 'default';
}

/** The image keys of signal dispositions (config.ts adds them to the image key table). */
export const SIGNAL_IMAGE_KEYS: Record<string, KeySpec> = {
  sig_handlers: {
    type: 'list',
    check: signalListProblem,
    summary: 'signals the appliance catches with a handler, e.g. ["SIGUSR1", "SIGHUP"] (not SIGKILL or SIGSTOP)',
  },
  sig_ignore: {
    type: 'list',
    check: signalListProblem,
    summary: 'signals the appliance ignores, e.g. ["SIGPIPE"] (not SIGKILL or SIGSTOP)',
  },
};
