// What stays in the output pane after a mechanism's animation, animated or not (so the pane reads the
// same with `animate off`): a fork's steps with their modeled times on one line, an update's stages as
// bars on one scale for every pVM updated.

import type { Animation } from '../../commands/effects.js';
import { latency } from '../../commands/format.js';

const BAR = 24;

function forkRecord(a: Extract<Animation, { mechanism: 'fork-steps' }>): string {
  const first = a.children[0];
  if (!first) return '';
  const sync = a.steps.filter((s) => !s.async);
  const link = a.steps.find((s) => s.async);
  const total = sync.reduce((t, s) => t + s.us, 0);
  const parts = sync.map((s) => `${s.short} ${latency(s.us)}`).join(' · ');
  const rest = a.children.length > 1 ? `; ${a.children.length - 1} more the same way` : '';
  return `do_fork ${first.name}: ${parts} = ${latency(total)}${link ? `; then ${link.short} ${latency(link.us)} (asynchronous)` : ''}${rest}`;
}

function updateRecord(a: Extract<Animation, { mechanism: 'update-stages' }>): string {
  // One scale for every stage of every pVM: bars compare across stages and pVMs.
  const top = Math.max(1e-9, ...a.pvms.flatMap((p) => [p.waitUs, ...p.stages.map((s) => s.us)]));
  const bar = (us: number): string => '▇'.repeat(us > 0 ? Math.max(1, Math.round((us / top) * BAR)) : 0);
  const lines: string[] = [];
  for (const p of a.pvms) {
    if (p.waitUs > 0)
      lines.push(`  ${p.name} wait until quiescent   ${latency(p.waitUs).padStart(10)} ${bar(p.waitUs)}`);
    for (const s of p.stages)
      lines.push(
        `  ${p.name} stage ${s.stage} ${s.name.padEnd(18)} ${latency(s.us).padStart(10)} ${bar(s.us)}${s.stage > 1 ? '  (paused)' : '  (serving)'}`,
      );
  }
  return lines.join('\n');
}

/** The record of an animated mechanism, as text (empty when there is nothing to record). */
export function recordText(a: Animation): string {
  switch (a.mechanism) {
    case 'fork-steps':
      return forkRecord(a);
    case 'update-stages':
      return updateRecord(a);
  }
}
