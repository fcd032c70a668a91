// The requests the load generators send, served by the appliance's own code: what redis-benchmark,
// weighttp and a DNS query stream ask. redis: SET key:<12 digits> "xxx" (redis-benchmark -t set -r
// <keyspace>, its default 3-byte value), so the page of the key's slot is written; web: GET /, which
// counts itself on the stats page; dns: an A query for the zone's origin (counted likewise); daytime:
// the time (counted). A request that cannot be served (no frame for a copy-on-write break) fails.

import type { Domain } from '../domain.js';
import { EngineError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Apps } from './subsystem.js';
import type { Region } from '../mm/p2m.js';
import { KEYSPACE } from './generated.js';
import { slotOf } from './pages.js';

const KEYS: string[] = [];

/**
 * redis-benchmark's key for n (key:000000001234), made once per n and internalized (a property name is
 * V8's unique copy of its string), so finding it again on a page is a comparison of pointers.
 */
export function benchmarkKey(n: number): string {
  return (KEYS[n] ??= Object.keys({ [`key:${String(n).padStart(12, '0')}`]: 0 })[0]!);
}

// The generated keys made in order (the array stays packed) with their slots: a request finds its key's
// page without hashing the key. Made on the first generated request, not at start-up (every command line
// loads this file, and most never serve one).
let keySlots: Uint32Array | undefined;

function keySlot(n: number): number {
  keySlots ??= Uint32Array.from({ length: KEYSPACE }, (_, k) => slotOf(benchmarkKey(k)));
  return keySlots[n]!;
}

/** What serving a generated request did to the page it wrote. */
export type Served = 'copied' | 'in-place' | 'failed' | 'not-served';

/**
 * Serve one generated request at d, whose data is in `heap` (its heap, else bss, else data): 'copied' or 'in-place' for the page it wrote, 'failed' when a
 * copy-on-write break found no frame (nothing changed), 'not-served' when d serves no such requests (no
 * appliance data, or a BGSAVE child, which only saves).
 */
export function serveGenerated(apps: Apps, d: Domain, heap: Region | undefined, rng: Rng): Served {
  const a = apps.data.get(d.domid);
  if (!a || a.savingFor !== null || !heap || heap.pages === 0) return 'not-served';
  try {
    let copied: boolean;
    if (a.kind === 'redis') {
      const n = rng.int(KEYSPACE);
      copied = apps.setGenerated(d, heap, a, keySlot(n) % heap.pages, n, benchmarkKey(n));
    } else copied = apps.countRequestOn(d, heap, a);
    return copied ? 'copied' : 'in-place';
  } catch (e) {
    if (e instanceof EngineError && e.code === 'ENOMEM') return 'failed';
    throw e;
  }
}
