// The host's library store: every manifest found in images/lib with its signature verdict, as the
// file-reading layer (src/dl-io.ts) handed it over. The engine never reads files or checks signatures
// itself; it trusts the verdict and enforces the image's restrictions on it (restrictions.ts).
//
// The store is part of the saved state, so a restored host links exactly what the saved one could.

import { fail } from '../errors.js';
import { suggest } from '../suggest.js';
import { libKey, LibraryEntry, validateManifest } from './manifest.js';
import { compareVersions, isVersion } from './version.js';

export class LibraryStore {
  private readonly byKey = new Map<string, LibraryEntry>();

  constructor(entries: Iterable<LibraryEntry> = []) {
    for (const e of entries) {
      const k = libKey(e.manifest.name, e.manifest.version);
      if (this.byKey.has(k)) fail('EEXIST', `${e.file}: ${k} is also defined by ${this.byKey.get(k)!.file}`);
      this.byKey.set(k, e);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every entry, by name then version. */
  all(): LibraryEntry[] {
    return [...this.byKey.values()].sort(
      (a, b) =>
        a.manifest.name.localeCompare(b.manifest.name) || compareVersions(a.manifest.version, b.manifest.version),
    );
  }

  names(): string[] {
    return [...new Set(this.all().map((e) => e.manifest.name))];
  }

  versions(name: string): LibraryEntry[] {
    return this.all().filter((e) => e.manifest.name === name);
  }

  /** The entry for name@version, or ENOENT naming what there is. */
  get(name: string, version: string): LibraryEntry {
    const e = this.byKey.get(libKey(name, version));
    if (e) return e;
    const vs = this.versions(name);
    if (vs.length === 0) {
      const near = suggest(name, this.names());
      fail(
        'ENOENT',
        `no library '${name}' in the store${near ? ` (did you mean '${near}'?)` : ` (libraries: ${this.names().join(', ') || 'none'})`}`,
      );
    }
    fail('ENOENT', `no ${name} ${version} in the store (versions: ${vs.map((v) => v.manifest.version).join(', ')})`);
  }

  /** Entries of `name` (ENOENT if none), for callers that pick a version by a rule. */
  require(name: string): LibraryEntry[] {
    const vs = this.versions(name);
    if (vs.length === 0) this.get(name, '0');
    return vs;
  }

  save(): LibraryEntry[] {
    return this.all();
  }

  static load(data: unknown): LibraryStore {
    if (!Array.isArray(data)) fail('EINVAL', 'state: the library store is not a list');
    return new LibraryStore(
      (data as LibraryEntry[]).map((e) => ({
        manifest: validateManifest(e.manifest, `state: ${e.file}`),
        file: e.file,
        verdict: { ...e.verdict },
      })),
    );
  }
}

/** "libm@1.16" or "libm" -> name and optional version; EINVAL for anything else. */
export function parseLibRef(ref: string, needVersion: boolean): { name: string; version?: string } {
  const m = /^([A-Za-z][A-Za-z0-9_-]*)(?:@(.+))?$/.exec(ref);
  if (!m) fail('EINVAL', `'${ref}' is not a library (write name or name@version, e.g. libm@1.16)`);
  if (m[2] !== undefined && !isVersion(m[2]))
    fail('EINVAL', `'${m[2]}' in '${ref}' is not a version (dotted numbers, e.g. 1.18)`);
  if (needVersion && m[2] === undefined) fail('EINVAL', `'${ref}' needs a version (e.g. ${m[1]}@1.18)`);
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, version: m[2] };
}
