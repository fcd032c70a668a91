// The scheduler and IpC panels, the libraries in the sharing panel and update stages in the log: each
// checked against the command's own data (schedView, ipcs --json, libs --json, update --json).

import { describe, expect, it } from 'vitest';
import { schedView } from '../../src/commands/sched.js';
import { ipcsData } from '../../src/commands/ipc-inspect.js';
import { resultOf } from '../helpers.js';
import { KEY, live, logOf, mount } from './mount.js';

describe('scheduler panel', () => {
  it('appears once virtual time has run, with each pCPU, its queue and the shares of schedView', async () => {
    const { frame, type, model } = mount(120, 40);
    expect(live(frame())).not.toMatch(/scheduler:/);
    await type('fork web 4', KEY.enter, 'run 2s', KEY.enter);
    const f = live(frame());
    const v = schedView(model.shell.hv);
    expect(f).toMatch(new RegExp(`scheduler: ${v.pcpus.length} pCPUs`));
    expect(f).toMatch(/last 2 s/);
    for (const p of v.pcpus.slice(0, 2)) {
      const row = f.split('\n').find((l) => l.includes(`pCPU${p.cpu} `))!;
      expect(row, `pCPU${p.cpu}`).toMatch(
        new RegExp(`pCPU${p.cpu} .{18} +${p.busy_pct!.toFixed(1).replace('.', '\\.')}% q${p.runq_len}`),
      );
      if (p.running) expect(row).toContain(`${p.running.name} v${p.running.vcpu}`);
    }
    // The busiest domain's share is the one schedView computed.
    const top = v.shares[0]!;
    expect(top.cpu_pct).toBeGreaterThan(0);
    expect(f).toMatch(new RegExp(`${top.name.replace('.', '\\.')} +${top.cpu_pct.toFixed(1)}% [█░]`));
  });
});

describe('IpC panel', () => {
  it('shows a full pipe with its blocked writer, a queue and a segment with attachers, as ipcs has them', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 2', KEY.enter);
    expect(live(frame())).not.toMatch(/IpC:/);
    await type('pipe web.1 web.2', KEY.enter, 'write 1 hello --repeat 300', KEY.enter);
    let f = live(frame());
    expect(f).toMatch(/IpC: 1 pipe, 0 queues, 0 segments/);
    expect(f).toMatch(/pipe 1 web\.1→web\.2 \[████████\] 1024\/1024B ⇐ web\.1 \(write\)/);
    expect(f).toMatch(/1 blocked/);
    await type(
      'msgget web 5 --create',
      KEY.enter,
      'msgsnd web 1 1 hi',
      KEY.enter,
      'shmget web 7 8192 --create',
      KEY.enter,
      'shmat web 1',
      KEY.enter,
    );
    f = live(frame());
    const x = ipcsData(model.shell.hv);
    expect(f).toContain(`msq 1 ${x.queues[0]!.key_hex} web [`);
    expect(f).toContain(`] ${x.queues[0]!.bytes}/${x.queues[0]!.qbytes}B 1 msg`);
    expect(f).toMatch(/shm 1 0x00000007 8192B 2p attached: web/);
  });

  it('event-channel activity is the difference of ipcs counters since the last command', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 2', KEY.enter, 'pipe web.1 web.2', KEY.enter);
    const before = ipcsData(model.shell.hv).evtchn;
    await type('write 1 hi', KEY.enter);
    const after = ipcsData(model.shell.hv).evtchn;
    const f = live(frame());
    for (const a of after) {
      const b = before.find((x) => x.domid === a.domid);
      const sent = a.sent - (b?.sent ?? 0);
      const received = a.received - (b?.received ?? 0);
      if (sent + received > 0) expect(f).toContain(`${a.pvm} ↑${sent} ↓${received}`);
    }
    expect(f).toMatch(/evtchn since last command: \S+ ↑\d+ ↓\d+/);
    // A command that sends nothing: quiet.
    await type('list', KEY.enter);
    expect(live(frame())).toMatch(/evtchn since last command: quiet/);
  });
});

describe('libraries in the sharing panel, update stages in the log', () => {
  it("the selected pVM's libraries and how many pVMs share each, as libs --json says", async () => {
    const { frame, type, model } = mount(120, 40);
    const users = () =>
      (resultOf(model.shell.runOne(['libs'])).data.loaded as { lib: string; users: unknown[] }[]).find(
        (l) => l.lib === 'libm',
      )!.users.length;
    expect(live(frame())).toMatch(new RegExp(`⊞ libm 1\\.16: ${users()} pVMs share its text`));
    await type('fork web 3', KEY.enter);
    expect(users()).toBe(6);
    expect(live(frame())).toMatch(/⊞ libm 1\.16: 6 pVMs share its text/);
  });

  it('an update prints its four stages in the log with their modeled times', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('update web libm@1.18 --eager', KEY.enter);
    const log = logOf(frame());
    const data = resultOf(model.shell.runOne(['update', 'redis', 'libm@1.18', '--eager'])).data as {
      pvms: { stages: { stage: number; name: string; us: number }[] }[];
    };
    for (const s of data.pvms[0]!.stages)
      expect(log).toMatch(new RegExp(`web stage ${s.stage} ${s.name.replace('.', '\\.')} +[0-9.]+ µs ▇+`));
    expect(log).toMatch(/updated +web: libm@1\.16 -> 1\.18 online/);
    expect(live(frame())).toMatch(/⊞ libm 1\.18: only web/);
  });
});
