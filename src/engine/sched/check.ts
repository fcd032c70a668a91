// The scheduler core's invariants (DESIGN §2.7): every running and queued vCPU is where its runstate
// says, nothing paused, parked or idle is runnable, affinities hold, every live domain has its vCPUs;
// then the policy's own consistency and the timer queue's.

import { isHeld, isZombie } from '../domain.js';
import type { Hypervisor } from '../hypervisor.js';
import type { SchedPolicy } from './policy.js';
import { CoreState, W_CPU, W_NETBACK, W_REQUESTS } from './state.js';

export function checkCore(s: CoreState, hv: Hypervisor, policy: SchedPolicy): string[] {
  const p: string[] = [];
  const where = new Map<number, string>();
  for (const c of s.pcpus) {
    if (c.curr >= 0) {
      const v = s.vcpus.get(c.curr);
      if (!v) p.push(`pCPU ${c.id} runs vCPU ${c.curr}, which does not exist`);
      else if (v.state !== 'running' || v.cpu !== c.id)
        p.push(`pCPU ${c.id} runs d${v.domid}v${v.id}, which is ${v.state} on pCPU ${v.cpu}`);
      where.set(c.curr, `running on ${c.id}`);
      if (c.timerSeq === 0) p.push(`pCPU ${c.id} is busy without its next decision`);
    }
    for (const uid of policy.queued(c.id)) {
      const v = s.vcpus.get(uid);
      if (!v) {
        p.push(`pCPU ${c.id} queues vCPU ${uid}, which does not exist`);
        continue;
      }
      if (where.has(v.uid)) p.push(`d${v.domid}v${v.id} is both ${where.get(v.uid)} and queued on ${c.id}`);
      where.set(v.uid, `queued on ${c.id}`);
      if (v.state !== 'runnable' || v.cpu !== c.id)
        p.push(`pCPU ${c.id} queues d${v.domid}v${v.id}, which is ${v.state} on pCPU ${v.cpu}`);
    }
  }
  for (const v of s.vcpus.values()) {
    const d = hv.domains.get(v.domid);
    if (!d || isZombie(d)) p.push(`d${v.domid}v${v.id} belongs to no live domain`);
    if ((v.state === 'running' || v.state === 'runnable') && !where.has(v.uid))
      p.push(`d${v.domid}v${v.id} is ${v.state} but on no pCPU`);
    if (v.state === 'running' || v.state === 'runnable') {
      if (d && isHeld(d)) p.push(`d${v.domid}v${v.id} of paused ${d.name} is ${v.state}`);
      if (v.parked) p.push(`parked d${v.domid}v${v.id} is ${v.state}`);
      if (v.down) p.push(`d${v.domid}v${v.id}, taken down by vcpu-set, is ${v.state}`);
      if (v.w.kind === W_REQUESTS && v.w.burstLeftNs <= 0)
        p.push(`d${v.domid}v${v.id} is ${v.state} with no request to serve`);
      if (v.w.kind === W_NETBACK && v.w.burstLeftNs <= 0)
        p.push(`d${v.domid}v${v.id} is ${v.state} with no netback job`);
      if (v.w.kind !== W_REQUESTS && v.w.kind !== W_CPU && v.w.kind !== W_NETBACK)
        p.push(`idle d${v.domid}v${v.id} is ${v.state}`);
    }
    if (v.affinity && v.affinity.some((c) => c < 0 || c >= s.pcpus.length))
      p.push(`d${v.domid}v${v.id} has affinity outside the pCPUs`);
    if ((v.state === 'running' || v.state === 'runnable') && v.affinity && !v.affinity.includes(v.cpu))
      p.push(`d${v.domid}v${v.id} is on pCPU ${v.cpu}, outside its affinity`);
  }
  for (const d of hv.domains.values()) {
    if (isZombie(d)) continue;
    const sd = s.doms.get(d.domid);
    if (!sd) p.push(`${d.name} has no scheduler entry`);
    else if (sd.vcpus.length !== d.vcpus)
      p.push(`${d.name} has ${sd.vcpus.length} vCPUs in the scheduler, ${d.vcpus} configured`);
  }
  return policy.check().concat(p, s.timers.check());
}
