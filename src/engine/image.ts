// Image and host configuration files in xl.cfg syntax (xl.cfg(5)): `key = value` per line, values are
// strings ("..." or '...'), numbers, or lists [a, b, ...] that may span lines; `#` starts a comment.
// The parser is pure (it takes text and a file name); reading the files is src/host-io.ts's job.
// Every error names the file and line: `images/web.cfg:4: memory must be a whole number of MiB`.
// It knows the keys of a domain and of the host; subsystems declare their own (sched/keys.ts,
// dl/keys.ts, signals.ts) and config.ts hands the parser every table, so this file imports none of them.

import { fail } from './errors.js';
import { editDistance } from './suggest.js';
import { type Cfg, type CfgValue, ConfigError, parseCfg, strtol0 } from './xlcfg.js';

export { type Cfg, type CfgEntry, type CfgValue, type CfgWarn, ConfigError, parseCfg } from './xlcfg.js';

// ---- typed access -------------------------------------------------------------------------------

export type KeyType = 'int' | 'number' | 'string' | 'list';

export interface KeySpec {
  type: KeyType;
  min?: number;
  max?: number;
  oneOf?: string[];
  /** A list key that also takes one "string" (xl.cfg's cpus = "0-3"). */
  orString?: boolean;
  summary: string;
  /** A further check of the value: the reason it is wrong, or null. */
  check?: (v: CfgValue) => string | null;
}

