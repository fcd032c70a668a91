// Credit1's part of the 'r' debug key (xen/common/sched_credit.c csched_dump, csched_dump_pcpu,
// csched_dump_vcpu), printed into the console ring by `debug-keys r`. The model keeps no runq_sort
// counter, so the `runq_sort` line and the pCPUs' `sort=` field are left out; everything printed is the
// policy's own state. As in Xen, a busy pCPU's run queue ends with its idle vCPU ([32767.cpu], pri -64).

import type { CoreState } from './state.js';
import { CREDITS_PER_MSEC, type CreditState, PRI_IDLE, TICKS_PER_TSLICE } from './credit-state.js';
import { cpumaskHex } from './dump-mask.js';

const IDLE_DOMID = 32767;

function vcpuLine(st: CreditState, cs: CoreState, uid: number): string {
  const v = cs.vcpus.get(uid)!;
  const u = st.units.get(uid)!;
  const d = st.doms.get(v.domid);
  const flags = v.parked ? 1 : 0; // CSCHED_FLAG_VCPU_PARKED
  const sdom = d ? ` credit=${u.credit} [w=${d.weight},cap=${d.cap}]` : '';
  return `[${v.domid}.${v.id}] pri=${u.pri} flags=${flags.toString(16)} cpu=${v.cpu}${sdom}`;
}

/** csched_dump: the scheduler's settings and its active vCPUs. */
export function creditDump(st: CreditState, cs: CoreState): string[] {
  const p = st.params;
  const n = cs.pcpus.length;
  const idlers = cs.pcpus.filter((c) => c.curr < 0).map((c) => c.id);
  const lines = [
    'info:',
    `\tncpus              = ${n}`,
    '\tmaster             = 0',
    `\tcredit             = ${CREDITS_PER_MSEC * p.tsliceMs * n}`,
    `\tcredit balance     = ${st.creditBalance}`,
    `\tweight             = ${st.weight}`,
    '\tdefault-weight     = 256',
    `\ttslice             = ${p.tsliceMs}ms`,
    `\tratelimit          = ${p.ratelimitUs}us`,
    `\tcredits per msec   = ${CREDITS_PER_MSEC}`,
    `\tticks per tslice   = ${p.tsliceMs < TICKS_PER_TSLICE ? 1 : TICKS_PER_TSLICE}`,
    `\tmigration delay    = ${p.migrDelayUs}us`,
    `idlers: ${cpumaskHex(idlers, n)}`,
    'active vcpus:',
  ];
  let loop = 0;
  for (const domid of st.activeDoms)
    for (const uid of st.doms.get(domid)?.activeVcpus ?? [])
      lines.push(`\t${String(++loop).padStart(3)}: ${vcpuLine(st, cs, uid)}`);
  return lines;
}

/** csched_dump_pcpu: one pCPU's running vCPU and run queue. */
export function creditDumpCpu(st: CreditState, cs: CoreState, cpu: number): string[] {
  const n = cs.pcpus.length;
  const pc = cs.pcpus[cpu]!;
  const runq = st.pcpus[cpu]!.runq;
  const busy = pc.curr >= 0;
  const lines = [
    `CPU[${String(cpu).padStart(2, '0')}] nr_run=${runq.length + (busy ? 1 : 0)}, sibling=${cpumaskHex([cpu], n)}, core=${cpumaskHex(
      cs.pcpus.map((c) => c.id),
      n,
    )}`,
  ];
  if (busy) lines.push(`\trun: ${vcpuLine(st, cs, pc.curr)}`);
  let loop = 0;
  for (const uid of runq) lines.push(`\t${String(++loop).padStart(3)}: ${vcpuLine(st, cs, uid)}`);
  if (busy) lines.push(`\t${String(++loop).padStart(3)}: [${IDLE_DOMID}.${cpu}] pri=${PRI_IDLE} flags=0 cpu=${cpu}`);
  return lines;
}
