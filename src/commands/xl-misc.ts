// xl's smaller commands a KylinX user reaches for: domid, domname, shutdown, reboot, vcpu-set,
// mem-set, mem-max, cpupool-list, dmesg and debug-keys. Each prints what xl prints on stdout (often
// nothing); a confirmation of a change is shown by the console and with -v.

import { DOM0, isZombie, pagesOf, type Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { ipcExit } from '../engine/ipc/exit.js';
import * as life from '../engine/lifecycle.js';
import { smapsTotal } from '../engine/mm/access.js';
import { memMax, memSet } from '../engine/mm/balloon.js';
import { flag, maybe, one } from './args.js';
import { left, plural, right, sizeKiB } from './format.js';
import { int, pvm, word } from './kinds.js';
import { command, type AnyCommand } from './types.js';
import { POOL_NAME } from './xl-domain.js';

// ---- domid, domname -------------------------------------------------------------------------------

const domid = command({
  name: 'domid',
  family: 'inspect',
  summary: 'Convert a domain name to domain id',
  xl: true,
  usage: '<DomainName>',
  args: { name: one(word, 'DomainName') },
  run(ctx, a) {
    const d = [...ctx.hv.domains.values()].find((x) => x.name === a.name);
    if (!d) fail('ENOENT', `Can't get domid of domain name '${a.name}', maybe this domain does not exist.`);
    return { text: String(d.domid), data: { name: d.name, domid: d.domid } };
  },
});

const domname = command({
  name: 'domname',
  family: 'inspect',
  summary: 'Convert a domain id to domain name',
  xl: true,
  usage: '<DomainId>',
  args: { id: one(word, 'DomainId') },
  run(ctx, a) {
    // strtol(argv, 10): leading digits count; no digits at all is xl's "Invalid domain id."
    const m = /^\s*[+-]?[0-9]+/.exec(a.id);
    if (!m) fail('EINVAL', 'Invalid domain id.');
    const id = Number(m[0]);
    const d = ctx.hv.domains.get(id);
    if (!d) fail('ENOENT', `Can't get domain name of domain id '${id}', maybe this domain does not exist.`);
    return { text: d.name, data: { name: d.name, domid: d.domid } };
  },
});

// ---- shutdown, reboot -----------------------------------------------------------------------------

/** The pVMs a shutdown or reboot acts on: the one named, or every guest with -a. */
function targets(hv: Engine, d: Domain | undefined, all: boolean, what: string): Domain[] {
  if (all && d) fail('EINVAL', `${what} takes -a or a domain, not both`);
  if (!all && !d) fail('EINVAL', 'You must specify -a or a domain id.');
  if (d?.domid === DOM0) fail('EPERM', `Domain-0 runs the toolstack here: it cannot ${what}`);
  const list = all ? [...hv.pvms()].filter((x) => !isZombie(x)) : [d!];
  for (const x of list) hv.requireActive(x, what);
  return list;
}

const shutdown = command({
  name: 'shutdown',
  family: 'lifecycle',
  summary: 'Issue a shutdown signal to a domain',
  xl: true,
  usage: '[options] <-a|Domain>',
  args: { pvm: maybe(pvm, 'Domain') },
  options: {
    all: flag('Shutdown all guest domains.', 'a'),
    wait: flag('Wait for guest(s) to shutdown (here at once: the model has no guest to take its time)', 'w'),
  },
  help: 'The pVM powers off as an exit with status 0 does: its memory is released and its parent told (SIGCHLD); a forked pVM stays a zombie (---s--) until its parent waits for it.',
  differs:
    'The shutdown is immediate (a Mini-OS appliance acks it at once); xl prints "Shutting down domain N" on stderr, the model prints it only with -v or in the console.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const list = targets(hv, a.pvm, o.all, 'shut down');
    let latencyUs = 0;
    for (const d of list) latencyUs += ipcExit(hv, d, 0).latencyUs;
    return {
      text: list.map((d) => `Shutting down domain ${d.domid}`).join('\n'),
      data: { domains: list.map((d) => ({ name: d.name, domid: d.domid })) },
      latencyUs,
      confirmation: true,
    };
  },
});

/** Frames a pVM alone maps: what destroying it gives back. */
function ownFrames(hv: Engine, d: Domain): number {
  return smapsTotal(hv, d).private_kib / 4;
}

