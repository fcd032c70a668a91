// Every output marked (xl) in `help`, byte for byte: the same state printed with xl's and xentop's own
// format strings (copied from tools/xl/xl_info.c, xl_vcpu.c, xl_sched.c, xl_mem.c and
// tools/xenstat/xentop/xentop.c at 4.11) through test/cprintf.ts, a printf with C semantics that shares
// no code with the product, and compared with what the commands print. The states hold the cases that
// tell printf from JavaScript: CPU times that are exact .x5 ties (0.25 s, 6.25 s), a paused idle pVM,
// names over 10 characters (xentop cuts them) and over 40 (xl list does not), a shut-down pVM, and
// uptimes of one day and of two.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Shell } from '../../src/commands/shell.js';
import { infoFields } from '../../src/commands/xl-info.js';
import { DOM0, type Domain, isZombie, pagesOf } from '../../src/engine/domain.js';
import { smapsTotal } from '../../src/engine/mm/access.js';
import { cprintf, floatSeconds } from '../cprintf.js';
import { makeShell, ok } from '../helpers.js';

const LONG = 'a-name-of-more-than-forty-characters-for-xl-list';

/** print_bitmap (xl_utils.c): all, none, or ranges "0-3,6". */
function printBitmap(cpus: readonly number[] | null, n: number): string {
  if (cpus === null || cpus.length === n) return 'all';
  if (cpus.length === 0) return 'none';
  const out: string[] = [];
  let i = 0;
  const s = [...cpus].sort((a, b) => a - b);
  while (i < s.length) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j === i ? cprintf('%d', s[i]!) : cprintf('%d-%d', s[i]!, s[j]!));
    i = j + 1;
  }
  return out.join(',');
}

/** uptime_to_string (xl_info.c), long form. */
function uptimeToString(uptime: number): string {
  const day = Math.floor(uptime / 86400);
  uptime -= day * 86400;
  const hour = Math.floor(uptime / 3600);
  uptime -= hour * 3600;
  const min = Math.floor(uptime / 60);
  const sec = uptime - min * 60;
  if (day > 1) return cprintf('%d days, %2d:%02d:%02d', day, hour, min, sec);
  if (day === 1) return cprintf('%d day, %2d:%02d:%02d', day, hour, min, sec);
  return cprintf('%2d:%02d:%02d', hour, min, sec);
}

const SHUTDOWN_REASON = { poweroff: 0, reboot: 1, suspend: 2, crash: 3, watchdog: 4, soft_reset: 5 } as const;

/** getdomaininfo's flags as xl list reads them, from the engine's vCPUs. */
function letters(sh: Shell, d: Domain): number[] {
  const sched = sh.hv.sched;
  const vs = sched.vcpusOf(d);
  const zombie = isZombie(d);
  const running = d.domid === DOM0 || vs.some((v) => v.state === 'running');
  const up = vs.filter((v) => !v.down);
  const blocked = !zombie && d.domid !== DOM0 && up.length > 0 && up.every((v) => sched.vcpuBlocked(v));
  const reason = zombie ? '-rscwS'[SHUTDOWN_REASON[d.shutdown!.reason]]! : '-';
  return [
    (running && !zombie && !d.paused && !d.stopped ? 'r' : '-').charCodeAt(0),
    (blocked ? 'b' : '-').charCodeAt(0),
    // XEN_DOMINF_paused: the toolstack's pause, or a SIGSTOP (the model's second pause reference).
    (d.paused || d.stopped ? 'p' : '-').charCodeAt(0),
    (zombie ? 's' : '-').charCodeAt(0),
    reason.charCodeAt(0),
    '-'.charCodeAt(0),
  ];
}

function memMiBOf(d: Domain): number {
  return d.domid === DOM0 ? d.memMiB : Math.floor((pagesOf(d) * 4) / 1024);
}

function xlList(sh: Shell): string {
  const lines = ['Name                                        ID   Mem VCPUs\tState\tTime(s)'];
  for (const d of sh.hv.list()) {
    const online = isZombie(d) || d.domid === DOM0 ? d.vcpus : sh.hv.sched.vcpusOf(d).filter((v) => !v.down).length;
    lines.push(
      cprintf(
        '%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f',
        d.name,
        d.domid,
        memMiBOf(d),
        online,
        ...letters(sh, d),
        floatSeconds(sh.hv.sched.cpuTimeNs(d)),
      ),
    );
  }
  return lines.join('\n');
}

