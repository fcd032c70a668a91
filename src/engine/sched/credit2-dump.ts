// Credit2's part of the 'r' debug key (xen/common/sched_credit2.c csched2_dump, dump_pcpu,
// csched2_dump_vcpu), printed into the console ring by `debug-keys r`. Credit2 has no dump_cpu_state:
// its pCPUs are dumped per runqueue inside csched2_dump. The model ticks no pCPU in advance, so the
// `tickled` masks are empty; everything else is the policy's own state.

import type { CoreState } from './state.js';
import { type Credit2State, LOAD_PRECISION_SHIFT } from './credit2-state.js';
import { cpulist, cpumaskHex } from './dump-mask.js';

function vcpuLine(st: Credit2State, cs: CoreState, uid: number): string {
  const v = cs.vcpus.get(uid)!;
  const u = st.units.get(uid)!;
  const d = st.doms.get(v.domid);
  const budget = d && d.cap > 0 ? ` budget=${u.budget}(${u.budgetQuota})` : '';
  const pct = Math.floor((u.avgload * 100) / 2 ** LOAD_PRECISION_SHIFT);
  return `[${v.domid}.${v.id}] flags=0 cpu=${v.cpu} credit=${Math.trunc(u.credit)} [w=${u.weight}]${budget} load=${u.avgload} (~${pct}%)`;
}

export function credit2Dump(st: Credit2State, cs: CoreState): string[] {
  const n = cs.pcpus.length;
  const lines = [`Active queues: ${st.rqds.length}`, '\tdefault-weight     = 256'];
  for (const q of st.rqds) {
    const idle = q.cpus.filter((c) => cs.pcpus[c]!.curr < 0);
    lines.push(
      `Runqueue ${q.id}:`,
      `\tncpus              = ${q.cpus.length}`,
      `\tcpus               = ${cpulist(q.cpus)}`,
      `\tmax_weight         = ${q.maxWeight}`,
      `\tpick_bias          = ${q.pickBias}`,
      `\tinstload           = ${q.load}`,
      `\taveload            = ${q.avgload} (~${Math.floor((q.avgload * 100) / 2 ** LOAD_PRECISION_SHIFT)}%)`,
      `\tidlers: ${cpumaskHex(idle, n)}`,
      `\ttickled: ${cpumaskHex([], n)}`,
      `\tfully idle cores: ${cpumaskHex(idle, n)}`,
    );
  }
  lines.push('Domain info:');
  let loop = 0;
  for (const d of st.doms.values()) {
    const sd = cs.doms.get(d.domid);
    const vcpus = sd?.vcpus ?? [];
    lines.push(`\tDomain: ${d.domid} w ${d.weight} c ${d.cap} v ${vcpus.length}`);
    for (const uid of vcpus) lines.push(`\t${String(++loop).padStart(3)}: ${vcpuLine(st, cs, uid)}`);
  }
  for (const q of st.rqds) {
    lines.push(`Runqueue ${q.id}:`);
    for (const cpu of q.cpus) {
      lines.push(
        `CPU[${String(cpu).padStart(2, '0')}] runq=${q.id}, sibling=${cpumaskHex([cpu], n)}, core=${cpumaskHex(
          cs.pcpus.map((c) => c.id),
          n,
        )}`,
      );
      const curr = cs.pcpus[cpu]!.curr;
      if (curr >= 0) lines.push(`\trun: ${vcpuLine(st, cs, curr)}`);
    }
    lines.push('RUNQ:');
    q.runq.forEach((uid, i) => lines.push(`\t${String(i).padStart(3)}: ${vcpuLine(st, cs, uid)}`));
  }
  return lines;
}
