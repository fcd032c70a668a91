// How outcomes are printed in the scripted modes: text for people, one JSON object per command for
// programs (DESIGN.md §3). No colour and no escape codes here: scripts and pipes get plain text.

import type { Outcome } from './types.js';

/** Events worth a line of their own after a command's text: what happened to someone else. */
const ASIDE_EVENTS = new Set(['woke', 'reparented', 'signal', 'delivered', 'sigchld']);

export function outcomeJson(o: Outcome): Record<string, unknown> {
  if (!o.ok)
    return { command: o.command, ok: false, error: { code: o.error!.code, message: o.where + o.error!.message } };
  const out: Record<string, unknown> = { command: o.command, ok: true };
  if (o.result!.latencyUs !== undefined) out.latency_us = o.result!.latencyUs;
  out.data = o.result!.data;
  return out;
}

/** The error line: "demo.kx:3: fork: no pVM named 'wbe' (did you mean 'web'?)". */
export function errorLine(o: Outcome): string {
  return `${o.where}${o.command ? `${o.command}: ` : ''}${o.error!.message}`;
}

export function outcomeText(o: Outcome): string {
  let text = o.result!.text;
  for (const e of o.events) if (ASIDE_EVENTS.has(e.kind)) text = text ? `${text}\n» ${e.text}` : `» ${e.text}`;
  return text;
}

export function printer(json: boolean, out: (s: string) => void, err: (s: string) => void): (o: Outcome) => void {
  return (o) => {
    if (json) out(JSON.stringify(outcomeJson(o)) + '\n');
    else if (!o.ok) err(errorLine(o) + '\n');
    else {
      const t = outcomeText(o);
      if (t) out(t + '\n');
    }
  };
}
