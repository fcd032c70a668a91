// Memory commands: touch (a pVM writes pages, breaking copy-on-write sharing) and peek (read a page).

import { findRegion, peek as peekPage, smaps, touch as touchPages } from '../engine/mm/access.js';
import { intArg, pvmArg } from './args.js';
import { latency, plural, sizeKiB } from './format.js';
import type { CommandSpec } from './types.js';

const touch: CommandSpec = {
  name: 'touch',
  family: 'memory',
  summary: 'A pVM writes pages of a region: shared frames are copied (CoW break), private ones written in place',
  usage: '<pvm> <region> <pages|all> [--offset k]',
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'region', kind: 'region' },
    { name: 'pages', kind: 'int' },
  ],
  options: [{ name: 'offset', value: 'int', summary: 'first page to write (default 0)' }],
  run(ctx, a) {
    const d = pvmArg(ctx.hv, a.pos.pvm!);
    const r = findRegion(d, a.pos.region!);
    const first = typeof a.opts.offset === 'string' ? intArg(a.opts.offset, 'offset', 0, Math.max(0, r.pages - 1)) : 0;
    const count = a.pos.pages === 'all' ? 'all' : intArg(a.pos.pages!, 'pages', 1, r.pages);
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
};

const peek: CommandSpec = {
  name: 'peek',
  family: 'memory',
  summary: 'Read one page of a pVM: its machine frame, content token and how many map it',
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'region', kind: 'region' },
    { name: 'page', kind: 'int' },
  ],
  run(ctx, a) {
    const d = pvmArg(ctx.hv, a.pos.pvm!);
    const r = findRegion(d, a.pos.region!);
    const page = intArg(a.pos.page!, 'page', 0, r.pages - 1);
    const p = peekPage(ctx.hv, d, r.name, page);
    return {
      text: `${d.name} ${p.region} page ${p.page}: frame ${p.frame}, content #${p.token}, mapped ${plural(p.mapcount, 'time')}`,
      data: { pvm: d.name, region: p.region, page: p.page, frame: p.frame, token: p.token, mapcount: p.mapcount },
    };
  },
};

export const MEMORY: CommandSpec[] = [touch, peek];