function xlVcpuList(sh: Shell): string {
  const n = sh.hv.host.pcpus;
  const sched = sh.hv.sched;
  const lines = [
    cprintf('%-32s %5s %5s %5s %5s %9s %s', 'Name', 'ID', 'VCPU', 'CPU', 'State', 'Time(s)', 'Affinity (Hard / Soft)'),
  ];
  for (const d of sh.hv.list()) {
    const rows = isZombie(d)
      ? sched.exitedVcpus(d).map((x) => ({ ...x, down: false, running: false, blocked: false }))
      : sched.vcpusOf(d).map((v) => ({
          id: v.id,
          cpu: v.cpu,
          cpuNs: v.cpuNs,
          affinity: v.affinity,
          soft: v.soft,
          down: v.down,
          running: v.state === 'running',
          blocked: sched.vcpuBlocked(v),
        }));
    for (const v of rows) {
      let line = cprintf('%-32s %5u %5u', d.name, d.domid, v.id);
      line += v.down
        ? cprintf('%5c %3c%cp ', 45, 45, 45)
        : cprintf('%5u %3c%c- ', v.cpu, v.running ? 114 : 45, v.blocked ? 98 : 45);
      line += cprintf('%9.1f  ', floatSeconds(v.cpuNs));
      line += `${printBitmap(v.affinity, n)} / ${printBitmap(v.soft, n)}`;
      lines.push(line);
    }
  }
  return lines.join('\n');
}

function xlUptime(sh: Shell): string {
  const now = Math.floor(sh.hv.nowNs / 1e9);
  const lines = [cprintf('%-33s %4s %s', 'Name', 'ID', 'Uptime')];
  for (const d of sh.hv.list()) {
    const start = d.domid === DOM0 ? 0 : Math.floor(d.createdNs / 1e9);
    lines.push(cprintf('%-33s %4d %s', d.name, d.domid, uptimeToString(now - start)));
  }
  return lines.join('\n');
}

function xlSchedCredit(sh: Shell): string {
  const g = sh.hv.sched.globalParams();
  const lines = [
    cprintf(
      'Cpupool %s: tslice=%dms ratelimit=%dus migration-delay=%dus',
      'Pool-0',
      g.tslice_ms!,
      g.ratelimit_us!,
      g.migration_delay_us!,
    ),
    cprintf('%-33s %4s %6s %4s', 'Name', 'ID', 'Weight', 'Cap'),
  ];
  for (const d of sh.hv.list()) {
    const p = sh.hv.sched.domainParams(d);
    if (p) lines.push(cprintf('%-33s %4d %6d %4d', d.name, d.domid, p.weight!, p.cap!));
  }
  return lines.join('\n');
}

function xlSharing(sh: Shell): string {
  const lines = ['Name                                        ID   Mem Shared'];
  for (const d of sh.hv.list()) {
    const shared = d.domid === DOM0 ? 0 : Math.floor(smapsTotal(sh.hv, d).shared_kib / 1024);
    lines.push(cprintf('%-40s %5d %5lu  %5lu', d.name, d.domid, memMiBOf(d), shared));
  }
  return lines.join('\n');
}

/** output_nodeinfo, output_physinfo, output_xeninfo: xl_info.c's format strings, values from the host. */
function xlInfo(sh: Shell): string {
  const hv = sh.hv;
  const model = new Map(infoFields(hv));
  const s = (k: string): string => String(model.get(k));
  const mib = (frames: number): number => Math.floor((frames * 4) / 1024);
  const khz = 2_500_000;
  return [
    cprintf('host                   : %s', hv.host.name),
    cprintf('release                : %s', s('release')),
    cprintf('version                : %s', s('version')),
    cprintf('machine                : %s', s('machine')),
    cprintf('nr_cpus                : %d', hv.host.pcpus),
    cprintf('max_cpu_id             : %d', hv.host.pcpus - 1),
    cprintf('nr_nodes               : %d', 1),
    cprintf('cores_per_socket       : %d', hv.host.pcpus),
    cprintf('threads_per_core       : %d', 1),
    cprintf('cpu_mhz                : %d.%03d', Math.floor(khz / 1000), khz % 1000),
    cprintf(
      'hw_caps                : %08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x',
      0xbfebfbff,
      0x1fbee3ff,
      0x2c100800,
      1,
      0,
      0,
      0,
      0,
    ),
    cprintf('virt_caps              :%s%s', ' hvm', ' hvm_directio'),
    cprintf('total_memory           : %d', hv.host.memory),
    cprintf('free_memory            : %d', mib(hv.frames.free)),
    cprintf('sharing_freed_memory   : %d', mib(hv.accounting().savedPages)),
    cprintf('sharing_used_memory    : %d', mib(hv.accounting().sharedFrames)),
    cprintf('outstanding_claims     : %d', 0),
    cprintf('free_cpus              : %d', 0),
    cprintf('xen_major              : %d', 4),
    cprintf('xen_minor              : %d', 11),
    cprintf('xen_extra              : %s', '.4'),
    cprintf('xen_version            : %d.%d%s', 4, 11, '.4'),
    cprintf('xen_caps               : %s', s('xen_caps')),
    cprintf('xen_scheduler          : %s', hv.sched.policy.name),
    cprintf('xen_pagesize           : %u', 4096),
    cprintf('platform_params        : virt_start=0x%x', 0xffff800000000000),
    cprintf('xen_changeset          : %s', s('xen_changeset')),
    cprintf('xen_commandline        : %s', s('xen_commandline')),
    cprintf('cc_compiler            : %s', s('cc_compiler')),
    cprintf('cc_compile_by          : %s', s('cc_compile_by')),
    cprintf('cc_compile_domain      : %s', s('cc_compile_domain')),
    cprintf('cc_compile_date        : %s', s('cc_compile_date')),
    cprintf('build_id               : %s', s('build_id')),
    'xend_config_format     : 4',
  ].join('\n');
}

