// What xl knows of a domain beyond `list`'s columns: its UUID, its shutdown reason as libxl's code, its
// cpupool, and its configuration as libxl_domain_config's JSON (`xl list -l`).

import { DOM0, type Domain, type ShutdownReason } from '../engine/domain.js';
import { hashInts } from '../engine/hash.js';
import type { Engine } from '../engine/index.js';
import { memMiB } from './format.js';

/** The one cpupool of the model host, as Xen names the boot pool. */
export const POOL_NAME = 'Pool-0';

/** libxl_shutdown_reason's values, which `xl list -v` prints as Reason-Code ("%8x"). */
export const SHUTDOWN_CODES: Record<ShutdownReason, number> = {
  poweroff: 0,
  reboot: 1,
  suspend: 2,
  crash: 3,
  watchdog: 4,
  soft_reset: 5,
};

/**
 * A domain's UUID: Domain-0's is all zeros, as on Xen; a pVM's is derived from the host's seed and its
 * domid (domids are never reused in a run), with the RFC 4122 version-4 and variant bits, so a listing
 * is the same for the same seed.
 */
export function domainUuid(hv: Engine, d: Domain): string {
  if (d.domid === DOM0) return '00000000-0000-0000-0000-000000000000';
  const words = [0, 1, 2, 3].map((k) => hashInts([hv.host.seed, d.domid, k, d.createdNs % 2 ** 32]));
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
  const v = `4${hex.slice(13, 16)}`;
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${variant}-${hex.slice(20, 32)}`;
}

/**
 * The fields of libxl_domain_config the model has, as libxl_domain_config_gen_json names them (libxl
 * leaves out fields at their defaults; so does this).
 */
export function domainConfig(hv: Engine, d: Domain): Record<string, unknown> {
  const p = hv.sched.domainParams(d);
  const cInfo: Record<string, unknown> = { type: 'pv', name: d.name, uuid: domainUuid(hv, d) };
  if (d.domid !== DOM0) cInfo.pool_name = POOL_NAME;
  const bInfo: Record<string, unknown> = {
    max_vcpus: d.vcpus,
    avail_vcpus: Array.from({ length: d.vcpus }, (_, i) => i),
    max_memkb: d.memMiB * 1024,
    target_memkb: memMiB(d) * 1024,
  };
  if (p) bInfo.sched_params = { sched: hv.sched.policy.name, ...p };
  if (d.domid !== DOM0) bInfo['type.pv'] = { kernel: `${d.image.name}.cfg` };
  return { c_info: cInfo, b_info: bInfo };
}
