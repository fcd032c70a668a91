// The host section of a saved state, read into a HostConfig before an engine is built from it. A key the
// document lacks takes its default (states saved before the key existed load as a new host would
// start); a key of the wrong type is refused (EINVAL naming it), not handed to the scheduler or the
// frame table to fail inside a later command.

import { fail } from './errors.js';
import { type CfgValue, DEFAULT_HOST, type HostConfig } from './image.js';
import { nat, type Rec, str, strList } from './validate.js';

function isCfgValue(v: unknown): v is CfgValue {
  if (typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return Array.isArray(v) && v.every(isCfgValue);
}

/** A record of config values as written in a file (an image's or the host's `raw`). */
export function checkRaw(v: unknown, where: string): Record<string, CfgValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('EINVAL', `state: ${where} must be an object`);
  const raw: Record<string, CfgValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!isCfgValue(x)) fail('EINVAL', `state: ${where}.${k} must be a string, a number or a list`);
    raw[k] = x;
  }
  return raw;
}

export function checkHost(h: Rec): HostConfig {
  const where = 'host';
  const has = (k: string): boolean => h[k] !== undefined;
  const count = (k: keyof typeof DEFAULT_HOST & string, d: number): number => (has(k) ? nat(h, k, where) : d);
  const toolstack = has('toolstack') ? str(h, 'toolstack', where) : DEFAULT_HOST.toolstack;
  if (toolstack !== 'noxs' && toolstack !== 'xs') fail('EINVAL', `state: host.toolstack must be "noxs" or "xs"`);
  return {
    name: has('name') ? str(h, 'name', where) : DEFAULT_HOST.name,
    pcpus: count('pcpus', DEFAULT_HOST.pcpus),
    memory: count('memory', DEFAULT_HOST.memory),
    dom0_mem: count('dom0_mem', DEFAULT_HOST.dom0_mem),
    dom0_vcpus: count('dom0_vcpus', DEFAULT_HOST.dom0_vcpus),
    toolstack,
    pool: count('pool', DEFAULT_HOST.pool),
    boot: has('boot') ? strList(h, 'boot', where) : [...DEFAULT_HOST.boot],
    seed: count('seed', DEFAULT_HOST.seed),
    max_domains: count('max_domains', DEFAULT_HOST.max_domains),
    evtchn_ports: count('evtchn_ports', DEFAULT_HOST.evtchn_ports),
    raw: has('raw') ? checkRaw(h.raw, 'host.raw') : {},
  };
}