const reboot = command({
  name: 'reboot',
  family: 'lifecycle',
  summary: 'Issue a reboot signal to a domain',
  xl: true,
  usage: '[options] <-a|Domain>',
  args: { pvm: maybe(pvm, 'Domain') },
  options: {
    all: flag('Reboot all guest domains.', 'a'),
    wait: flag('Wait for guest(s) to reboot (here at once)', 'w'),
  },
  help: "As xl's restart of a rebooted guest: the domain is destroyed and created again from its image, with its name and a new domid. A forked pVM comes back as a fresh pVM of its image (a root of its own family): what it shared with its parent, its children and its IpC objects do not survive a reboot.",
  differs:
    'The reboot is immediate; xl prints "Rebooting domain N" on stderr, the model only with -v or in the console.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const list = targets(hv, a.pvm, o.all, 'reboot');
    // Room for every new domain, checked before any is destroyed (a failing command changes nothing).
    let need = 0;
    let freed = 0;
    for (const d of list) {
      const img = d.image;
      need += (img.text_kb + img.data_kb + img.bss_kb + img.heap_kb + img.stack_kb) / 4;
      freed += ownFrames(hv, d);
    }
    if (need > hv.frames.free + freed)
      fail('ENOMEM', `rebooting needs ${need} frames, the host would have ${hv.frames.free + freed}`);
    const out: { name: string; old: number; domid: number }[] = [];
    let latencyUs = 0;
    for (const d of list) {
      const old = d.domid;
      latencyUs += life.destroy(hv, d).latencyUs;
      const c = life.create(hv, d.image, { name: d.name });
      latencyUs += c.latencyUs;
      out.push({ name: d.name, old, domid: c.domain.domid });
    }
    return {
      text: out.map((r) => `Rebooting domain ${r.old}: ${r.name} is back as domid ${r.domid}`).join('\n'),
      data: { domains: out },
      latencyUs,
      confirmation: true,
    };
  },
});

// ---- vcpu-set -------------------------------------------------------------------------------------

const vcpuSet = command({
  name: 'vcpu-set',
  family: 'scheduler',
  summary: 'Set the number of active VCPUs allowed for the domain',
  xl: true,
  usage: '[option] <Domain> <vCPUs>',
  args: { pvm: one(pvm, 'Domain'), n: one(int(1, 128, 'vCPUs'), 'vCPUs') },
  options: { 'ignore-host': flag("Don't limit the vCPU based on the host CPU count", 'i') },
  help: "vCPUs 0 to N-1 are up, the rest down (they leave their pCPUs, as a pause does; vcpu-list shows them '--p'); at most the domain's vCPUs as created (its maxvcpus).",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const d = a.pvm;
    if (d.domid === DOM0) fail('EPERM', "Domain-0's vCPUs are the host file's dom0_vcpus in this model");
    if (isZombie(d)) fail('ESRCH', `${d.name} has exited`);
    if (!o['ignore-host'] && d.vcpus > hv.host.pcpus)
      fail(
        'EINVAL',
        `You are overcommmitting! You have ${hv.host.pcpus} physical CPUs and want ${d.vcpus} vCPUs! Aborting, use --ignore-host to continue`,
      );
    hv.sched.setOnline(d, a.n);
    return {
      text: `${d.name}: ${plural(a.n, 'vCPU')} of ${d.vcpus} up`,
      data: { name: d.name, domid: d.domid, online: a.n, max: d.vcpus },
      confirmation: true,
    };
  },
});

// ---- mem-set, mem-max -----------------------------------------------------------------------------

/** xl's memory argument: MB, or with a b/k/m/g/t suffix (parse_mem_size_kb); returned in whole MiB. */
const memSize = {
  kind: 'size' as const,
  parse(w: string): number {
    const m = /^([0-9]+)([bkmgtBKMGT]?)$/.exec(w);
    if (!m) fail('EUSAGE', `'${w}' is not a memory size (MB, or with b, k, m, g or t: 16, 16m, 16384k)`);
    const n = Number(m[1]);
    const kib = { b: n / 1024, k: n, m: n * 1024, g: n * 1024 ** 2, t: n * 1024 ** 3, '': n * 1024 }[
      m[2]!.toLowerCase() as 'b' | 'k' | 'm' | 'g' | 't' | ''
    ];
    if (kib % 1024 !== 0) fail('EINVAL', `${w} is not a whole number of MiB (the model balloons whole MiB)`);
    return kib / 1024;
  },
};

const memSetCmd = command({
  name: 'mem-set',
  family: 'memory',
  summary: 'Set the current memory usage for a domain',
  xl: true,
  usage: "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>",
  args: { pvm: one(pvm, 'Domain'), mem: one(memSize, 'Mem') },
  help: "The pVM's balloon driver gives heap pages back (or takes more, up to mem-max). A page given back drops only this pVM's mapping: a frame a forked parent or sibling still maps stays theirs, so ballooning a fresh fork out frees nothing; only frames this pVM alone held return to the host (see `mem`, `sharing`).",
  differs: "Domain-0 keeps its dom0_mem; the model balloons whole MiB of a pVM's heap.",
  run(ctx, a) {
    const hv = ctx.hv;
    const d = a.pvm;
    const b = memSet(hv, d, a.mem);
    const freed = b.framesFreed;
    const how =
      freed >= 0
        ? `${plural(freed, 'frame')} (${sizeKiB(freed * 4)}) freed, ${b.from - b.to - freed} still mapped by others`
        : `${plural(-freed, 'frame')} (${sizeKiB(-freed * 4)}) taken`;
    return {
      text: `${d.name}: ${sizeKiB(b.from * 4)} -> ${sizeKiB(b.to * 4)}; ${how}`,
      data: { name: d.name, domid: d.domid, from_pages: b.from, to_pages: b.to, frames_freed: freed },
      confirmation: true,
    };
  },
});

