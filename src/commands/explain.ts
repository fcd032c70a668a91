// A modeled latency explained (`--explain`): the primitives charged while the command ran, how many
// units of each, what one costs on this host, and their sum, which is the latency the command reports.

import type { CostExplanation } from '../engine/cost-model.js';
import { COSTS } from '../engine/cost.js';
import { table } from './format.js';

/** Up to 3 decimals, without trailing zeros (2114, 0.25, 0.345). */
export function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

export function explainText(c: CostExplanation): string {
  const rows: (string | number)[][] = [['primitive', 'count', 'unit', 'µs each', 'µs']];
  for (const t of c.terms) rows.push([t.name, Number(num(t.count)), COSTS[t.name].per, Number(num(t.us_each)), t.us]);
  for (const w of c.waits ?? []) rows.push([`(${w.what})`, '', '', '', w.us]);
  rows.push(['total', '', '', '', c.total_us]);
  return table(rows)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
