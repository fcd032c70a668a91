// The open cost model: `costs` lists every primitive of src/engine/cost.ts (value on this host, unit,
// the bench rows it was fitted to, source); `cost NAME=VALUE` overrides one for this session (saved
// with the state, taken by bench's engines); `cost --reset` goes back to the table.

import { COSTS, type CostEntry, PRIMITIVES, type Primitive } from '../engine/cost.js';
import { checkCostValue, primitiveNamed } from '../engine/cost-model.js';
import { flag, many, maybe, usageError } from './args.js';
import { num } from './explain.js';
import { table } from './format.js';
import { badArg, formOf, type Kind, word } from './kinds.js';
import { command, type AnyCommand } from './types.js';
import type { Engine } from '../engine/index.js';

interface CostRow {
  name: Primitive;
  us: number;
  table_us: number;
  unit: string;
  overridden: boolean;
  calibrates: string[];
  source: string;
}

function costRow(hv: Engine, p: Primitive): CostRow {
  const e: CostEntry = COSTS[p];
  return {
    name: p,
    us: hv.cost.value(p),
    table_us: e.us,
    unit: `us/${e.per}`,
    overridden: hv.cost.isOverridden(p),
    calibrates: [...(e.calibrates ?? [])],
    source: e.source,
  };
}

const costs = command({
  name: 'costs',
  family: 'session',
  summary: 'List the cost model: every primitive, its value, unit, the bench rows it calibrates, its source',
  args: { name: maybe(word, 'name') },
  help: 'cost NAME=VALUE overrides one; bench, --explain and every modeled latency use the values shown here.',
  run(ctx, a) {
    const names = a.name === undefined ? PRIMITIVES : [primitiveNamed(a.name)];
    const rows = names.map((p) => costRow(ctx.hv, p));
    const cells: (string | number)[][] = [['name', 'value', 'unit', 'calibrates', 'source']];
    for (const r of rows)
      cells.push([
        r.name,
        r.overridden ? `${num(r.us)} (table ${num(r.table_us)})` : Number(num(r.us)),
        r.unit,
        r.calibrates.length > 0 ? r.calibrates.join(', ') : '-',
        r.source,
      ]);
    const over = rows.filter((r) => r.overridden).length;
    const tail = a.name === undefined ? `\n${rows.length} primitives, ${over} overridden on this host` : '';
    return { text: table(cells) + tail, data: { costs: rows } };
  },
});

/**
 * `NAME=VALUE` (an override, checked) or `NAME` (for --reset): a value that is not a number of µs is a
 * usage error; a name that is no cost keeps its own error (ENOENT, with the closest name).
 */
const costWord: Kind<{ name: Primitive; value: number | undefined }> = {
  kind: 'word',
  parse(w) {
    const eq = w.indexOf('=');
    if (eq === 0) badArg(`'${w}' is not NAME=VALUE (e.g. cost xs_op=150)`);
    const name = primitiveNamed(eq < 0 ? w : w.slice(0, eq));
    if (eq < 0) return { name, value: undefined };
    const text = w.slice(eq + 1);
    const v = /^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$/i.test(text) ? Number(text) : text;
    return { name, value: formOf(() => checkCostValue(name, v)) };
  },
};

const cost = command({
  name: 'cost',
  family: 'session',
  summary: 'Override cost constants for this session (NAME=VALUE, µs per unit), or --reset them',
  usage: '<name=value>... | --reset [name...]',
  args: { words: many(costWord, { optional: true, label: 'name=value' }) },
  options: { reset: flag('back to the table value (the names given, or every one)') },
  help: 'Example: cost xs_op=150 (XenStore twice as fast), then bench boot. costs lists the names; the state file keeps the overrides.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    if (o.reset) {
      const given = a.words.find((x) => x.value !== undefined);
      if (given) usageError(ctx.spec('cost')!, `--reset takes names, not ${given.name}=${num(given.value!)}`);
      const names = a.words.map((x) => x.name);
      const was =
        names.length > 0
          ? names.filter((p) => hv.cost.isOverridden(p))
          : PRIMITIVES.filter((p) => hv.cost.isOverridden(p));
      if (names.length === 0) hv.cost.reset();
      else for (const p of names) hv.cost.reset(p);
      return {
        text:
          was.length === 0
            ? 'no override to reset'
            : `back to the table: ${was.map((p) => `${p} ${num(COSTS[p].us)}`).join(', ')}`,
        data: { reset: was, overrides: hv.cost.overrides() },
      };
    }
    if (a.words.length === 0) usageError(ctx.spec('cost')!, 'missing name=value (e.g. cost xs_op=150), or --reset');
    const bare = a.words.find((x) => x.value === undefined);
    if (bare)
      usageError(
        ctx.spec('cost')!,
        `'${bare.name}' is not NAME=VALUE (e.g. cost ${bare.name}=${num(COSTS[bare.name].us / 2)})`,
      );
    // Every word was checked before any is applied: a bad one changes nothing.
    const set = a.words.map((x): [Primitive, number] => [x.name, x.value!]);
    const lines = set.map(([p, v]) => {
      const before = hv.cost.value(p);
      hv.cost.set(p, v);
      return `${p}: ${num(before)} -> ${num(v)} us/${COSTS[p].per}${v === COSTS[p].us ? ' (the table value)' : ` (table ${num(COSTS[p].us)})`}`;
    });
    return {
      text: lines.join('\n'),
      data: { set: Object.fromEntries(set), overrides: hv.cost.overrides() },
    };
  },
});

export const COST_COMMANDS: AnyCommand[] = [costs, cost];
