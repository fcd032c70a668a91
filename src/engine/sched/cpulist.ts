// xl's CPU lists: how `vcpu-pin`, xl.cfg's `cpus` and `cpus_soft` name pCPUs (parse_cpurange in
// xl_parse.c), and how xl prints a CPU set (print_bitmap).

import { fail } from '../errors.js';
import { cpulist } from './dump-mask.js';

/** A CPU set as xl prints it (print_bitmap): all, none, or ranges like 0-3,6. */
export function cpuSetText(cpus: readonly number[] | null, pcpus: number): string {
  if (cpus === null || cpus.length === pcpus) return 'all';
  if (cpus.length === 0) return 'none';
  return cpulist(cpus);
}

/**
 * xl's CPU list (parse_cpurange): comma-separated pieces applied in order to an empty set, each `all`,
 * a pCPU, a range `0-3`, or one of those after `^` to take them out again (`all,^2`), or `nodes:0` for
 * every pCPU of a NUMA node (this host has one, node 0). null means all pCPUs.
 */
export function parseCpuSet(text: string, pcpus: number): number[] | null {
  const set = new Set<number>();
  for (const piece of text.split(',')) {
    if (piece === '') continue;
    const not = piece.startsWith('^');
    let rest = not ? piece.slice(1) : piece;
    const nodes = /^nodes?:/.exec(rest);
    if (nodes) rest = rest.slice(nodes[0].length);
    let cpus: number[];
    if (rest === 'all') {
      if (not) fail('EINVAL', `Can't combine "^" and "all" (in '${text}')`);
      cpus = Array.from({ length: pcpus }, (_, c) => c);
    } else {
      const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(rest);
      if (!m) fail('EINVAL', `Invalid pcpu range: ${piece} (examples: all, 2, 0-3, 0,2-4, all,^1, nodes:0)`);
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (hi < lo) fail('EINVAL', `Invalid pcpu range: ${piece} (write ${hi}-${lo})`);
      if (nodes) {
        if (hi > 0) fail('EINVAL', `NUMA node ${hi} does not exist (this host has node 0)`);
        cpus = Array.from({ length: pcpus }, (_, c) => c);
      } else {
        if (hi >= pcpus) fail('EINVAL', `pCPU ${hi} does not exist (this host has pCPUs 0-${pcpus - 1})`);
        cpus = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
      }
    }
    for (const c of cpus)
      if (not) set.delete(c);
      else set.add(c);
  }
  return set.size === pcpus ? null : [...set].sort((x, y) => x - y);
}
