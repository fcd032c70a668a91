// Memory commands: touch (a pVM writes pages, breaking copy-on-write sharing) and peek (read a page).

import { fail } from '../engine/errors.js';
import { findRegion, peek as peekPage, smaps, touch as touchPages } from '../engine/mm/access.js';
import { one, option } from './args.js';
import { badArg, int, pvm, region } from './kinds.js';
import { latency, plural, sizeKiB } from './format.js';
import { command, type AnyCommand } from './types.js';

/** A count of pages, or all of them. */
const pageCount = {
  kind: 'int',
  parse(w: string): number | 'all' {
    if (w === 'all') return 'all';
    const n = /^[0-9]+$/.test(w) ? Number(w) : NaN;
    if (!(n >= 1 && n <= Number.MAX_SAFE_INTEGER)) badArg(`pages must be a whole number from 1, or all, not '${w}'`);
    return n;
  },
} as const;

const touch = command({
  name: 'touch',
  family: 'memory',
  summary: 'A pVM writes pages of a region: shared frames are copied (CoW break), private ones written in place',
  usage: '<pvm> <region> <pages|all> [--offset k]',
  args: { pvm: one(pvm), region: one(region), pages: one(pageCount) },
  options: { offset: option(int(0, Number.MAX_SAFE_INTEGER), 'first page to write (default 0)') },
  run(ctx, a, o) {
    const d = a.pvm;
    const r = findRegion(d, a.region);
    const first = o.offset ?? 0;
    if (first > Math.max(0, r.pages - 1)) fail('EINVAL', `offset must be 0-${Math.max(0, r.pages - 1)}, not ${first}`);
    const count = a.pages;
    if (count !== 'all' && count > r.pages) fail('EINVAL', `pages must be 1-${r.pages}, not ${count}`);
    const t = touchPages(ctx.hv, d, r.name, first, count);
    const s = smaps(ctx.hv, d).total;
    return {
      text: `${d.name} wrote ${plural(t.pages, 'page')} of ${t.region} (${t.first}-${t.first + t.pages - 1}): ${plural(t.copied, 'copy-on-write break')}, ${t.inPlace} in place, modeled ${latency(t.latencyUs)}; ${d.name} now ${sizeKiB(s.private_kib)} private, ${sizeKiB(s.shared_kib)} shared`,
      data: {
        pvm: d.name,
        region: t.region,
        first: t.first,
        pages: t.pages,
        copied: t.copied,
        in_place: t.inPlace,
        private_kib: s.private_kib,
        shared_kib: s.shared_kib,
      },
      latencyUs: t.latencyUs,
    };
  },
});

const peek = command({
  name: 'peek',
  family: 'memory',
  summary: 'Read one page of a pVM: its machine frame, content token and how many map it',
  args: { pvm: one(pvm), region: one(region), page: one(int(0, Number.MAX_SAFE_INTEGER)) },
  run(ctx, a) {
    const d = a.pvm;
    const r = findRegion(d, a.region);
    const page = a.page;
    if (page > r.pages - 1) fail('EINVAL', `page must be 0-${r.pages - 1}, not ${page}`);
    const p = peekPage(ctx.hv, d, r.name, page);
    return {
      text: `${d.name} ${p.region} page ${p.page}: frame ${p.frame}, content #${p.token}, mapped ${plural(p.mapcount, 'time')}`,
      data: { pvm: d.name, region: p.region, page: p.page, frame: p.frame, token: p.token, mapcount: p.mapcount },
    };
  },
});

export const MEMORY: AnyCommand[] = [touch, peek];
