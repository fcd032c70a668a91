// The scheduler, IpC and libraries panels, each checked against the command's own data (schedView,
// ipcs --json, libs --json), and the update stages the output keeps.

import { describe, expect, it } from 'vitest';
import { schedView } from '../../src/commands/sched.js';
import { ipcsData } from '../../src/commands/ipc-inspect.js';
import { resultOf } from '../helpers.js';
import { KEY, mount, outputOf, panelsOf } from './mount.js';

describe('scheduler panel', () => {
  it('appears once virtual time has run, with each pCPU, its queue and every domain in domid order', async () => {
    const { frame, type, model } = mount(120, 40);
    expect(panelsOf(frame())).not.toMatch(/scheduler:/);
    await type('fork web 4', KEY.enter, 'run 2s', KEY.enter, KEY.alt('6'));
    const f = panelsOf(frame());
    const v = schedView(model.shell.hv);
    expect(f).toMatch(new RegExp(`scheduler: ${v.pcpus.length} pCPUs`));
    expect(f).toMatch(/last 2 s/);
    // One pCPU a line (pCPU0 ...) or, when the panel is short, a grid of them (0 ...).
    for (const p of v.pcpus)
      expect(f, `pCPU${p.cpu}`).toMatch(
        new RegExp(
          `(pCPU${p.cpu} |\\b${p.cpu})[▶ ]\\S.*? +${p.busy_pct!.toFixed(1).replace('.', '\\.')}% q${p.runq_len}`,
        ),
      );
    // Every share is schedView's, and the rows follow domid order (they do not jump as shares change).
    const shareRows = f
      .split('\n')
      .flatMap((l) => [...l.matchAll(/(\S+) +(\d+\.\d)% [█░]/g)].map((m) => ({ name: m[1]!, pct: Number(m[2]) })));
    for (const s of v.shares.filter((x) => shareRows.some((r) => r.name === x.name)))
      expect(shareRows.find((r) => r.name === s.name)!.pct.toFixed(1)).toBe(s.cpu_pct.toFixed(1));
    const order = shareRows.map((r) => model.shell.hv.lookup(r.name).domid);
    expect([...order].sort((a, b) => a - b)).toEqual(order.length > 0 ? [...order].sort((a, b) => a - b) : []);
  });

  it('after sched.kx every domain is there: scrolling the panel shows all 16, in the same order each time', async () => {
    const { frame, type, model } = mount(120, 40, {
      readText: () => {
        const lines = ['create daytime workload=cpu name=hog-a1'];
        for (let i = 2; i <= 6; i++) lines.push(`create daytime workload=cpu name=hog-a${i}`);
        for (let i = 1; i <= 6; i++) lines.push(`create daytime workload=cpu name=hog-b${i}`);
        lines.push('run 1s');
        return lines.join('\n');
      },
    });
    await type('source lesson.kx', KEY.enter, KEY.alt('6'));
    const seen = new Set<string>();
    let last = '';
    for (let i = 0; i < 10 && panelsOf(frame()) !== last; i++) {
      last = panelsOf(frame());
      for (const m of last.matchAll(/(\S+) +(?:\d+\.\d%|–) {1,2}[█░]/g)) seen.add(m[1]!);
      await type(KEY.pgDn);
    }
    const live = [...model.shell.hv.domains.values()].map((d) => d.name);
    expect([...seen].sort()).toEqual(live.sort());
    expect(live).toHaveLength(16);
  });
});

