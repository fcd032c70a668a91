// What a blocked pVM waits on, in a few words, from the engine's Waiting (waiting.ts): `wait` (any
// child) or `wait web.2`, `read p1`, `write p1`, `msgrcv q1 t5` (the type it wants; t≤5 for a negative
// selector, no type for any), `msgsnd q1`. The tree and the IpC panel say it the same way.

import type { Engine } from '../engine/index.js';
import type { Waiting } from '../engine/waiting.js';

export function waitLabel(hv: Engine, w: Waiting): string {
  switch (w.call) {
    case 'wait':
      return w.child === null ? 'wait' : `wait ${hv.domains.get(w.child)?.name ?? `#${w.child}`}`;
    case 'read':
    case 'write':
      return `${w.call} p${w.pipe}`;
    case 'msgrcv':
      return `msgrcv q${w.msqid}${typeWanted(w.type)}`;
    case 'msgsnd':
      return `msgsnd q${w.msqid}`;
  }
}

/** msgrcv's type selector as the panels write it: ` t5`, ` t≤5` (the lowest type up to 5), '' (any). */
export function typeWanted(type: number): string {
  if (type === 0) return '';
  return type > 0 ? ` t${type}` : ` t≤${-type}`;
}
