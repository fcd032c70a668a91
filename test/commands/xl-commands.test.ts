// xl's commands a user reaches for, in the model: save and restore of one domain, the whole-host
// snapshot, mem-set and mem-max (ballooning that frees only what nobody else maps), vcpu-set, shutdown,
// reboot, domid, domname, cpupool-list, dmesg and debug-keys r; xl's silence on success in scripts;
// getopt's short options; and the host file's out-of-range scheduler options reset as Xen does at boot.

import { describe, expect, it } from 'vitest';
import { scriptedHost } from '../../src/commands/scripted-host.js';
import { hostFromCfg } from '../../src/engine/config.js';
import { parseCfg } from '../../src/engine/image.js';
import { err, makeShell, memoryIO, ok } from '../helpers.js';

describe('save and restore of one domain', () => {
  it('a checkpoint brings back the memory content, balloon, affinity, weight and cap, under a new domid', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(sh, 'touch web heap 10; mem-set web 7; vcpu-pin web 0 2 1-3; sched-credit -d web -w 300 -c 40');
    const token = ok(sh, 'peek web heap 3').data.content;
    const saved = ok(sh, 'save web cp.json');
    expect(saved.data.after).toBe('destroyed');
    expect(sh.hv.hasName('web')).toBe(false);
    const back = ok(sh, 'restore -p cp.json');
    const d = sh.hv.lookup('web');
    expect(d.domid).not.toBe(1);
    expect(d.paused).toBe(true);
    expect(back.data.domid).toBe(d.domid);
    expect(ok(sh, 'peek web heap 3').data.content).toBe(token);
    expect(ok(sh, 'list web').text).toMatch(/^web +\d+ +7 +1 +-bp--- /m);
    expect(ok(sh, 'vcpu-list web').text).toMatch(/ 2 \/ 1-3$/m);
    expect(ok(sh, 'sched-credit -d web').data).toMatchObject({ weight: 300, cap: 40 });
  });

  it('-c leaves the domain running, -p paused; a name in use, a damaged file or shared memory is refused', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    expect(ok(sh, 'save -c redis r.json').data.after).toBe('running');
    expect(ok(sh, 'save -p dns d.json').data.after).toBe('paused');
    expect(err(sh, 'restore r.json', 'EEXIST')).toBe("a pVM named 'redis' exists already");
    io.files.set('bad.json', '{"format":"kylinx-sh-checkpoint","version":1}');
    expect(err(sh, 'restore bad.json', 'EINVAL')).toMatch(/^bad\.json: /);
    io.files.set('junk.json', 'nope');
    expect(err(sh, 'restore junk.json', 'EINVAL')).toBe('junk.json: not a kylinx-sh checkpoint (not valid JSON)');
    ok(sh, 'shmget web 5 4096 --create; shmat web 1');
    expect(err(sh, 'save web w.json', 'EBUSY')).toMatch(/attached to shm:1/);
    ok(sh, 'link redis libz@1.2.13');
    expect(err(sh, 'save redis r2.json', 'EINVAL')).toMatch(/a checkpoint holds the image's libraries/);
    expect(err(sh, 'save Domain-0 x.json', 'EPERM')).toBe('Domain-0 cannot be saved');
  });

  it('snapshot save|restore keeps the whole host, as save and restore did before', () => {
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(sh, 'fork web 2; snapshot save s.json; destroy web.1; snapshot restore s.json');
    expect(sh.hv.hasName('web.1')).toBe(true);
  });
});

describe('mem-set and mem-max', () => {
  it('ballooning a fresh fork out frees nothing its parent still maps; a pVM alone frees its frames', () => {
    const sh = makeShell();
    ok(sh, 'fork web');
    const free = sh.hv.frames.free;
    const child = ok(sh, 'mem-set web.1 6');
    expect(child.data.frames_freed).toBe(0);
    expect(sh.hv.frames.free).toBe(free);
    expect(ok(sh, 'list web.1').text).toMatch(/^web\.1 +\d+ +6 /m);
    const alone = ok(sh, 'mem-set redis 4');
    expect(alone.data.frames_freed).toBeGreaterThan(400);
    expect(sh.hv.frames.free).toBe(free + (alone.data.frames_freed as number));
    // Up to 6 MiB (1536 pages; it held 1728 with its four libraries' pages): fresh frames for the heap.
    ok(sh, 'mem-set redis 6');
    expect(sh.hv.frames.free).toBe(free + (1728 - 1536));
    expect(err(sh, 'mem-set redis 7', 'EINVAL')).toMatch(
      /above redis's maximum of 6 MiB \(raise it with mem-max first\)/,
    );
    ok(sh, 'mem-max redis 12; mem-set redis 9');
    expect(ok(sh, 'top -b').text).toMatch(/^ {5}redis +--b--- .* {5}9216 .* {6}12288 /m);
    expect(err(sh, 'mem-max redis 4', 'EINVAL')).toMatch(/^memory_static_max must be greater/);
    expect(err(sh, 'mem-set redis 1', 'EINVAL')).toMatch(/cannot go below/);
    err(sh, 'mem-set Domain-0 512', 'EPERM');
  });
});

