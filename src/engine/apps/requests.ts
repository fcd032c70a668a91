// The requests the load generators send, served by the appliance's own code: what redis-benchmark,
// weighttp and a DNS query stream ask. redis: SET key:<12 digits> "xxx" (redis-benchmark -t set -r
// <keyspace>, its default 3-byte value), so the page of the key's slot is written; web: GET /, which
// counts itself on the stats page; dns: an A query for the zone's origin (counted likewise); daytime:
// the time (counted). A request that cannot be served (no frame for a copy-on-write break) fails.

import type { Domain } from '../domain.js';
import { EngineError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Apps } from './subsystem.js';
import { dataRegion, pageOf, withEntry } from './pages.js';

/** Keys redis-benchmark -r draws from by default in the model. */
export const KEYSPACE = 10_000;

export function benchmarkKey(n: number): string {
  return `key:${String(n).padStart(12, '0')}`;
}

/** Serve one generated request at d; returns whether it was served (false: it failed with ENOMEM). */
export function serveGenerated(apps: Apps, d: Domain, rng: Rng): boolean {
  const a = apps.data.get(d.domid);
  if (!a) return false;
  try {
    if (a.kind === 'redis') {
      const key = benchmarkKey(rng.int(KEYSPACE));
      const page = pageOf(key, dataRegion(d).pages);
      const next = withEntry(a.pages.get(page), key, 'xxx');
      apps.writePage(d, a, page, next);
    } else apps.countRequest(d, a);
    return true;
  } catch (e) {
    if (e instanceof EngineError && e.code === 'ENOMEM') return false;
    throw e;
  }
}
