// A library manifest (DESIGN.md §2.5): what dom0 reads from a library's program headers and dynamic
// symbol table — name, version, soname, text and data sizes, dependencies, functions with their
// signatures, variables with their types and initial values, and the signer. The manifest is what is
// signed: its canonical serialization (keys sorted, no whitespace) is the signed message, so any change
// to any field breaks the signature.
//
// Function behaviour in the model: a function may `count` into a variable (each call adds one: the
// library's own statistics, state that must survive an online update) or `read` a variable named by
// its argument (libm's `read_global`, as in the paper's test).

import { fail } from '../errors.js';
import { isVersion, parseNeed } from './version.js';

export interface LibFunction {
  name: string;
  /** C signature, compared verbatim for binary compatibility: "double(double)". */
  sig: string;
  /** Variable this function adds one to on each call. */
  counts?: string;
  /** Returns the value of the variable its argument names. */
  reads?: boolean;
}

export interface LibVariable {
  name: string;
  /** C type, compared verbatim for binary compatibility: "long". */
  type: string;
  init: number;
}

export interface Manifest {
  name: string;
  version: string;
  soname: string;
  text_kb: number;
  data_kb: number;
  /** Dependencies: "libcrypto >=1.1 <1.2". */
  needs: string[];
  functions: LibFunction[];
  variables: LibVariable[];
  signer: string;
  description?: string;
}

/** How the file-reading layer judged a manifest's detached signature (src/dl-io.ts, node:crypto). */
export type SignatureStatus = 'valid' | 'bad-signature' | 'unsigned' | 'unknown-signer';

export interface Verdict {
  status: SignatureStatus;
  /** Algorithm of the signature, e.g. "ed25519". */
  algorithm: string;
  /** SHA-256 of the canonical manifest, hex. */
  sha256: string;
  /** One line: why the signature is or is not good. */
  detail: string;
}

/** A library in the host's store: its manifest, where it came from, and the signature verdict. */
export interface LibraryEntry {
  manifest: Manifest;
  file: string;
  verdict: Verdict;
}

export const LIB_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SYMBOL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function libKey(name: string, version: string): string {
  return `${name}@${version}`;
}

/** Canonical JSON: object keys sorted, no whitespace. The bytes a signature covers. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Validate a parsed manifest document; every error names the file and the field. */
export function validateManifest(doc: unknown, file: string): Manifest {
  const bad = (why: string): never => fail('EINVAL', `${file}: ${why}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) bad('a manifest is a JSON object');
  const o = doc as Record<string, unknown>;
  const str = (k: string): string =>
    typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : bad(`'${k}' must be a non-empty string`);
  const kib = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v % 4 !== 0)
      bad(`'${k}' must be a whole number of pages in KiB (a multiple of 4)`);
    return v as number;
  };
  const name = str('name');
  if (!LIB_NAME_RE.test(name)) bad(`library name '${name}' must start with a letter and hold letters, digits, - or _`);
  const version = str('version');
  if (!isVersion(version)) bad(`version '${version}' must be dotted whole numbers, e.g. 1.16`);
  const text_kb = kib('text_kb');
  if (text_kb === 0) bad("'text_kb' must be at least 4 (one page of code)");
  const list = (k: string): unknown[] => (Array.isArray(o[k]) ? (o[k] as unknown[]) : bad(`'${k}' must be a list`));
  const needs = list('needs').map((n) =>
    typeof n === 'string' ? n : bad('\'needs\' must list strings like "libz >=1.2"'),
  );
  for (const n of needs) if (parseNeed(n, `${file}: needs`).lib === name) bad(`${name} cannot need itself`);
  const variables = list('variables').map((v, i) => {
    const e = (v ?? {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || !SYMBOL_RE.test(e.name)) bad(`variables[${i}] needs a C identifier as 'name'`);
    if (typeof e.type !== 'string' || e.type === '') bad(`variable ${String(e.name)} needs a 'type'`);
    if (typeof e.init !== 'number' || !Number.isFinite(e.init))
      bad(`variable ${String(e.name)} needs a number as 'init'`);
    return { name: e.name as string, type: e.type as string, init: e.init as number };
  });
  const varNames = new Set(variables.map((v) => v.name));
  if (varNames.size !== variables.length) bad('a variable is listed twice');
  const functions = list('functions').map((f, i) => {
    const e = (f ?? {}) as Record<string, unknown>;
    if (typeof e.name !== 'string' || !SYMBOL_RE.test(e.name)) bad(`functions[${i}] needs a C identifier as 'name'`);
    if (typeof e.sig !== 'string' || !/^.+\(.*\)$/.test(e.sig))
      bad(`function ${String(e.name)} needs a C signature as 'sig', e.g. "double(double)"`);
    const out: LibFunction = { name: e.name as string, sig: e.sig as string };
    if (e.counts !== undefined) {
      if (typeof e.counts !== 'string' || !varNames.has(e.counts))
        bad(`function ${out.name} counts into '${String(e.counts)}', which is not one of its variables`);
      out.counts = e.counts as string;
    }
    if (e.reads !== undefined) {
      if (e.reads !== true) bad(`function ${out.name}: 'reads' may only be true`);
      out.reads = true;
    }
    return out;
  });
  if (new Set(functions.map((f) => f.name)).size !== functions.length) bad('a function is listed twice');
  if (functions.length === 0) bad('a library exports at least one function');
  const dataNeeded = Math.ceil((variables.length * 8) / 4096) * 4;
  const data_kb = kib('data_kb');
  if (data_kb === 0) bad("'data_kb' must be at least 4 (one page of .data)");
  if (data_kb < dataNeeded)
    bad(`data_kb ${data_kb} cannot hold ${variables.length} variables of 8 bytes (${dataNeeded} KiB at least)`);
  const m: Manifest = {
    name,
    version,
    soname: str('soname'),
    text_kb,
    data_kb,
    needs,
    functions,
    variables,
    signer: str('signer'),
  };
  if (o.description !== undefined) m.description = str('description');
  const known = new Set([
    'name',
    'version',
    'soname',
    'text_kb',
    'data_kb',
    'needs',
    'functions',
    'variables',
    'signer',
    'description',
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) bad(`unknown field '${k}'`);
  return m;
}

export function textPages(m: Manifest): number {
  return m.text_kb / 4;
}

export function dataPages(m: Manifest): number {
  return m.data_kb / 4;
}

/** The data page holding variable number `i` (8 bytes each, in order). */
export function variablePage(i: number): number {
  return Math.floor((i * 8) / 4096);
}
