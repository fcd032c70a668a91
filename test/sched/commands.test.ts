// xl's scheduler commands in xl's formats, their errors, top -b, list's letters, and the hook for #6.
import { describe, expect, it } from 'vitest';
import { schedView } from '../../src/commands/sched.js';
import { topHeader } from '../../src/commands/top.js';
import { err, makeShell, ok } from '../helpers.js';

describe('vcpu-list and vcpu-pin', () => {
  it("prints xl's columns: name, domid, vCPU, pCPU, r/b state, time and hard / soft affinity", () => {
    const sh = makeShell({ boot: ['web'] });
    ok(sh, 'create empty workload=cpu name=hog; run 2s; vcpu-pin web 0 1-3,5');
    const lines = ok(sh, 'vcpu-list').text.split('\n');
    expect(lines[0]).toBe('Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)');
    // No space before the CPU field: print_vcpuinfo prints "%5u %5u" then "%5u %3c%c- ".
    expect(lines[1]).toMatch(/^Domain-0 {24} {5}0 {5}0 {4}\d {3}-b- {7}0\.0 {2}all \/ all$/);
    expect(lines.find((l) => l.startsWith('hog '))).toMatch(/^hog {29} {5}2 {5}0 {4}\d {3}r-- {7}2\.0 {2}all \/ all$/);
    expect(lines.find((l) => l.startsWith('web '))).toMatch(/ {3}-b- +0\.0 {2}1-3,5 \/ all$/);
  });

  it('moves a running vCPU off a pCPU it may no longer use, at once', () => {
    const sh = makeShell({ boot: [] });
    ok(sh, 'create empty workload=cpu name=hog; run 1s');
    const cpu = (ok(sh, 'vcpu-list hog').data.vcpus as { cpu: number }[])[0]!.cpu;
    const other = (cpu + 1) % 6;
    ok(sh, `vcpu-pin hog 0 ${other}`);
    const v = (ok(sh, 'vcpu-list hog').data.vcpus as { cpu: number; state: string }[])[0]!;
    expect(v).toMatchObject({ cpu: other, state: 'running' });
    ok(sh, 'run 1s');
    expect((ok(sh, 'vcpu-list hog').data.vcpus as { cpu: number }[])[0]!.cpu).toBe(other);
  });

  it('refuses vCPUs and pCPUs that do not exist, changing nothing', () => {
    const sh = makeShell();
    expect(err(sh, 'vcpu-pin web 1 0', 'EINVAL')).toBe('web has no vCPU 1 (vCPUs 0)');
    expect(err(sh, 'vcpu-pin web 0 6', 'EINVAL')).toBe('pCPU 6 does not exist (this host has pCPUs 0-5)');
    expect(err(sh, 'vcpu-pin web 0 3-1', 'EINVAL')).toBe('Invalid pcpu range: 3-1 (write 1-3)');
    expect(err(sh, 'vcpu-pin web 0 x', 'EINVAL')).toMatch(/^Invalid pcpu range: x/);
    expect(err(sh, 'vcpu-pin web 0 ^all', 'EINVAL')).toMatch(/Can't combine "\^" and "all"/);
    expect(err(sh, 'vcpu-pin web 0 all,^0-5', 'EINVAL')).toMatch(/leaves no pCPU/);
    err(sh, 'vcpu-pin wbe 0 0', 'ENOENT');
  });
});

describe('sched-credit', () => {
  it("lists the pool's parameters and every domain's weight and cap in xl's format", () => {
    const sh = makeShell();
    const lines = ok(sh, 'sched-credit').text.split('\n');
    expect(lines[0]).toBe('Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us');
    expect(lines[1]).toBe('Name                                ID Weight  Cap');
    expect(lines[2]).toBe('Domain-0                             0    256    0');
    expect(lines[3]).toBe('web                                  1    256    0');
  });

  it('sets weight and cap of a domain, and tslice and ratelimit of the pool', () => {
    const sh = makeShell();
    expect(ok(sh, 'sched-credit -d web -w 512 -c 75').text.split('\n')[1]).toBe(
      'web                                  1    512   75',
    );
    expect(ok(sh, 'sched-credit -d web').data).toMatchObject({ weight: 512, cap: 75 });
    expect(ok(sh, 'sched-credit -s -t 10 -r 500').text).toBe(
      'Cpupool Pool-0: tslice=10ms ratelimit=500us migration-delay=0us',
    );
    expect(ok(sh, 'sched-credit -s').data).toMatchObject({ tslice_ms: 10, ratelimit_us: 500 });
    ok(sh, 'run 1s');
  });

  it('switches BOOST off and on for the pool at run time (-s -b), a model switch a save keeps', () => {
    const sh = makeShell();
    expect(ok(sh, 'sched-credit -s -b 0').text).toBe(
      'Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us (BOOST off)',
    );
    expect(sh.hv.sched.globalParams().boost).toBe(0);
    expect(ok(sh, 'sched-credit -s').data).toMatchObject({ boost: false });
    // The switch is engine state: a restored copy runs without BOOST too.
    expect(JSON.stringify(sh.hv.save())).toContain('"boost":false');
    expect(ok(sh, 'sched-credit -s -b 1').text).toBe(
      'Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us',
    );
    expect(sh.hv.sched.globalParams().boost).toBe(1);
    expect(err(sh, 'sched-credit -s -b 2', 'EINVAL')).toBe("boost must be 1 (on) or 0 (off), not '2'");
    expect(err(sh, 'sched-credit -b 0', 'EINVAL')).toBe('Must specify schedparam to set schedule parameter values.');
  });

  it("refuses values out of range with xl's messages, changing nothing", () => {
    const sh = makeShell();
    // libxl's line (with LOGD's "Domain N:" for a domain), then xl's line naming the call that failed.
    expect(err(sh, 'sched-credit -d web -w 0', 'EINVAL')).toBe(
      'Domain 1:Cpu weight out of range, valid values are within range from 1 to 65535; libxl_domain_sched_params_set failed.',
    );
    err(sh, 'sched-credit -d web -w65536', 'EINVAL');
    expect(err(sh, 'sched-credit -dweb -c101', 'EINVAL')).toBe(
      'Domain 1:Cpu cap out of range, valid range is from 0 to 100 for specified number of vcpus; libxl_domain_sched_params_set failed.',
    );
    err(sh, 'sched-credit -d web -w heavy', 'EUSAGE');
    expect(err(sh, 'sched-credit -s -t 0', 'EINVAL')).toBe(
      'Time slice out of range, valid range is from 1 to 1000; libxl_sched_credit_params_set failed.',
    );
    expect(err(sh, 'sched-credit -s -r 50', 'EINVAL')).toBe(
      'Ratelimit out of range, valid range is from 100 to 500000; libxl_sched_credit_params_set failed.',
    );
    expect(err(sh, 'sched-credit -s -m 100001', 'EINVAL')).toBe(
      'vcpu migration delay should be >= 0 and <= 100000us; libxl_sched_credit_params_set failed.',
    );
    expect(err(sh, 'sched-credit -s -t 1 -r 2000', 'EINVAL')).toMatch(/^Ratelimit cannot be greater than timeslice/);
    // xl's own refusals of option mixes: status 1, as xl returns EXIT_FAILURE.
    expect(err(sh, 'sched-credit -w 300', 'EINVAL')).toBe('Must specify a domain.');
    expect(err(sh, 'sched-credit -s -d web', 'EINVAL')).toBe(
      'Specifying a cpupool or schedparam is not allowed with domain options.',
    );
    expect(err(sh, 'sched-credit -t 5', 'EINVAL')).toBe('Must specify schedparam to set schedule parameter values.');
    expect(err(sh, 'sched-credit -p Pool-1', 'ENOENT')).toBe("unknown cpupool 'Pool-1' (this host has Pool-0)");
  });
});

describe('list letters and top -b', () => {
  it('shows r for a running vCPU, b for a blocked one, p for paused, from the scheduler', () => {
    const sh = makeShell();
    ok(sh, 'create empty workload=cpu name=hog; run 1s; pause redis');
    const text = ok(sh, 'list').text;
    expect(text).toMatch(/^hog +4 +2 +1 +r----- +1\.0$/m);
    expect(text).toMatch(/^dns +3 +4 +1 +-b---- /m);
    // p is independent of b: paused while idle is -bp---, as getdomaininfo sets both.
    expect(text).toMatch(/^redis +2 +6 +1 +-bp--- /m);
    expect((ok(sh, 'vcpu-list redis').data.vcpus as { state: string }[])[0]!.state).toBe('offline');
  });

  it("prints xentop's batch screen; -d advances virtual time between iterations", () => {
    const sh = makeShell();
    ok(sh, 'create empty workload=cpu name=hog; run 10s');
    const one = ok(sh, 'top -b').text.split('\n');
    // No summary lines in batch mode: the header, then the rows by name.
    expect(one[0]).toBe(topHeader());
    expect(topHeader()).toBe(
      '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID',
    );
    expect(one.map((l) => l.slice(0, 10).trim()).slice(1)).toEqual(['dns', 'Domain-0', 'hog', 'redis', 'web']);
    // MEM(k) is the pages held (tot_pages x 4): its 2 MiB and its linked library's pages.
    expect(one.find((l) => l.includes(' hog '))).toBe(
      '       hog -----r         10    0.0       2056    0.0       2048       0.0     1    0        0        0    0        0        0        0          0          0    0',
    );
    const two = ok(sh, 'top -b -i 3 -d 2');
    expect(sh.hv.nowNs).toBe(14e9);
    expect(two.text.split('\n').filter((l) => l.includes('NAME  STATE'))).toHaveLength(3);
    expect(
      two.text
        .split('\n')
        .filter((l) => l.includes(' hog '))
        .map((l) => l.slice(29, 35)),
    ).toEqual(['   0.0', ' 100.0', ' 100.0']);
    expect(ok(sh, 'top -bzi1').text.split('\n')[1]).toMatch(/^ {2}Domain-0 /);
    err(sh, 'top -b -i 0', 'EUSAGE');
  });
});

describe('for the console and the library subsystem', () => {
  it('schedView lists pCPUs with what runs on each, their queues, and CPU shares over the last run', () => {
    const sh = makeShell({ pcpus: 1, boot: [] });
    ok(sh, 'create empty workload=cpu name=a; create empty workload=cpu name=b; run 3s');
    const v = schedView(sh.hv);
    expect(v.pcpus).toHaveLength(1);
    expect(v.pcpus[0]!.running).not.toBeNull();
    expect(v.pcpus[0]!.runq_len).toBe(1);
    expect(v.pcpus[0]!.busy_pct).toBe(100);
    expect(v.shares.map((s) => s.name).sort()).toEqual(['Domain-0', 'a', 'b']);
    expect(Math.round(v.shares[0]!.cpu_pct + v.shares[1]!.cpu_pct)).toBe(100);
  });

  it('libraryBusy says when a vCPU is inside a call into a linked library, and until when at the earliest', () => {
    const sh = makeShell({ boot: [] });
    // Long bursts that all call into a library: at the end of the run one is in progress.
    ok(
      sh,
      'create web rate=1000 burst_us=500000 lib_call_frac=1 name=w; create web rate=1000 burst_us=500000 lib_call_frac=0 name=v; run 100ms',
    );
    const sched = sh.hv.sched;
    const w = sh.hv.lookup('w');
    const libs = (sched.vcpusOf(w)[0]!.w.burstLib ?? '') as string;
    expect(libs).not.toBe('');
    const busy = sched.libraryBusy(w, libs);
    expect(busy!.untilNs).toBeGreaterThan(sh.hv.nowNs);
    expect(sched.libraryBusy(w, 'libnothing')).toBeNull();
    expect(sched.libraryBusy(sh.hv.lookup('v'), libs)).toBeNull();
  });
});
