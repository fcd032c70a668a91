// The parameters of `bench sweep`: each word PARAM=A..B[:STEP] (or PARAM=a,b,c) names what varies and
// the values it takes, and the points of the sweep are every combination of them, the first parameter
// varying slowest. A parameter's name says where its value goes:
//
//   host.KEY          a key of the host file (host.cfg): the point's engine is built from the host with it
//   image.NAME.KEY    a key of image NAME: every pVM of that image the point creates has it
//   cost.NAME         a cost of the model (cost.ts), set by the `cost NAME=VALUE` command before the run
//   NAME              a count of the figure (fig5's n: pVMs booted) or a variable of the script ($NAME)
//
// Values are numbers from a range, or words from a list (host.toolstack=xs,noxs). The values of a range
// are A, A+STEP, ... up to B, computed as A + i*STEP and rounded to the step's decimals, so 0.1..0.3:0.1
// gives 0.1, 0.2, 0.3 and never 0.30000000000000004.

import { HOST_KEYS, IMAGE_KEYS } from '../../engine/config.js';
import { fail } from '../../engine/errors.js';
import type { ImageConfig } from '../../engine/image.js';
import { suggest } from '../../engine/suggest.js';

/** At most this many points in one sweep: each is a fresh engine and a whole figure. */
export const MAX_POINTS = 10_000;

export type ParamValue = number | string;

export type ParamTarget =
  | { kind: 'host'; key: string }
  | { kind: 'image'; image: string; key: string }
  | { kind: 'cost'; key: string }
  | { kind: 'count'; key: string };

export interface SweepParam {
  /** As the user wrote it: host.pcpus, image.web.memory, cost.xs_op, n. */
  name: string;
  target: ParamTarget;
  values: ParamValue[];
}

/** One point: each parameter's value, in the parameters' order. */
export type Point = ParamValue[];

const PREFIXES = ['host', 'image', 'cost'];

/** `PARAM=A..B[:STEP]` or `PARAM=a,b,c` as a parameter; `images` to check image names and keys. */
export function parseParam(word: string, images: ReadonlyMap<string, ImageConfig>): SweepParam {
  const eq = word.indexOf('=');
  if (eq <= 0 || eq === word.length - 1)
    fail('EUSAGE', `'${word}' is not PARAM=A..B[:STEP] or PARAM=a,b,c (e.g. n=100..2000:100)`);
  const name = word.slice(0, eq);
  return { name, target: targetOf(name, images), values: valuesOf(name, word.slice(eq + 1)) };
}

function targetOf(name: string, images: ReadonlyMap<string, ImageConfig>): ParamTarget {
  const parts = name.split('.');
  const head = parts[0]!;
  if (parts.length === 1) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('EUSAGE', `'${name}' is not a parameter name`);
    return { kind: 'count', key: name };
  }
  if (!PREFIXES.includes(head)) {
    const near = suggest(head, PREFIXES);
    fail(
      'EUSAGE',
      `'${name}': a parameter is host.KEY, image.NAME.KEY, cost.NAME or a count${near ? ` (did you mean '${near}.${parts.slice(1).join('.')}'?)` : ''}`,
    );
  }
  if (head === 'host' && parts.length === 2) return { kind: 'host', key: known(name, parts[1]!, HOST_KEYS, 'host') };
  if (head === 'cost' && parts.length === 2) return { kind: 'cost', key: parts[1]! };
  if (head === 'image' && parts.length === 3) {
    const image = parts[1]!;
    if (!images.has(image)) {
      const near = suggest(image, images.keys());
      fail(
        'ENOENT',
        `${name}: no image named '${image}'${near ? ` (did you mean '${near}'?)` : ` (images: ${[...images.keys()].join(', ')})`}`,
      );
    }
    if (parts[2] === 'name') fail('EINVAL', `${name}: an image's name cannot be swept`);
    return { kind: 'image', image, key: known(name, parts[2]!, IMAGE_KEYS, 'image') };
  }
  const form = head === 'image' ? 'image.NAME.KEY' : `${head}.KEY`;
  fail('EUSAGE', `'${name}' is not of the form ${form}`);
}

function known(name: string, key: string, keys: Record<string, unknown>, what: string): string {
  if (key in keys) return key;
  const near = suggest(key, Object.keys(keys));
  fail('EINVAL', `${name}: no ${what} key '${key}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

const NUMBER = /^-?[0-9]+(?:\.[0-9]+)?$/;

function valuesOf(name: string, spec: string): ParamValue[] {
  const range = /^(-?[0-9.]+)\.\.(-?[0-9.]+)(?::([0-9.]+))?$/.exec(spec);
  if (range) return rangeValues(name, range[1]!, range[2]!, range[3] ?? '1');
  if (spec.includes('..')) fail('EUSAGE', `${name}: '${spec}' is not A..B[:STEP] with numbers A, B and STEP`);
  const words = spec.split(',');
  if (words.some((w) => w === '')) fail('EUSAGE', `${name}: '${spec}' has an empty value`);
  if (words.length > MAX_POINTS) fail('E2BIG', `${name}: more than ${MAX_POINTS} values`);
  return words.map((w) => (NUMBER.test(w) ? Number(w) : w));
}

function rangeValues(name: string, a: string, b: string, step: string): ParamValue[] {
  for (const x of [a, b, step])
    if (!NUMBER.test(x)) fail('EUSAGE', `${name}: '${x}' is not a number (ranges are A..B[:STEP])`);
  const from = Number(a);
  const to = Number(b);
  const by = Number(step);
  if (!(by > 0)) fail('EUSAGE', `${name}: the step must be more than zero, not ${step}`);
  if (to < from) fail('EUSAGE', `${name}: the range ${a}..${b} runs backwards (give the smaller value first)`);
  const n = Math.floor((to - from) / by + 1e-9) + 1;
  if (n > MAX_POINTS)
    fail('E2BIG', `${name}=${a}..${b}:${step} has ${n} values, more than ${MAX_POINTS}; take a larger step`);
  const digits = Math.max(decimals(a), decimals(step));
  const f = 10 ** digits;
  return Array.from({ length: n }, (_, i) => Math.round((from + i * by) * f) / f);
}

function decimals(x: string): number {
  const dot = x.indexOf('.');
  return dot < 0 ? 0 : x.length - dot - 1;
}

/** Every combination of the parameters' values, the first parameter varying slowest. */
export function pointsOf(params: readonly SweepParam[]): Point[] {
  const total = params.reduce((n, p) => n * p.values.length, 1);
  if (total > MAX_POINTS)
    fail(
      'E2BIG',
      `the sweep has ${total} points (${params.map((p) => p.values.length).join(' x ')}), more than ${MAX_POINTS}`,
    );
  let points: Point[] = [[]];
  for (const p of params) points = points.flatMap((pt) => p.values.map((v) => [...pt, v]));
  return points;
}

/** Two parameters that set the same thing would make one of them meaningless. */
export function checkDistinct(params: readonly SweepParam[]): void {
  const seen = new Set<string>();
  for (const p of params) {
    const t = p.target;
    const key = t.kind === 'image' ? `image.${t.image}.${t.key}` : `${t.kind}.${t.key}`;
    if (seen.has(key)) fail('EUSAGE', `${p.name} is swept twice`);
    seen.add(key);
  }
}
