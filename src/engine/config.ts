// The image and host keys of this engine: the domain's and the host's own (image.ts) with the ones each
// subsystem declares (the scheduler's workload and boot options, the library subsystem's link keys,
// signal dispositions). image.ts stays a pure parser; this is the one place that joins the tables, in
// the order `help`-like listings show them.

import { APP_IMAGE_KEYS } from './apps/keys.js';
import { SIGNAL_IMAGE_KEYS } from './signals.js';
import { CLONE_IMAGE_KEYS } from './clone.js';
import { DL_IMAGE_KEYS } from './dl/keys.js';
import {
  type Cfg,
  ConfigError,
  DOMAIN_IMAGE_KEYS,
  type HostConfig,
  imageMaxVcpus,
  type ImageConfig,
  type KeySpec,
} from './image.js';
import { MACHINE_HOST_KEYS, parseHost, parseImage } from './image.js';
import { SCHED_HOST_KEYS, SCHED_IMAGE_KEYS, WORKLOAD_KEYS } from './sched/keys.js';

/** Every key an appliance image may set. */
export const IMAGE_KEYS: Record<string, KeySpec> = {
  ...DOMAIN_IMAGE_KEYS,
  ...WORKLOAD_KEYS,
  ...SCHED_IMAGE_KEYS,
  ...DL_IMAGE_KEYS,
  ...SIGNAL_IMAGE_KEYS,
  ...CLONE_IMAGE_KEYS,
  ...APP_IMAGE_KEYS,
};

/** Every key a host file (host.cfg) may set. */
export const HOST_KEYS: Record<string, KeySpec> = { ...MACHINE_HOST_KEYS, ...SCHED_HOST_KEYS };

/** An image file (or create's overrides merged into one) read with every key this engine knows. */
export function imageFromCfg(cfg: Cfg, file: string, defaultName: string): ImageConfig {
  const image = parseImage(cfg, { file, defaultName, keys: IMAGE_KEYS });
  // cap is a share of the vCPUs the pVM has (libxl's check at create).
  const cap = image.raw.cap;
  const maxCap = imageMaxVcpus(image) * 100;
  if (typeof cap === 'number' && cap > maxCap)
    throw new ConfigError(file, cfg.get('cap')?.line ?? 0, `cap ${cap} is above ${maxCap} (100 per vCPU)`);
  return image;
}

/**
 * An image with some of its keys given anew (create's key=value, a bench parameter), validated as a file
 * would be; `where` names the source in errors. Sizes follow a changed memory unless given: the derived
 * heap is dropped so it is the rest again.
 */
export function imageWithKeys(base: ImageConfig, over: Cfg, where: string): ImageConfig {
  if (over.size === 0) return base;
  const merged: Cfg = new Map();
  for (const [k, v] of Object.entries(base.raw)) merged.set(k, { value: v, line: 0 });
  for (const [k, e] of over) merged.set(k, e);
  if (over.has('memory') && !over.has('heap_kb')) merged.delete('heap_kb');
  merged.set('name', { value: base.name, line: 0 });
  return imageFromCfg(merged, where, base.name);
}

/** A host file read with every key this engine knows. */
export function hostFromCfg(cfg: Cfg, file: string): HostConfig {
  return parseHost(cfg, { file, keys: HOST_KEYS });
}