/** xentop's fields[]: header and width. */
const FIELDS: [string, number][] = [
  ['NAME', 10],
  ['STATE', 6],
  ['CPU(sec)', 10],
  ['CPU(%)', 6],
  ['MEM(k)', 10],
  ['MEM(%)', 6],
  ['MAXMEM(k)', 10],
  ['MAXMEM(%)', 9],
  ['VCPUS', 5],
  ['NETS', 4],
  ['NETTX(k)', 8],
  ['NETRX(k)', 8],
  ['VBDS', 4],
  ['VBD_OO', 8],
  ['VBD_RD', 8],
  ['VBD_WR', 8],
  ['VBD_RSECT', 10],
  ['VBD_WSECT', 10],
  ['SSID', 4],
];

/** xentop -b, one iteration: do_header then do_domain per domain, by name (strcasecmp) or Domain-0 first. */
function xentop(sh: Shell, o: { full?: boolean; dom0First?: boolean } = {}): string {
  const hv = sh.hv;
  const totKiB = hv.host.memory * 1024;
  const byName = [...hv.list()].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const doms = o.dom0First
    ? [...byName.filter((d) => d.domid === DOM0), ...byName.filter((d) => d.domid !== DOM0)]
    : byName;
  const nameWidth = o.full ? Math.max(10, ...doms.map((d) => d.name.length)) : 10;
  const header = FIELDS.map(([h, w], i) => cprintf('%*s', i === 0 ? nameWidth : w, h)).join(' ');
  const rows = doms.map((d) => {
    const zombie = isZombie(d);
    const l = letters(sh, d);
    // state_funcs' order: d s b c p r; xenstat_domain_shutdown excludes SHUTDOWN_crash, which is
    // xenstat_domain_crashed's alone; p is xenstat_domain_paused (the model's pause or a SIGSTOP).
    const crashed = zombie && d.shutdown!.reason === 'crash';
    const state = [
      '-',
      zombie && !crashed ? 's' : '-',
      String.fromCharCode(l[1]!),
      crashed ? 'c' : '-',
      d.paused || d.stopped ? 'p' : '-',
      String.fromCharCode(l[0]!),
    ].join('');
    const curKiB = d.domid === DOM0 ? d.memMiB * 1024 : pagesOf(d) * 4;
    const cells = [
      o.full ? cprintf('%*s', nameWidth, d.name) : cprintf('%10.10s', d.name),
      state,
      cprintf('%10llu', Math.floor(hv.sched.cpuTimeNs(d) / 1e9)),
      cprintf('%6.1f', 0),
      cprintf('%10llu', curKiB),
      cprintf('%6.1f', (curKiB / totKiB) * 100),
      d.domid === DOM0 ? cprintf('%10s', 'no limit') : cprintf('%10llu', d.memMiB * 1024),
      d.domid === DOM0 ? cprintf('%9s', 'n/a') : cprintf('%9.1f', ((d.memMiB * 1024) / totKiB) * 100),
      cprintf('%5u', d.vcpus),
      cprintf('%4u', 0),
      cprintf('%*llu', 8, 0),
      cprintf('%*llu', 8, 0),
      cprintf('%4u', 0),
      cprintf('%8llu', 0),
      cprintf('%*llu', 8, 0),
      cprintf('%*llu', 8, 0),
      cprintf('%*llu', 10, 0),
      cprintf('%*llu', 10, 0),
      cprintf('%4u', 0),
    ];
    return cells.join(' ');
  });
  return [header, ...rows].join('\n');
}

