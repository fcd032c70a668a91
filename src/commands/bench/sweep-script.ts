// A script as a sweep's target: its swept variables ($NAME or ${NAME}) replaced by the point's values,
// run on the point's sandbox, its outcomes read as rows: each command's modeled latency, their total,
// and the numbers at the paths --read names in each command's JSON data. A command that fails fails the
// point, with the script's file and line.

import { splitLine } from '../lex.js';
import type { Outcome, Sandbox } from '../types.js';
import type { ScriptTarget, SweepRow } from './sweep-targets.js';

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The names a script uses as $NAME or ${NAME}. */
export function scriptVariables(text: string): Set<string> {
  return new Set([...text.matchAll(VAR)].map((m) => (m[1] ?? m[2])!));
}

/** The script with the swept variables replaced by their values; other $words are left as written. */
export function substitute(text: string, vars: Record<string, string | number>): string {
  return text.replace(VAR, (whole, a: string | undefined, b: string | undefined) => {
    const v = vars[(a ?? b)!];
    return v === undefined ? whole : String(v);
  });
}

/** A number at a dotted path of a command's JSON data, or undefined. */
function numberAt(data: unknown, path: string): number | undefined {
  let v: unknown = data;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === 'number' ? v : undefined;
}

/** A command of a swept script that failed at a point: its code and message, as the shell gave them. */
export class ScriptFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The script's commands as written (before $NAME is replaced), to name each command's series. */
function commandsAsWritten(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    try {
      return splitLine(line).map((c) => c.text);
    } catch {
      return [];
    }
  });
}

/** A script run in a sandbox as rows: each modeled latency, their total, and the numbers --read names. */
export function scriptRows(t: ScriptTarget, box: Sandbox, vars: Record<string, string | number>): SweepRow[] {
  const outs: Outcome[] = box.run(substitute(t.text, vars), t.name);
  for (const o of outs) if (!o.ok) throw new ScriptFailed(o.error.code, `${o.where}${o.command}: ${o.error.message}`);
  const written = commandsAsWritten(t.text);
  const rows: SweepRow[] = [];
  let total = 0;
  outs.forEach((o, i) => {
    if (!o.ok) return;
    const name = `${i + 1}: ${written[i] ?? o.line.trim()}`;
    const us = o.result.latencyUs;
    if (us !== undefined) {
      total += us;
      rows.push({ series: `${name} (latency)`, unit: 'us', model: us, paper: null });
    }
    for (const path of t.read) {
      const v = numberAt(o.result.data, path);
      if (v !== undefined) rows.push({ series: `${name}: ${path}`, unit: '', model: v, paper: null });
    }
  });
  rows.push({ series: 'total modeled latency', unit: 'us', model: Math.round(total * 10) / 10, paper: null });
  return rows;
}