describe('vcpu-set, shutdown, reboot, domid, domname, cpupool-list', () => {
  it('vcpu-set takes vCPUs down (--p in vcpu-list, fewer VCPUs in list) and brings them up', () => {
    const sh = makeShell({ boot: [] });
    ok(sh, 'create empty workload=cpu vcpus=3 name=m; run 1s; vcpu-set m 1');
    expect(ok(sh, 'list m').text).toMatch(/^m +\d+ +2 +1 +r----- /m);
    expect(ok(sh, 'vcpu-list m').text).toMatch(/^m +\d+ +2 {4}- {3}--p +1\.0 /m);
    ok(sh, 'run 1s');
    expect(sh.hv.sched.vcpusOf(sh.hv.lookup('m'))[2]!.cpuNs).toBe(1e9);
    ok(sh, 'vcpu-set m 3; run 1s');
    expect(ok(sh, 'list m').text).toMatch(/^m +\d+ +2 +3 /m);
    expect(err(sh, 'vcpu-set m 4', 'EINVAL')).toMatch(/1-3 may be up, not 4/);
  });

  it('shutdown leaves a forked pVM a zombie with its vCPUs listed; reboot brings a domain back by name', () => {
    const sh = makeShell();
    ok(sh, 'fork web; shutdown web.1');
    expect(ok(sh, 'list web.1').text).toMatch(/---s--/);
    expect(ok(sh, 'vcpu-list web.1').text.split('\n')[1]).toMatch(/ {3}--- {7}0\.0 {2}all \/ all$/);
    ok(sh, 'wait web');
    expect(sh.hv.hasName('web.1')).toBe(false);
    const old = sh.hv.lookup('redis').domid;
    const r = ok(sh, 'reboot redis');
    expect(sh.hv.lookup('redis').domid).not.toBe(old);
    expect(r.data.domains).toEqual([{ name: 'redis', old, domid: sh.hv.lookup('redis').domid }]);
    expect(err(sh, 'shutdown', 'EINVAL')).toBe('You must specify -a or a domain id.');
    ok(sh, 'shutdown -a');
    expect([...sh.hv.pvms()]).toEqual([]);
  });

  it('domid and domname convert as xl does, with its messages', () => {
    const sh = makeShell();
    expect(ok(sh, 'domid redis').text).toBe('2');
    expect(ok(sh, 'domname 3').text).toBe('dns');
    expect(err(sh, 'domid nosuch', 'ENOENT')).toBe(
      "Can't get domid of domain name 'nosuch', maybe this domain does not exist.",
    );
    expect(err(sh, 'domname x', 'EINVAL')).toBe('Invalid domain id.');
    expect(err(sh, 'domname 99', 'ENOENT')).toMatch(/^Can't get domain name of domain id '99'/);
  });

  it("cpupool-list prints xl's columns for the one pool", () => {
    const sh = makeShell();
    expect(ok(sh, 'cpupool-list').text).toBe(
      'Name               CPUs   Sched     Active   Domain count\nPool-0               6    credit       y          4',
    );
    expect(ok(sh, 'cpupool-list -c').text).toBe('Name               CPU list\nPool-0             0,1,2,3,4,5');
    expect(err(sh, 'cpupool-list Pool-9', 'ENOENT')).toBe("Pool 'Pool-9' does not exist");
  });
});

describe('dmesg and debug-keys r', () => {
  it("logs what commands did, dumps the run queues as Xen's 'r' key does, and clears with -c", () => {
    const sh = makeShell({ boot: [] });
    ok(sh, 'create empty workload=cpu name=hog; run 100ms; debug-keys r');
    const log = ok(sh, 'dmesg').text.split('\n');
    expect(log[0]).toBe('(XEN) [    0.000000] created hog (domid 1) from image empty, 2 MiB');
    expect(log).toContain('(XEN) [    0.100000] Scheduler: SMP Credit Scheduler (credit)');
    expect(log.some((l) => /\trun: \[1\.0\] pri=-?\d flags=0 cpu=\d credit=-?\d+ \[w=256,cap=0\]$/.test(l))).toBe(true);
    expect(log.some((l) => /\t {2}1: \[32767\.\d\] pri=-64 flags=0 cpu=\d$/.test(l))).toBe(true);
    ok(sh, 'dmesg -c');
    expect(ok(sh, 'dmesg').text).toBe('');
    expect(err(sh, 'debug-keys q', 'EINVAL')).toMatch(/^cannot send debug keys: q/);
  });

  it('a failed command logs nothing (the ring is state: a refusal changes nothing)', () => {
    const sh = makeShell();
    const before = ok(sh, 'dmesg').text;
    err(sh, 'fork nosuch', 'ENOENT');
    expect(ok(sh, 'dmesg').text).toBe(before);
  });
});

describe('scripts print what xl prints: nothing for a change that succeeds, unless -v', () => {
  const outOf = (verbose: boolean, line: string): string => {
    const sh = makeShell();
    const out: string[] = [];
    sh.useHost(scriptedHost({ json: false, tty: false, verbose, out: (s) => out.push(s), err: (s) => out.push(s) }));
    sh.run(line);
    return out.join('');
  };

  it('pause, unpause, rename, destroy, vcpu-pin and sched-credit -w are silent; -v shows the confirmation', () => {
    const line =
      'pause web; unpause web; rename dns named; vcpu-pin web 0 1; sched-credit -d web -w512; sched-credit -s -t 20; destroy named';
    expect(outOf(false, line)).toBe('');
    const v = outOf(true, line);
    expect(v).toContain('paused web\n');
    expect(v).toContain('web vCPU 0: hard affinity 1, soft affinity all\n');
  });
});

describe("getopt's short options and the host file's boot options", () => {
  it('attached values (-w512, -dweb) and clustered flags (-bi1) work for every command', () => {
    const sh = makeShell();
    ok(sh, 'sched-credit -dweb -w512 -c50');
    expect(ok(sh, 'sched-credit -dweb').data).toMatchObject({ weight: 512, cap: 50 });
    expect(ok(sh, 'top -bi1').data.iterations).toBe(1);
    expect(ok(sh, 'top -bzfi2 -d1').data.iterations).toBe(2);
    expect(err(sh, 'top -bq', 'EUSAGE')).toMatch(/unknown option -q in -bq/);
    // A word whose first letter is no option of the command stays an argument.
    expect(ok(sh, 'kill -USR1 web').data).toBeDefined();
  });

  it("a rate limit outside 0 or 100-500000, or above the timeslice, is reset as Xen's boot does, with its warning", () => {
    const hostOf = (text: string) => hostFromCfg(parseCfg(text, 'h.cfg'), 'h.cfg');
    const low = makeShell({ ...hostOf('sched_ratelimit_us = 50\n'), boot: [] });
    expect(ok(low, 'sched-credit -s').data.ratelimit_us).toBe(1000);
    expect(ok(low, 'dmesg').text).toContain(
      'WARNING: sched_ratelimit_us outside of valid range [100,500000]. Resetting to default 1000',
    );
    const above = makeShell({ ...hostOf('sched_credit_tslice_ms = 5\nsched_ratelimit_us = 8000\n'), boot: [] });
    expect(ok(above, 'sched-credit -s').data).toMatchObject({ tslice_ms: 5, ratelimit_us: 5000 });
    expect(ok(above, 'dmesg').text).toContain('Setting ratelimit to tslice');
    const tslice = makeShell({ ...hostOf('sched_credit_tslice_ms = 5000\n'), boot: [] });
    expect(ok(tslice, 'sched-credit -s').data.tslice_ms).toBe(30);
    const c2 = makeShell({ ...hostOf('sched = "credit2"\nsched_ratelimit_us = 600000\n'), boot: [] });
    expect(ok(c2, 'sched-credit2 -s').data.ratelimit_us).toBe(1000);
    expect(
      ok(makeShell({ ...hostOf('sched_ratelimit_us = 0\n'), boot: [] }), 'sched-credit -s').data.ratelimit_us,
    ).toBe(0);
  });
});
