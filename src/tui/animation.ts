// The console's drawing of a mechanism a command animates (an `animate` effect): log lines that show
// it step by step. Each Animation variant (src/commands/effects.ts) is drawn here.

import type { Animation } from '../commands/effects.js';

/** The lines that draw an animation in the log. */
export function animationLines(a: Animation): string[] {
  switch (a.mechanism) {
    case 'update-stages':
      return updateStages(a.pvms);
  }
}

/** An update's four stages (Fig. 7) per pVM, each with a bar of its share of the longest. */
function updateStages(pvms: Extract<Animation, { mechanism: 'update-stages' }>['pvms']): string[] {
  const out: string[] = [];
  for (const p of pvms) {
    const top = Math.max(1, ...p.stages.map((s) => s.us));
    for (const s of p.stages)
      out.push(
        `${''.padEnd(9)}   ${p.name} stage ${s.stage} ${s.name.padEnd(18)} ${`${s.us.toFixed(1)} µs`.padStart(10)} ${'▇'.repeat(Math.max(1, Math.round((s.us / top) * 20)))}`,
      );
  }
  return out;
}
