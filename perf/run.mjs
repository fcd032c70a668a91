#!/usr/bin/env node
// The performance harness (`npm run perf`, `npm run perf -- --json`): every row in perf/rows/ measures
// one figure of DESIGN.md §6 in this run, as a ratio against a baseline measured in the same run where
// the figure is a ratio. Rows import the built dist/, never the TypeScript sources.
//
//   npm run perf                  a table
//   npm run perf -- --json        {"<figure>": {"value": n, "unit": "...", "budget": n, "ok": true|false}}
//   npm run perf -- startup_ratio only the rows named

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { which } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(join(here, 'rows'))
  .filter((f) => f.endsWith('.mjs'))
  .sort();
const rows = [];
for (const f of files) {
  const row = (await import(pathToFileURL(join(here, 'rows', f)).href)).default;
  if (only.length === 0 || only.includes(row.name)) rows.push(row);
}

// Up front: the rows that need a tool beyond Node (a row's `needs`), and whether this machine has it.
const tools = [...new Set(rows.flatMap((r) => r.needs ?? []))];
for (const tool of tools) {
  const names = rows.filter((r) => (r.needs ?? []).includes(tool)).map((r) => r.name);
  const where = which(tool);
  process.stderr.write(
    `${names.join(', ')} need${names.length === 1 ? 's' : ''} ${tool === 'cc' ? 'a C compiler (cc)' : tool}: ` +
      (where
        ? `found ${where}\n`
        : `not found, so ${names.length === 1 ? 'that row is' : 'those rows are'} not measured\n`),
  );
}

const results = {};
for (const row of rows) {
  if (!json) process.stderr.write(`measuring ${row.name} ...\n`);
  let r;
  try {
    r = await row.measure();
  } catch (e) {
    r = { value: null, note: `failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const ok = r.value === null ? false : row.compare === '>=' ? r.value >= row.budget : r.value <= row.budget;
  results[row.name] = {
    value: r.value,
    unit: row.unit,
    budget: row.budget,
    ok,
    ...(r.note ? { note: r.note } : {}),
    ...(r.extra ?? {}),
  };
}

if (json) {
  process.stdout.write(JSON.stringify(results) + '\n');
} else {
  const rows = [['figure', 'value', 'unit', 'budget', 'ok', 'note']];
  for (const [name, r] of Object.entries(results)) {
    rows.push([
      name,
      r.value === null ? '-' : String(r.value),
      r.unit,
      `${r.budget}`,
      r.ok ? 'yes' : 'NO',
      r.note ?? '',
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    process.stdout.write(
      r
        .map((c, i) => c.padEnd(w[i]))
        .join('  ')
        .trimEnd() + '\n',
    );
}
process.exitCode = Object.values(results).every((r) => r.ok) ? 0 : 1;
