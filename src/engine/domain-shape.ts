// The shape of a saved domain record, checked before load() inserts it: a hand-edited state with a
// missing image, a string where the parent's domid belongs or a children list that is not a list is
// refused at load (EINVAL naming the field), not left to fail inside a later command.

import type { DomainSnapshot } from './domain.js';
import { arrOf, field, obj, Rec, shape } from './validate.js';

const REASONS = new Set(['poweroff', 'reboot', 'suspend', 'crash', 'watchdog', 'soft_reset']);

export function checkDomainShape(v: unknown, i: number): DomainSnapshot {
  const where = `domains[${i}]`;
  const d = shape(v, where, {
    domid: 'nat',
    name: 'str',
    image: 'obj',
    parent: 'nat',
    children: 'arr',
    family: 'nat',
    forks: 'nat',
    vcpus: 'nat',
    memMiB: 'nat',
    regions: 'arr',
    paused: 'bool',
    shutdown: 'obj?',
    waiting: 'obj?',
    createdNs: 'nat',
  });
  if (d.name === '') field({ name: null }, 'name', 'str', where);
  checkImage(d.image as Rec, `${where}.image`);
  arrOf(d, 'children', 'nat', where);
  if (d.shutdown !== null) {
    const s = shape(d.shutdown, `${where}.shutdown`, { reason: 'str', status: 'int', signal: 'str?' });
    if (!REASONS.has(s.reason as string)) field({ reason: null }, 'reason', 'str', `${where}.shutdown`);
  }
  if (d.waiting !== null) {
    const w = shape(d.waiting, `${where}.waiting`, { call: 'str', on: 'str', detail: 'obj' });
    const detail = w.detail as Rec;
    for (const k of Object.keys(detail)) {
      const x = detail[k];
      if (x !== null && typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x)))
        field(detail, k, 'str?', `${where}.waiting.detail`);
    }
  }
  return d as unknown as DomainSnapshot;
}

function checkImage(img: Rec, where: string): void {
  shape(img, where, {
    name: 'str',
    description: 'str',
    memory: 'nat',
    vcpus: 'nat',
    text_kb: 'nat',
    data_kb: 'nat',
    bss_kb: 'nat',
    stack_kb: 'nat',
    heap_kb: 'nat',
    raw: 'obj',
  });
  const raw = obj(img, 'raw', where);
  for (const k of Object.keys(raw)) {
    const x = raw[k];
    if (typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x)) && !Array.isArray(x))
      field(raw, k, 'str', `${where}.raw`);
  }
}
