// Subsystems follow domains through the Subsystem hooks, not through the display event bus: a recorder
// registered beside the real subsystems sees every change the scheduler needs, in order.

import { describe, expect, it } from 'vitest';
import type { Domain } from '../../src/engine/domain.js';
import type { Subsystem } from '../../src/engine/hypervisor.js';
import { newEngine } from '../../src/engine/index.js';
import { create, pause, unpause, wait, exit, fork } from '../../src/engine/lifecycle.js';
import { IMAGES, LIBS } from '../helpers.js';

function recorder(): Subsystem & { seen: string[] } {
  const seen: string[] = [];
  const note = (what: string) => (d: Domain) => void seen.push(`${what} ${d.name}`);
  return {
    name: 'recorder',
    seen,
    save: () => null,
    load: () => {},
    check: () => [],
    onInsert: note('insert'),
    onFork: (_p: Domain, c: Domain) => void seen.push(`fork ${c.name}`),
    onPause: note('pause'),
    onUnpause: note('unpause'),
    onBlock: note('block'),
    onWake: note('wake'),
    beforeExit: (d: Domain) => (seen.push(`before-exit ${d.name}`), null),
    onExit: note('exit'),
    onRemove: note('remove'),
  };
}

describe('hooks', () => {
  it('create, fork, pause, unpause, a blocking wait, exit and the reap reach every subsystem', () => {
    const hv = newEngine({ boot: [] }, { libs: LIBS });
    const r = recorder();
    hv.register(r);
    const web = create(hv, IMAGES.get('web')!).domain;
    const child = fork(hv, web, 1).children[0]!.domain;
    pause(hv, child);
    unpause(hv, child);
    wait(hv, web, child);
    exit(hv, child, 0);
    expect(r.seen).toEqual([
      'insert web',
      'fork web.1',
      'pause web.1',
      'unpause web.1',
      'block web',
      'before-exit web.1',
      'exit web.1',
      'remove web.1',
      'wake web',
    ]);
  });

  it('the scheduler needs no event listener: a pause takes the vCPUs off the run queues at once', () => {
    const hv = newEngine({ boot: [] }, { libs: LIBS });
    const web = create(hv, { ...IMAGES.get('web')!, raw: { ...IMAGES.get('web')!.raw, workload: 'cpu' } }).domain;
    hv.sched.run(1e6);
    expect(hv.sched.running(web)).toBe(true);
    pause(hv, web);
    expect(hv.sched.running(web)).toBe(false);
  });
});
