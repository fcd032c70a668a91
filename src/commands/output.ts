// How outcomes read as text and JSON (DESIGN.md §3): text for people, one JSON object per command for
// programs. No colour and no escape codes here: scripts and pipes get plain text.

import type { EngineEvent } from '../engine/hypervisor.js';
import type { Done, Failed, Outcome } from './types.js';

/** Events worth a line of their own after a command's text: what happened to someone else. */
const ASIDE_EVENTS = new Set(['woke', 'reparented', 'signal', 'delivered', 'sigchld']);

export function outcomeJson(o: Outcome): Record<string, unknown> {
  if (!o.ok)
    return { command: o.command, ok: false, error: { code: o.error.code, message: o.where + o.error.message } };
  const out: Record<string, unknown> = { command: o.command, ok: true };
  if (o.result.latencyUs !== undefined) out.latency_us = o.result.latencyUs;
  out.data = o.result.cost ? { ...o.result.data, cost: o.result.cost } : o.result.data;
  // The events the text shows as "» ..." lines, each with what it carried (a wake-up: what the call
  // returned); absent when the command caused none, so a plain command's object keeps its shape.
  const events = asides(o).map((e) => ({
    kind: e.kind,
    pvm: e.name,
    domid: e.domid,
    text: e.text,
    data: e.data ?? {},
  }));
  if (events.length > 0) out.events = events;
  return out;
}

function asides(o: Done): EngineEvent[] {
  return o.events.filter((e) => ASIDE_EVENTS.has(e.kind));
}

/** The error line: "demo.kx:3: fork: no pVM named 'wbe' (did you mean 'web'?)". */
export function errorLine(o: Failed): string {
  return `${o.where}${o.command ? `${o.command}: ` : ''}${o.error.message}`;
}

/** A result's text, then a line for each event that happened to someone else. */
export function outcomeText(o: Done): string {
  return withAsides(o.result.text, o);
}

/** Whether an event of this kind is said in the command's text already (as an aside). */
export function isAside(kind: string): boolean {
  return ASIDE_EVENTS.has(kind);
}

/** `text` followed by the outcome's aside events ("» web.2 woke ..."). */
export function withAsides(text: string, o: Done): string {
  let t = text;
  for (const e of asides(o)) t = t ? `${t}\n» ${e.text}` : `» ${e.text}`;
  return t;
}