/** Read a typed value, or fail with file and line. */
export function typed(cfg: Cfg, file: string, key: string, spec: KeySpec): CfgValue | undefined {
  const e = cfg.get(key);
  if (!e) return undefined;
  const bad = (why: string): never => {
    throw new ConfigError(file, e.line, `${key} ${why}`);
  };
  let v = e.value;
  switch (spec.type) {
    case 'int':
    case 'number':
      if (e.added) bad("can't use += with numbers");
      // Every atom is text to libxlu: a quoted "8" is read as strtol reads it; a fractional key of the
      // model (rate, burst_us) also takes a quoted decimal ("0.5"), as xl.cfg has no decimal numbers.
      if (typeof v === 'string') {
        const n = strtol0(v) ?? (spec.type === 'number' && /^[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : null);
        if (n === null)
          return bad(
            `is not a valid number: "${v}"${spec.type === 'number' ? ' (a whole number, or a decimal in quotes: "0.5")' : ''}`,
          );
        v = n;
        e.value = n;
      }
      if (typeof v !== 'number') bad('must be a number, not a list');
      if (spec.type === 'int' && !Number.isInteger(v)) bad(`must be a whole number, not ${v}`);
      if (spec.min !== undefined && (v as number) < spec.min) bad(`must be at least ${spec.min}, not ${v}`);
      if (spec.max !== undefined && (v as number) > spec.max) bad(`must be at most ${spec.max}, not ${v}`);
      break;
    case 'string':
      // A number token where a string is wanted is the text as written (libxlu keeps every atom as text).
      if (typeof v === 'number' && e.text !== undefined) {
        v = e.text;
        e.value = v;
      }
      if (typeof v !== 'string') bad('must be a "string"');
      if (spec.oneOf && !spec.oneOf.includes(v as string))
        bad(`must be one of ${spec.oneOf.map((o) => `"${o}"`).join(', ')}, not "${v}"`);
      break;
    case 'list':
      if (!Array.isArray(v) && !(spec.orString && typeof v === 'string')) bad('must be a [list]');
      break;
  }
  const why = spec.check?.(v);
  if (why) bad(why);
  return v;
}

export function checkKnownKeys(cfg: Cfg, file: string, known: Record<string, KeySpec>): void {
  for (const [key, e] of cfg) {
    if (!(key in known)) {
      const near = Object.keys(known).find((k) => editDistance(k, key) <= 2);
      throw new ConfigError(file, e.line, `unknown key '${key}'${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    typed(cfg, file, key, known[key]!);
  }
}

// ---- images ---------------------------------------------------------------------------------------

/** The keys of the domain itself that an appliance image may set (subsystems declare theirs: config.ts). */
export const DOMAIN_IMAGE_KEYS: Record<string, KeySpec> = {
  name: { type: 'string', summary: 'image name (defaults to the file name)' },
  description: { type: 'string', summary: 'one line shown by `show`' },
  memory: { type: 'int', min: 1, max: 1 << 20, summary: 'memory in MiB' },
  vcpus: { type: 'int', min: 1, max: 128, summary: 'virtual CPUs' },
  text_kb: { type: 'int', min: 4, summary: 'code (read-only) in KiB' },
  data_kb: { type: 'int', min: 0, summary: 'initialised data in KiB' },
  bss_kb: { type: 'int', min: 0, summary: 'zeroed data in KiB' },
  stack_kb: { type: 'int', min: 4, summary: 'stack in KiB (64 in Mini-OS)' },
  heap_kb: { type: 'int', min: 0, summary: 'heap in KiB (default: the rest of memory)' },
  maxvcpus: {
    type: 'int',
    min: 1,
    max: 128,
    summary: 'vCPUs the pVM has, vcpus of them up (xl.cfg; vcpu-set brings up the rest)',
  },
  maxmem: { type: 'int', min: 1, max: 1 << 20, summary: 'MiB the balloon may grow to (xl.cfg; mem-set, mem-max)' },
};

/** The vCPUs a pVM of this image has (xl.cfg's maxvcpus, else vcpus); `vcpus` of them are up. */
export function imageMaxVcpus(image: ImageConfig): number {
  const m = image.raw.maxvcpus;
  return typeof m === 'number' ? m : image.vcpus;
}

/** The most memory a pVM of this image may hold, MiB (xl.cfg's maxmem, else memory). */
export function imageMaxMem(image: ImageConfig): number {
  const m = image.raw.maxmem;
  return typeof m === 'number' ? m : image.memory;
}

export interface ImageConfig {
  name: string;
  description: string;
  memory: number;
  vcpus: number;
  text_kb: number;
  data_kb: number;
  bss_kb: number;
  stack_kb: number;
  heap_kb: number;
  /** Every key as written, for the subsystems that read their own keys. */
  raw: Record<string, CfgValue>;
}

export const REGION_ORDER = ['text', 'data', 'bss', 'heap', 'stack'] as const;

export interface ImageSource {
  /** Where the text came from, for errors: a file name, or `create web` for create's overrides. */
  file: string;
  /** The name when the image sets none (its file name without .cfg). */
  defaultName: string;
  /** Every key an image may set: DOMAIN_IMAGE_KEYS and the subsystems' (config.ts). */
  keys: Record<string, KeySpec>;
}

/** Validate a parsed image against the keys it may set. */
export function parseImage(cfg: Cfg, { file, defaultName, keys }: ImageSource): ImageConfig {
  checkKnownKeys(cfg, file, keys);
  const num = (k: string, d?: number): number => {
    const v = typed(cfg, file, k, keys[k]!);
    if (v === undefined) {
      if (d === undefined) throw new ConfigError(file, 0, `${k} is missing`);
      return d;
    }
    return v as number;
  };
  const memory = num('memory');
  const sizes: Record<string, number> = {};
  for (const k of ['text_kb', 'data_kb', 'bss_kb', 'stack_kb'] as const) {
    sizes[k] = num(k, k === 'stack_kb' ? 64 : k === 'text_kb' ? undefined : 0);
    if (sizes[k]! % 4 !== 0)
      throw new ConfigError(file, cfg.get(k)?.line ?? 0, `${k} must be a multiple of 4 (whole pages), not ${sizes[k]}`);
  }
  const fixed = sizes.text_kb! + sizes.data_kb! + sizes.bss_kb! + sizes.stack_kb!;
  const total = memory * 1024;
  if (fixed > total)
    throw new ConfigError(
      file,
      cfg.get('memory')?.line ?? 0,
      `text, data, bss and stack (${fixed} KiB) do not fit in memory (${total} KiB)`,
    );
  const heap = num('heap_kb', total - fixed);
  if (heap % 4 !== 0)
    throw new ConfigError(file, cfg.get('heap_kb')!.line, `heap_kb must be a multiple of 4 (whole pages), not ${heap}`);
  if (fixed + heap > total) {
    throw new ConfigError(
      file,
      cfg.get('heap_kb')!.line,
      `heap_kb ${heap} is more than memory leaves (${total - fixed} KiB after text, data, bss and stack)`,
    );
  }
  const raw: Record<string, CfgValue> = {};
  for (const [k, e] of cfg) raw[k] = e.value;
  const name = (typed(cfg, file, 'name', keys.name!) as string | undefined) ?? defaultName;
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name))
    throw new ConfigError(
      file,
      cfg.get('name')?.line ?? 0,
      `image name '${name}' must start with a letter and hold letters, digits, - or _`,
    );
  const vcpus = num('vcpus', 1);
  const maxv = raw.maxvcpus;
  if (typeof maxv === 'number' && maxv < vcpus)
    throw new ConfigError(file, cfg.get('maxvcpus')!.line, `maxvcpus ${maxv} is less than vcpus ${vcpus}`);
  const maxm = raw.maxmem;
  if (typeof maxm === 'number' && maxm < memory)
    throw new ConfigError(file, cfg.get('maxmem')!.line, `maxmem ${maxm} is less than memory ${memory}`);
  return {
    name,
    description: (raw.description as string | undefined) ?? '',
    memory,
    vcpus,
    text_kb: sizes.text_kb!,
    data_kb: sizes.data_kb!,
    bss_kb: sizes.bss_kb!,
    stack_kb: sizes.stack_kb!,
    heap_kb: heap,
    raw,
  };
}

/** Parse `key=value` overrides (create's arguments) with the same value syntax as a file. */
export function parseOverrides(pairs: string[], where: string, warn?: (m: string) => void): Cfg {
  const text = pairs.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) fail('EUSAGE', `'${p}' is not key=value`);
    const key = p.slice(0, eq).trim();
    let value = p.slice(eq + 1).trim();
    // Bare words are strings, as on xl's command line; so is a decimal or a negative number, which
    // the key's type then reads (or refuses) as a file's quoted value would be.
    if (!/^(["'[]|[0-9][0-9a-fx]*$)/.test(value)) value = JSON.stringify(value);
    return `${key} = ${value}`;
  });
  return parseCfg(text.join('\n'), where, warn);
}

// ---- host -----------------------------------------------------------------------------------------

/** The keys of the host itself (subsystems declare theirs: config.ts). */
export const MACHINE_HOST_KEYS: Record<string, KeySpec> = {
  name: { type: 'string', summary: 'host name shown by info' },
  pcpus: { type: 'int', min: 1, max: 256, summary: 'physical CPUs (the paper: a 6-core Xeon)' },
  memory: { type: 'int', min: 64, max: 4 << 20, summary: 'host memory in MiB' },
  dom0_mem: { type: 'int', min: 16, summary: 'Domain-0 memory in MiB' },
  dom0_vcpus: { type: 'int', min: 1, max: 256, summary: 'Domain-0 vCPUs' },
  toolstack: { type: 'string', oneOf: ['noxs', 'xs'], summary: '"noxs" (LightVM, no XenStore) or "xs" (XenStore)' },
  pool: { type: 'int', min: 0, max: 4096, summary: 'pre-created empty domain shells' },
  boot: { type: 'list', summary: 'appliances started at host boot' },
  seed: { type: 'int', min: 0, max: 2 ** 32 - 1, summary: 'seed of every random choice' },
  // At most 2^17: the engine holds about 3.3 KB of heap per pVM, and `fork web 1000000` on a host that
  // allowed 2^20 ran Node out of its 4 GiB heap after 3.5 minutes; 131072 fits in ~0.5 GiB.
  max_domains: {
    type: 'int',
    min: 1,
    max: 1 << 17,
    summary: 'live pVMs at most (Xen: 32751 domids; the model takes up to 131072)',
  },
  evtchn_ports: {
    type: 'int',
    min: 1,
    max: 4096,
    summary: "event-channel ports per domain (libxl's default 1023; at most 4096, the 2-level ABI)",
  },
};

export interface HostConfig {
  name: string;
  pcpus: number;
  memory: number;
  dom0_mem: number;
  dom0_vcpus: number;
  toolstack: 'noxs' | 'xs';
  pool: number;
  boot: string[];
  seed: number;
  max_domains: number;
  evtchn_ports: number;
  raw: Record<string, CfgValue>;
}

export const DEFAULT_HOST: Omit<HostConfig, 'raw'> = {
  name: 'kylinx',
  pcpus: 6,
  memory: 16384,
  dom0_mem: 1024,
  dom0_vcpus: 2,
  toolstack: 'noxs',
  pool: 0,
  boot: ['web', 'redis', 'dns'],
  seed: 1,
  max_domains: 32751,
  evtchn_ports: 1023,
};

export interface HostSource {
  file: string;
  /** Every key a host file may set: MACHINE_HOST_KEYS and the subsystems' (config.ts). */
  keys: Record<string, KeySpec>;
}

export function parseHost(cfg: Cfg, { file, keys }: HostSource): HostConfig {
  checkKnownKeys(cfg, file, keys);
  const get = <T extends CfgValue>(k: string, d: T): T => (typed(cfg, file, k, keys[k]!) as T | undefined) ?? d;
  const boot = get<CfgValue[]>('boot', DEFAULT_HOST.boot);
  for (const b of boot)
    if (typeof b !== 'string') throw new ConfigError(file, cfg.get('boot')!.line, 'boot must be a list of image names');
  const h: HostConfig = {
    name: get('name', DEFAULT_HOST.name),
    pcpus: get('pcpus', DEFAULT_HOST.pcpus),
    memory: get('memory', DEFAULT_HOST.memory),
    dom0_mem: get('dom0_mem', DEFAULT_HOST.dom0_mem),
    dom0_vcpus: get('dom0_vcpus', DEFAULT_HOST.dom0_vcpus),
    toolstack: get('toolstack', DEFAULT_HOST.toolstack) as 'noxs' | 'xs',
    pool: get('pool', DEFAULT_HOST.pool),
    boot: boot as string[],
    seed: get('seed', DEFAULT_HOST.seed),
    max_domains: get('max_domains', DEFAULT_HOST.max_domains),
    evtchn_ports: get('evtchn_ports', DEFAULT_HOST.evtchn_ports),
    raw: Object.fromEntries([...cfg].map(([k, e]) => [k, e.value])),
  };
  if (h.dom0_mem >= h.memory)
    throw new ConfigError(
      file,
      cfg.get('dom0_mem')?.line ?? 0,
      `dom0_mem (${h.dom0_mem} MiB) must be less than memory (${h.memory} MiB)`,
    );
  return h;
}
