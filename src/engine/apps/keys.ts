// The image keys the appliances read; engine/config.ts joins them into the key table.

import type { CfgValue, KeySpec } from '../image.js';
import { parseZone, ZoneError } from './zone.js';

function zoneProblem(v: CfgValue): string | null {
  if (!Array.isArray(v) || v.some((l) => typeof l !== 'string')) return "must be a list of the zone file's lines";
  try {
    parseZone(v as string[]);
    return null;
  } catch (e) {
    if (e instanceof ZoneError) return `zone line ${e.line}: ${e.message}`;
    throw e;
  }
}

/** The most workers an appliance forks at boot. */
export const MAX_WORKERS = 64;

export const APP_IMAGE_KEYS: Record<string, KeySpec> = {
  workers: {
    type: 'int',
    min: 0,
    max: MAX_WORKERS,
    summary:
      'worker pVMs the appliance forks at boot, as a pre-forking server does (guest-initiated fork: do_fork in Domain-0); default 0',
  },
  zone: {
    type: 'list',
    check: zoneProblem,
    summary: 'dns: the zone it serves, as the lines of an RFC 1035 master file ($ORIGIN, $TTL, SOA, NS, A, ...)',
  },
};