const memMaxCmd = command({
  name: 'mem-max',
  family: 'memory',
  summary: 'Set the maximum amount reservation for a domain',
  xl: true,
  usage: "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>",
  args: { pvm: one(pvm, 'Domain'), mem: one(memSize, 'Mem') },
  help: "The most mem-set may give the pVM (xentop's MAXMEM); not below what it holds now.",
  run(_ctx, a) {
    const d = a.pvm;
    memMax(d, a.mem);
    return {
      text: `${d.name}: at most ${a.mem} MiB (holds ${Math.ceil(pagesOf(d) / 256)} MiB)`,
      data: { name: d.name, domid: d.domid, max_mib: a.mem },
      confirmation: true,
    };
  },
});

// ---- cpupool-list ---------------------------------------------------------------------------------

const cpupoolList = command({
  name: 'cpupool-list',
  family: 'scheduler',
  summary: 'List CPU pools on host',
  xl: true,
  usage: '[-c|--cpus] [<CPU Pool>]',
  args: { pool: maybe(word, 'CPU Pool') },
  options: { cpus: flag('Output list of CPUs used by a pool', 'c') },
  differs: 'The host has one pool, Pool-0, with every pCPU (the model has no cpupool-create).',
  run(ctx, a, o) {
    const hv = ctx.hv;
    if (a.pool !== undefined && a.pool !== POOL_NAME) fail('ENOENT', `Pool '${a.pool}' does not exist`);
    const cpus = Array.from({ length: hv.host.pcpus }, (_, c) => c);
    const head = `${left('Name', 19)}${o.cpus ? 'CPU list' : 'CPUs   Sched     Active   Domain count'}`;
    const sched = hv.sched.policy.name;
    const row = o.cpus
      ? `${left(POOL_NAME, 19)}${cpus.join(',')}`
      : `${left(POOL_NAME, 19)}${right(cpus.length, 3)} ${right(sched, 9)}       y       ${right(hv.liveCount, 4)}`;
    return {
      text: `${head}\n${row}`,
      data: { pools: [{ name: POOL_NAME, cpus, sched, active: true, domains: hv.liveCount }] },
    };
  },
});

// ---- dmesg, debug-keys ----------------------------------------------------------------------------

const dmesg = command({
  name: 'dmesg',
  family: 'inspect',
  summary: 'Read and/or clear dmesg buffer',
  xl: true,
  usage: '[-c]',
  args: {},
  options: { clear: flag('Clear dmesg buffer as well as printing it', 'c') },
  help: "The hypervisor's console ring: what each command did to the domains, boot warnings (a host-file value Xen resets), and debug-keys dumps, stamped with virtual seconds since boot; the oldest lines fall out past 16 KiB, as Xen's ring does.",
  run(ctx, _a, o) {
    const ring = ctx.hv.conring;
    const lines = [...ring.read()];
    if (o.clear) ring.clear();
    return { text: lines.join('\n'), data: { lines, cleared: o.clear } };
  },
});

const debugKeys = command({
  name: 'debug-keys',
  family: 'scheduler',
  summary: 'Send debug keys to Xen',
  xl: true,
  usage: '<Keys>',
  args: { keys: one(word, 'Keys') },
  help: "The model answers 'r' (dump run queues): the scheduler's settings, each pCPU's running vCPU and run queue, into the console ring as Xen does; read them with dmesg.",
  differs: "Only 'r' is modelled; Xen has many more keys.",
  run(ctx, a) {
    const hv = ctx.hv;
    const keys = [...a.keys];
    const other = keys.find((k) => k !== 'r');
    if (other !== undefined)
      fail('EINVAL', `cannot send debug keys: ${a.keys} (the model answers 'r': dump run queues)`);
    let n = 0;
    for (let k = 0; k < keys.length; k++)
      for (const line of hv.sched.dumpRunq()) {
        hv.printk(line);
        n++;
      }
    return {
      text: `dumped the run queues to the console ring (${plural(n, 'line')}; dmesg shows them)`,
      data: { keys: a.keys, lines: n },
      confirmation: true,
    };
  },
});

export const XL_MISC: AnyCommand[] = [
  domid,
  domname,
  shutdown,
  reboot,
  vcpuSet,
  memSetCmd,
  memMaxCmd,
  cpupoolList,
  dmesg,
  debugKeys,
];
