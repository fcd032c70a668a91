// What one `run` measured, per pVM: CPU time and share, requests served, response latency percentiles,
// pages written and copy-on-write breaks.
//
// Latencies go into a log-scale histogram per pVM (32 buckets per doubling, so a reported percentile is
// the bucket's geometric centre, within 1.1% of the exact value): O(1) per request and no list of an
// hour's requests to sort.

const BUCKETS_PER_OCTAVE = 32;
/** 2^40 ns is about 18 minutes: longer latencies share the last bucket. */
const OCTAVES = 40;
export const HIST_SIZE = BUCKETS_PER_OCTAVE * OCTAVES;

export function histRecord(h: Uint32Array, ns: number): void {
  const i = ns <= 1 ? 0 : Math.floor(Math.log2(ns) * BUCKETS_PER_OCTAVE);
  h[i < HIST_SIZE ? i : HIST_SIZE - 1]!++;
}

/** The q-quantile (0 < q <= 1) in ns, by nearest rank; null without samples. */
export function histQuantile(h: Uint32Array, q: number): number | null {
  let n = 0;
  for (let i = 0; i < HIST_SIZE; i++) n += h[i]!;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < HIST_SIZE; i++) {
    seen += h[i]!;
    if (seen >= rank) return 2 ** ((i + 0.5) / BUCKETS_PER_OCTAVE);
  }
  return null;
}

export interface PvmRun {
  name: string;
  domid: number;
  cpu_ns: number;
  /** Percent of one pCPU over the run (xentop's CPU(%)). */
  cpu_pct: number;
  requests: number;
  dropped: number;
  /** Requests that failed with ENOMEM (no frame for a copy-on-write break). */
  failed: number;
  median_us: number | null;
  p99_us: number | null;
  pages_written: number;
  cow_breaks: number;
}

export interface RunReport {
  start_ns: number;
  end_ns: number;
  duration_ns: number;
  pvms: PvmRun[];
  /** Percent of each pCPU spent running vCPUs. */
  pcpu_busy_pct: number[];
}

/** Counters of one domain at the start of a run, to report the difference. */
export interface Counters {
  cpuNs: number;
  served: number;
  dropped: number;
  failed: number;
  written: number;
  cow: number;
}

export function zeroCounters(): Counters {
  return { cpuNs: 0, served: 0, dropped: 0, failed: 0, written: 0, cow: 0 };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function pvmRun(
  name: string,
  domid: number,
  before: Counters,
  after: Counters,
  durationNs: number,
  hist: Uint32Array | undefined,
): PvmRun {
  const med = hist ? histQuantile(hist, 0.5) : null;
  const p99 = hist ? histQuantile(hist, 0.99) : null;
  const cpu = after.cpuNs - before.cpuNs;
  return {
    name,
    domid,
    cpu_ns: cpu,
    cpu_pct: round((cpu / durationNs) * 100, 2),
    requests: after.served - before.served,
    dropped: after.dropped - before.dropped,
    failed: after.failed - before.failed,
    median_us: med === null ? null : round(med / 1000, 1),
    p99_us: p99 === null ? null : round(p99 / 1000, 1),
    pages_written: after.written - before.written,
    cow_breaks: after.cow - before.cow,
  };
}
