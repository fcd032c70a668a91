// An appliance's data in its heap pages. Each entry (a Redis key and value, a zone's record) lives on the
// page of its slot: slot = FNV-1a of the key's UTF-16 code units, page = slot mod the heap's pages. A
// page's entries are an immutable array: a write replaces the page's array, so a forked child that was
// handed its parent's map shares every page until one of them writes it, exactly as the frames below
// are shared until a write breaks copy-on-write (mem.write). Entries are sorted by key on their page.

import { type Domain, region } from '../domain.js';
import { fail } from '../errors.js';
import type { Region } from '../mm/p2m.js';

export type Entry = readonly [key: string, value: string];
export type Page = readonly Entry[];

/** Bytes of a 4 KiB page an entry takes: its key, its value and a 16-byte header (Redis's dictEntry). */
export const PAGE_BYTES = 4096;
export const ENTRY_HEADER = 16;

export function entryBytes(e: Entry): number {
  return e[0].length + e[1].length + ENTRY_HEADER;
}

export function pageBytes(p: Page): number {
  let n = 0;
  for (const e of p) n += entryBytes(e);
  return n;
}

/** FNV-1a over a string's UTF-16 code units: the slot of a key. */
export function slotOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The heap region an appliance keeps its data in (the heap, else bss, else data). */
export function dataRegion(d: Domain): Region {
  const r = region(d, 'heap') ?? region(d, 'bss') ?? region(d, 'data');
  if (!r || r.pages === 0) fail('ENOMEM', `${d.name} has no heap to keep its data in`);
  return r;
}

export function pageOf(key: string, heapPages: number): number {
  return slotOf(key) % heapPages;
}

/** The value of `key` on its page, or undefined. */
export function lookup(pages: ReadonlyMap<number, Page>, heapPages: number, key: string): string | undefined {
  const p = pages.get(pageOf(key, heapPages));
  if (!p) return undefined;
  for (const e of p) if (e[0] === key) return e[1];
  return undefined;
}

/** Where `key` is or would go on a page sorted by key (binary search). */
export function slotIndex(p: Page, key: string): number {
  let lo = 0;
  let hi = p.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p[mid]![0] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The page with `key` set to `value` (undefined: removed), sorted by key: a new array, the old kept. */
export function withEntry(p: Page | undefined, key: string, value: string | undefined): Entry[] {
  const old = p ?? [];
  const at = slotIndex(old, key);
  const present = at < old.length && old[at]![0] === key;
  const out = old.slice(0, at);
  if (value !== undefined) out.push([key, value]);
  for (let i = present ? at + 1 : at; i < old.length; i++) out.push(old[i]!);
  return out;
}

/** Every entry, sorted by key. */
export function allEntries(pages: ReadonlyMap<number, Page>): Entry[] {
  const out: Entry[] = [];
  for (const p of pages.values()) out.push(...p);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Problems with a page map: entries off their slot's page, pages past the heap or overfull, unsorted. */
export function checkPages(name: string, pages: ReadonlyMap<number, Page>, heapPages: number): string[] {
  const p: string[] = [];
  for (const [n, page] of pages) {
    if (!(n >= 0 && n < heapPages)) p.push(`${name} keeps data on page ${n}, past its heap (${heapPages} pages)`);
    if (page.length === 0) p.push(`${name} keeps an empty page ${n}`);
    if (pageBytes(page) > PAGE_BYTES) p.push(`${name}'s page ${n} holds more than ${PAGE_BYTES} bytes`);
    for (let i = 0; i < page.length; i++) {
      const e = page[i]!;
      if (pageOf(e[0], heapPages) !== n) p.push(`${name}'s key '${e[0]}' is on page ${n}, not its slot's`);
      if (i > 0 && !(page[i - 1]![0] < e[0])) p.push(`${name}'s page ${n} is not sorted by key`);
    }
  }
  return p;
}
