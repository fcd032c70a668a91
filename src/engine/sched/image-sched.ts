// xl.cfg's scheduling keys of an image, as the scheduler applies them to a pVM created from it:
// cpu_weight and cap (the policy's weight and cap), cpus and cpus_soft (hard and soft affinity, one
// list for every vCPU or one per vCPU, as xl.cfg(5)), and how many vCPUs are up (vcpus of maxvcpus).

import { fail } from '../errors.js';
import type { ImageConfig } from '../image.js';
import { parseCpuSet } from './cpulist.js';
import type { SchedParams } from './policy.js';

export interface ImageSched {
  online: number;
  params: SchedParams;
  hard(vcpu: number): number[] | null;
  soft(vcpu: number): number[] | null;
}

/** One CPU list key: a function of the vCPU (a string for all, a list per vCPU: all past its end). */
function perVcpu(image: ImageConfig, key: string, pcpus: number): (vcpu: number) => number[] | null {
  const v = image.raw[key];
  if (v === undefined) return () => null;
  const lists = (Array.isArray(v) ? v : [v]).map((x) => {
    try {
      return parseCpuSet(String(x), pcpus);
    } catch (e) {
      fail('EINVAL', `image ${image.name}: ${key}: ${(e as Error).message}`);
    }
  });
  if (!Array.isArray(v)) return () => (lists[0] ? [...lists[0]] : null);
  return (i) => {
    const l = lists[i];
    return l ? [...l] : null;
  };
}

/** What an image asks of the scheduler; EINVAL naming the key when a CPU list names no pCPU of the host. */
export function imageSched(image: ImageConfig, pcpus: number): ImageSched {
  const hard = perVcpu(image, 'cpus', pcpus);
  const maxv = typeof image.raw.maxvcpus === 'number' ? image.raw.maxvcpus : image.vcpus;
  for (let i = 0; i < maxv; i++) {
    const h = hard(i);
    if (h !== null && h.length === 0) fail('EINVAL', `image ${image.name}: cpus leaves vCPU ${i} no pCPU`);
  }
  const params: SchedParams = {};
  if (typeof image.raw.cpu_weight === 'number') params.weight = image.raw.cpu_weight;
  if (typeof image.raw.cap === 'number') params.cap = image.raw.cap;
  return { online: image.vcpus, params, hard, soft: perVcpu(image, 'cpus_soft', pcpus) };
}
