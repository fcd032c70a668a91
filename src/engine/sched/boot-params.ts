// The scheduler's boot options as Xen reads them at boot (a host file's keys here): a value outside its
// range is not refused but reset, with a warning in the console ring, as scheduler_init (schedule.c)
// and csched_init (sched_credit.c) do in Xen 4.11:
//   - sched_ratelimit_us not 0 and outside 100..500000: reset to the default 1000;
//   - sched_credit_tslice_ms outside 1..1000: reset to the default 30;
//   - (credit1) a rate limit above the time slice: set to the time slice;
//   - vcpu_migration_delay above 100000 µs: reset to 0.

export const RATELIMIT_MIN_US = 100;
export const RATELIMIT_MAX_US = 500_000;
export const DEFAULT_RATELIMIT_US = 1000;
export const TSLICE_MIN_MS = 1;
export const TSLICE_MAX_MS = 1000;
export const DEFAULT_TSLICE_MS = 30;
export const MIGR_DELAY_MAX_US = 100_000;

/** Where a boot warning goes (the console ring, through the core's printk). */
export type Warn = (text: string) => void;

function num(raw: Record<string, unknown>, key: string, d: number): number {
  const v = raw[key];
  return typeof v === 'number' ? v : d;
}

/** scheduler_init's check of sched_ratelimit_us, which every policy then reads. */
export function bootRatelimitUs(raw: Record<string, unknown>, warn: Warn): number {
  const r = num(raw, 'sched_ratelimit_us', DEFAULT_RATELIMIT_US);
  if (r !== 0 && (r < RATELIMIT_MIN_US || r > RATELIMIT_MAX_US)) {
    warn(
      `WARNING: sched_ratelimit_us outside of valid range [${RATELIMIT_MIN_US},${RATELIMIT_MAX_US}]. Resetting to default ${DEFAULT_RATELIMIT_US}`,
    );
    return DEFAULT_RATELIMIT_US;
  }
  return r;
}

/** csched_init's checks: the time slice, the rate limit against it, the migration delay. */
export function creditBootParams(
  raw: Record<string, unknown>,
  warn: Warn,
): { tsliceMs: number; ratelimitUs: number; migrDelayUs: number } {
  const ratelimit = bootRatelimitUs(raw, warn);
  let tslice = num(raw, 'sched_credit_tslice_ms', DEFAULT_TSLICE_MS);
  if (tslice > TSLICE_MAX_MS || tslice < TSLICE_MIN_MS) {
    warn(
      `WARNING: sched_credit_tslice_ms outside of valid range [${TSLICE_MIN_MS},${TSLICE_MAX_MS}]. Resetting to default ${DEFAULT_TSLICE_MS}`,
    );
    tslice = DEFAULT_TSLICE_MS;
  }
  let ratelimitUs = ratelimit;
  if (ratelimit > tslice * 1000) {
    warn('WARNING: sched_ratelimit_us >sched_credit_tslice_ms is undefined. Setting ratelimit to tslice');
    ratelimitUs = tslice * 1000;
  }
  let migr = num(raw, 'vcpu_migration_delay', 0);
  if (migr > MIGR_DELAY_MAX_US) {
    migr = 0;
    warn(`WARNING: vcpu_migration_delay outside of valid range [0,${MIGR_DELAY_MAX_US}]us. Resetting to default: 0`);
  }
  return { tsliceMs: tslice, ratelimitUs, migrDelayUs: migr };
}
