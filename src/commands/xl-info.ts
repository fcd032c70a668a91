// `xl info` (xl_info.c output_nodeinfo, output_physinfo, output_xeninfo): the fields in xl's order with
// the values a Xen 4.11.4 host modeled on the KylinX paper's testbed prints. The memory, CPU and
// scheduler figures are the engine's; uname, the CPU's capability words and the build fields are the
// modeled host's constants (a model has no compiler run to report), and xen_commandline is the boot
// line the host file amounts to.

import type { Engine } from '../engine/index.js';
import { hostMemory } from '../engine/mm/access.js';
import { hostPolicyName } from '../engine/sched/registry.js';
import { left } from './format.js';

/** The paper's testbed: a Xeon E5-2640 at 2.5 GHz (kylinx-reference.md), as physinfo's cpu_khz. */
export const CPU_KHZ = 2_500_000;

/** The Xen release modeled: 4.11.4, the tag these formats were read from. */
const XEN = { major: 4, minor: 11, extra: '.4' };

/** A field of `xl info`: its label and value. */
export type InfoField = [string, string | number];

/** The boot line the host file amounts to: Xen's options for what it sets. */
function commandLine(hv: Engine): string {
  const h = hv.host;
  const parts = [
    'placeholder',
    `dom0_mem=${h.dom0_mem}M`,
    `dom0_max_vcpus=${h.dom0_vcpus}`,
    `sched=${hostPolicyName(h.raw)}`,
  ];
  for (const k of ['sched_credit_tslice_ms', 'sched_ratelimit_us', 'credit2_runqueue'])
    if (h.raw[k] !== undefined) parts.push(`${k}=${String(h.raw[k])}`);
  return parts.join(' ');
}

export function infoFields(hv: Engine): InfoField[] {
  const m = hostMemory(hv);
  const mib = (k: number): number => Math.floor(k / 1024);
  return [
    ['host', hv.host.name],
    ['release', '4.15.0-kylinx'],
    ['version', '#1 SMP kylinx-sh model'],
    ['machine', 'x86_64'],
    ['nr_cpus', hv.host.pcpus],
    ['max_cpu_id', hv.host.pcpus - 1],
    ['nr_nodes', 1],
    ['cores_per_socket', hv.host.pcpus],
    ['threads_per_core', 1],
    ['cpu_mhz', `${Math.floor(CPU_KHZ / 1000)}.${String(CPU_KHZ % 1000).padStart(3, '0')}`],
    // An E5-2640's feature words as Xen 4.11 reports them (Sandy Bridge-EP).
    ['hw_caps', 'bfebfbff:1fbee3ff:2c100800:00000001:00000000:00000000:00000000:00000000'],
    ['virt_caps', 'hvm hvm_directio'],
    ['total_memory', hv.host.memory],
    ['free_memory', mib(m.free_kib)],
    ['sharing_freed_memory', mib(m.saved_kib)],
    ['sharing_used_memory', mib(m.shared_kib)],
    ['outstanding_claims', 0],
    ['free_cpus', 0],
    ['xen_major', XEN.major],
    ['xen_minor', XEN.minor],
    ['xen_extra', XEN.extra],
    ['xen_version', `${XEN.major}.${XEN.minor}${XEN.extra}`],
    ['xen_caps', 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
    ['xen_scheduler', hostPolicyName(hv.host.raw)],
    ['xen_pagesize', 4096],
    ['platform_params', 'virt_start=0xffff800000000000'],
    ['xen_changeset', 'Fri Apr 17 13:58:20 2020 +0200 git:96a8b5bc48'],
    ['xen_commandline', commandLine(hv)],
    ['cc_compiler', 'gcc (Debian 8.3.0-6) 8.3.0'],
    ['cc_compile_by', 'kylinx'],
    ['cc_compile_domain', 'kylinx-sh.model'],
    ['cc_compile_date', 'Fri Apr 17 13:58:20 UTC 2020'],
    ['build_id', '5a8c4f2e9d0b7a6c3e1f48d27b9a0c5e6f1d2b3a'],
    ['xend_config_format', 4],
  ];
}

/** Where -n's topology goes: after free_cpus (output_physinfo), before xen_major (output_xeninfo). */
export const NUMA_AFTER = 18;

/** One field as output_physinfo/xeninfo print it: the label padded to 23, ": ", the value; virt_caps is ":%s%s". */
export function xlInfoLine([k, v]: InfoField): string {
  if (k === 'virt_caps') return `${left(k, 23)}:${v === '' ? '' : ` ${v}`}`;
  return `${left(k, 23)}: ${v}`;
}

/**
 * maybe_printf with `xl info NAME`: a line that begins with NAME prints what follows its first ':' and a
 * space (the value alone); a line whose ':' has no space after it (virt_caps with no capability) prints
 * nothing; null when the line does not begin with NAME.
 */
export function maybePrintf(line: string, name: string): string | null {
  if (!line.startsWith(name)) return null;
  const colon = line.indexOf(':');
  if (colon < 0 || line[colon + 1] !== ' ') return null;
  return line.slice(colon + 2);
}

/** `xl info -n`'s topology (output_topologyinfo, output_numainfo): one node, one socket, no PCI devices. */
export function numaLines(hv: Engine): string[] {
  const m = hostMemory(hv);
  const lines = ['cpu_topology           :', 'cpu:    core    socket     node'];
  const p4 = (n: number): string => String(n).padStart(4);
  for (let c = 0; c < hv.host.pcpus; c++) lines.push(`${String(c).padStart(3)}:    ${p4(c)}     ${p4(0)}     ${p4(0)}`);
  lines.push('device topology        :', 'device           node', 'No device topology data available');
  lines.push('numa_info              :', 'node:    memsize    memfree    distances');
  const size = Math.floor(m.total_kib / 1024);
  const free = Math.floor(m.free_kib / 1024);
  lines.push(`${p4(0)}:    ${String(size).padStart(6)}     ${String(free).padStart(6)}      10`);
  return lines;
}
