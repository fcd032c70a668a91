// Shape checks for loading a state file. A hand-edited file must be refused at load with one line naming
// what is wrong (EINVAL "state: <where>.<key> must be ..."), never accepted and left to fail later inside
// a command as an internal error. Each loader checks its own section with these before trusting it.

import { fail } from './errors.js';

export type Rec = Record<string, unknown>;

/** The kinds a field may have; a trailing '?' also allows null. 'int' is a safe integer, 'nat' one >= 0. */
export type Kind =
  'num' | 'int' | 'nat' | 'str' | 'bool' | 'arr' | 'obj' | 'num?' | 'int?' | 'nat?' | 'str?' | 'arr?' | 'obj?';

const WHAT: Record<string, string> = {
  num: 'a number',
  int: 'an integer',
  nat: 'a non-negative integer',
  str: 'a string',
  bool: 'true or false',
  arr: 'an array',
  obj: 'an object',
};

function isObj(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fits(v: unknown, kind: string): boolean {
  switch (kind) {
    case 'num':
      return typeof v === 'number' && Number.isFinite(v);
    case 'int':
      return Number.isSafeInteger(v);
    case 'nat':
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'str':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'arr':
      return Array.isArray(v);
    default:
      return isObj(v);
  }
}

function bad(where: string, what: string): never {
  fail('EINVAL', `state: ${where} must be ${what}`);
}

/** `v` itself must be an object (a record of a section). */
export function record(v: unknown, where: string): Rec {
  if (!isObj(v)) bad(where, 'an object');
  return v;
}

/** Check `o[key]` is of `kind`; returns it. */
export function field(o: Rec, key: string, kind: Kind, where: string): unknown {
  const v = o[key];
  const base = kind.endsWith('?') ? kind.slice(0, -1) : kind;
  if (kind.endsWith('?') && v === null) return v;
  if (!fits(v, base)) bad(`${where}.${key}`, `${WHAT[base]!}${kind.endsWith('?') ? ' or null' : ''}`);
  return v;
}

export function num(o: Rec, key: string, where: string): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : bad(`${where}.${key}`, WHAT.num!);
}

export function int(o: Rec, key: string, where: string): number {
  const v = o[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : bad(`${where}.${key}`, WHAT.int!);
}

export function nat(o: Rec, key: string, where: string): number {
  const v = o[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : bad(`${where}.${key}`, WHAT.nat!);
}

export function str(o: Rec, key: string, where: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : bad(`${where}.${key}`, WHAT.str!);
}

export function bool(o: Rec, key: string, where: string): boolean {
  const v = o[key];
  return typeof v === 'boolean' ? v : bad(`${where}.${key}`, WHAT.bool!);
}

export function arr(o: Rec, key: string, where: string): unknown[] {
  const v = o[key];
  return Array.isArray(v) ? v : bad(`${where}.${key}`, WHAT.arr!);
}

export function obj(o: Rec, key: string, where: string): Rec {
  const v = o[key];
  return isObj(v) ? v : bad(`${where}.${key}`, WHAT.obj!);
}

/** `o[key]` as a list of non-negative integers (domids, frames, counters). */
export function natList(o: Rec, key: string, where: string): number[] {
  return arr(o, key, where).map((x, i) =>
    typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : bad(`${where}.${key}[${i}]`, WHAT.nat!),
  );
}

/** `o[key]` as a list of finite numbers. */
export function numList(o: Rec, key: string, where: string): number[] {
  return arr(o, key, where).map((x, i) =>
    typeof x === 'number' && Number.isFinite(x) ? x : bad(`${where}.${key}[${i}]`, WHAT.num!),
  );
}

/** `o[key]` as a list of strings. */
export function strList(o: Rec, key: string, where: string): string[] {
  return arr(o, key, where).map((x, i) => (typeof x === 'string' ? x : bad(`${where}.${key}[${i}]`, WHAT.str!)));
}

/** Check every field of a record against a table of kinds; returns the record. */
export function shape(v: unknown, where: string, kinds: Record<string, Kind>): Rec {
  const o = record(v, where);
  for (const [k, kind] of Object.entries(kinds)) field(o, k, kind, where);
  return o;
}

/** Every element of `o[key]` must be of `kind` (e.g. a list of domids); returns the array. */
export function arrOf(o: Rec, key: string, kind: Kind, where: string): unknown[] {
  const a = arr(o, key, where);
  for (let i = 0; i < a.length; i++) if (!fits(a[i], kind)) bad(`${where}.${key}[${i}]`, WHAT[kind]!);
  return a;
}

/** Each element of `o[key]` checked as a record with `kinds`; returns the array of records. */
export function arrShape(o: Rec, key: string, where: string, kinds: Record<string, Kind>): Rec[] {
  return arr(o, key, where).map((e, i) => shape(e, `${where}.${key}[${i}]`, kinds));
}

/** An id that must name something that exists (a domid, a vCPU uid, a port). */
export function exists(ok: boolean, where: string, what: string): void {
  if (!ok) fail('EINVAL', `state: ${where} refers to ${what}, which does not exist`);
}