describe('IpC panel', () => {
  it("a queue's messages by type, the type a receiver waits for; the tree marks the receiver", async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 4', KEY.enter);
    expect(panelsOf(frame())).not.toMatch(/IpC:/);
    await type(
      'msgget web 0x10 --create',
      KEY.enter,
      'msgsnd web 1 1 a; msgsnd web 1 1 b; msgsnd web 1 2 c; msgrcv web.4 1 5',
      KEY.enter,
    );
    const f = panelsOf(frame());
    const x = ipcsData(model.shell.hv);
    expect(f).toContain(`q1 ${x.queues[0]!.key_hex} web [1 1 2] 3 msgs 3/${x.queues[0]!.qbytes}B`);
    expect(f).toMatch(/⇐ web\.4 waits t5/);
    expect(f).toMatch(/─ web\.4 \(7\) +-b---- ◷ msgrcv q1 t5/);
    expect(f).toMatch(/IpC: 1 queue, 0 pipes, 0 segments +1 blocked/);
  });

  it('a full pipe with its blocked writer and the ring filled, a segment with attachers', async () => {
    const { frame, type } = mount(120, 40);
    await type('fork web 2', KEY.enter, 'pipe web.1 web.2', KEY.enter, 'write 1 hello --repeat 300', KEY.enter);
    let f = panelsOf(frame());
    expect(f).toMatch(/p1 web\.1→web\.2 \[██████████\] 1024\/1024B/);
    expect(f).toMatch(/⇐ web\.1 \(write\) blocked/);
    await type('shmget web 7 8192 --create', KEY.enter, 'shmat web 1', KEY.enter);
    f = panelsOf(frame());
    expect(f).toMatch(/shm1 0x00000007 8192B 2p attached: web/);
  });

  it('while a write plays, the ring fills step by step to where the engine left it', async () => {
    const { type, model, until } = mount(120, 40, { animate: true });
    await type('fork web 2', KEY.enter, KEY.esc);
    model.animator.skip();
    await type('pipe web.1 web.2', KEY.enter);
    model.animator.skip();
    model.animator.factor = 100_000;
    await type('write 1 hello --repeat 200', KEY.enter);
    // Part way: fewer bytes drawn than are in the ring.
    const mid = await until('the ring part filled', (x) => {
      const m = /p1 web\.1→web\.2 \[[█░]+\] (\d+)\/1024B/.exec(x);
      return m !== null && Number(m[1]) > 0 && Number(m[1]) < 1000;
    });
    expect(mid).toMatch(/░/);
    await until('the ring full', (x) => /p1 web\.1→web\.2 \[[█░]+\] 1000\/1024B/.test(x), 5_000);
  });

  it('event-channel activity is the difference of ipcs counters since the last command', async () => {
    const { frame, type, model } = mount(120, 40);
    await type('fork web 2', KEY.enter, 'pipe web.1 web.2', KEY.enter);
    const before = ipcsData(model.shell.hv).evtchn;
    await type('write 1 hi', KEY.enter);
    const after = ipcsData(model.shell.hv).evtchn;
    const f = panelsOf(frame());
    for (const a of after) {
      const b = before.find((x) => x.domid === a.domid);
      const sent = a.sent - (b?.sent ?? 0);
      const received = a.received - (b?.received ?? 0);
      if (sent + received > 0) expect(f).toContain(`${a.pvm} ↑${sent} ↓${received}`);
    }
    await type('list', KEY.enter);
    expect(panelsOf(frame())).toMatch(/evtchn since last command: quiet/);
  });
});

describe('libraries panel', () => {
  it('each version loaded, its text once, every pVM linking it with its GOT slots bound', async () => {
    const { frame, type, model } = mount(120, 40);
    const libm = () =>
      (resultOf(model.shell.runOne(['libs'])).data.loaded as { lib: string; version: string; users: unknown[] }[]).find(
        (l) => l.lib === 'libm',
      )!;
    expect(panelsOf(frame())).toMatch(new RegExp(`libm 1\\.16 · ${libm().users.length} pVMs +text 256K held once`));
    expect(panelsOf(frame())).toMatch(/web 0\/111/);
    // Lazy binding: the first call binds a slot.
    await type('call web libm.sqrt', KEY.enter);
    expect(panelsOf(frame())).toMatch(/web 1\/111/);
    await type('update web libm@1.18 --eager', KEY.enter);
    const f = panelsOf(frame());
    const web = (
      resultOf(model.shell.runOne(['libs', 'web'])).data.libraries as {
        lib: string;
        got_bound: number;
        got_slots: number;
      }[]
    ).find((l) => l.lib === 'libm')!;
    expect(web.got_bound).toBe(111);
    expect(f).toMatch(/libm 1\.18 · 1 pVM +text \S+ held once/);
    // The line under each library's head lists its pVMs: web under 1.18 now, not under 1.16.
    const rows = f.split('\n');
    const under = (v: string) => rows[rows.findIndex((l) => l.includes(`libm ${v} `)) + 1] ?? '';
    expect(under('1.18')).toMatch(new RegExp(`│ +web ${web.got_bound}/${web.got_slots}`));
    expect(under('1.16')).not.toMatch(/│ +web \d/);
  });

  it('an update leaves its four stages in the output, on one scale, serving then paused', async () => {
    const { type, model } = mount(120, 40);
    await type('update web libm@1.18 --eager', KEY.enter);
    const out = outputOf(model);
    const data = resultOf(model.shell.runOne(['update', 'redis', 'libm@1.18', '--eager'])).data as {
      pvms: { stages: { stage: number; name: string; us: number }[] }[];
    };
    for (const s of data.pvms[0]!.stages)
      expect(out).toMatch(
        new RegExp(`web stage ${s.stage} ${s.name.replace('.', '\\.')} +[0-9.]+ (µs|ms) ▇+ {2}\\((serving|paused)\\)`),
      );
    // One scale: the longest stage has the longest bar.
    const bars = [...out.matchAll(/web stage \d .* (▇+) {2}\(/g)].map((m) => m[1]!.length);
    const longest = data.pvms[0]!.stages.reduce((a, b) => (b.us > a.us ? b : a));
    expect(Math.max(...bars)).toBe(bars[longest.stage - 1]);
    expect(out).toMatch(/updated +web: libm@1\.16 -> 1\.18 online/);
  });
});