/** Every (xl) format of the current state: the command's text against xl's format strings. */
function compareAll(sh: Shell): void {
  expect(ok(sh, 'list').text).toBe(xlList(sh));
  expect(ok(sh, 'vcpu-list').text).toBe(xlVcpuList(sh));
  expect(ok(sh, 'uptime').text).toBe(xlUptime(sh));
  expect(ok(sh, 'sched-credit').text).toBe(xlSchedCredit(sh));
  expect(ok(sh, 'sharing').text).toBe(xlSharing(sh));
  expect(ok(sh, 'info').text).toBe(xlInfo(sh));
  expect(ok(sh, 'top -b').text).toBe(xentop(sh));
  expect(ok(sh, 'top -bfz').text).toBe(xentop(sh, { full: true, dom0First: true }));
}

describe("xl's formats, byte for byte", () => {
  let sh: Shell;
  beforeAll(() => {
    sh = makeShell({ boot: [] });
    // hog runs alone on pCPU 1, so its CPU time is exactly the time run: 0.25 s, then 6.25 s.
    ok(
      sh,
      [
        'create empty workload=cpu name=hog',
        'vcpu-pin hog 0 1',
        `create daytime name=${LONG}`,
        'create empty name=longername12',
        'fork longername12',
        'kill -KILL longername12.1',
        'create empty name=sleeper',
        'pause sleeper',
        'create empty vcpus=2 maxvcpus=3 cpus="0-3,^2" cpus_soft=all,^0 name=multi',
        'run 250ms',
      ].join('; '),
    );
  });

  it('holds the cases that tell printf from JavaScript', () => {
    const hog = sh.hv.lookup('hog');
    expect(sh.hv.sched.cpuTimeNs(hog)).toBe(250_000_000);
    // toFixed would print 0.3: the exact tie goes to the even digit.
    expect(ok(sh, 'list hog').text.split('\n')[1]).toMatch(/ {7}0\.2$/);
    expect(ok(sh, 'list sleeper').text.split('\n')[1]).toMatch(/ -bp--- /);
    expect(ok(sh, 'list longername12.1').text.split('\n')[1]).toMatch(/ ---sc- /);
    expect(ok(sh, 'vcpu-list longername12.1').text.split('\n')).toHaveLength(2);
    expect(ok(sh, 'top -b').text).toMatch(/^longername --b---/m);
    expect(ok(sh, 'list').text).toContain(`\n${LONG} `);
  });

  it('list, vcpu-list, uptime, sched-credit, sharing, info and top -b at 0.25 s', () => compareAll(sh));

  it('the same at 6.25 s of CPU, and with a vCPU down and a pVM reweighted', () => {
    ok(sh, 'run 6s; vcpu-set multi 1; sched-credit -d multi -w 300 -c 50');
    expect(sh.hv.sched.cpuTimeNs(sh.hv.lookup('hog'))).toBe(6_250_000_000);
    expect(ok(sh, 'list hog').text.split('\n')[1]).toMatch(/ {7}6\.2$/);
    compareAll(sh);
  });

  it('uptime after one day and after two ("1 day," and "2 days,")', () => {
    const up = makeShell({ boot: [] });
    ok(up, 'create empty name=idle; run 24h; run 1h');
    expect(ok(up, 'uptime').text).toBe(xlUptime(up));
    expect(ok(up, 'uptime Domain-0').text).toMatch(/ 1 day, {2}1:00:00$/);
    ok(up, 'create empty name=late; run 24h');
    expect(ok(up, 'uptime').text).toBe(xlUptime(up));
    expect(ok(up, 'uptime Domain-0').text).toMatch(/ 2 days, {2}1:00:00$/);
    expect(ok(up, 'uptime late').text).toMatch(/ 1 day, {2}0:00:00$/);
    // -s: " %s up %s, %s (%d)" with the virtual time of day and "%d day, %2d:%02d".
    expect(ok(up, 'uptime -s idle').text).toBe(cprintf(' %s up %s, %s (%d)', '01:00:00', '2 days,  1:00', 'idle', 1));
  });

  it('info NAME prints the value of every field whose label begins with NAME, as maybe_printf', () => {
    expect(ok(sh, 'info free').text).toBe(
      [cprintf('%d', Math.floor((sh.hv.frames.free * 4) / 1024)), cprintf('%d', 0)].join('\n'),
    );
    expect(ok(sh, 'info xen_v').text).toBe('4.11.4');
    expect(ok(sh, 'info nosuch').text).toBe('');
    // -n turns the filter off and adds the topology between physinfo and xeninfo.
    const numa = ok(sh, 'info -n free').text.split('\n');
    expect(numa).toContain('cpu_topology           :');
    expect(numa[numa.indexOf('numa_info              :') + 1]).toBe('node:    memsize    memfree    distances');
  });
});
