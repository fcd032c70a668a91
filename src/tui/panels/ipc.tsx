// IpC: pipes and message queues with fill bars and who is blocked on them, shared memory segments
// with their attachers, pending signals, and event-channel activity since the last command (ipcs's
// counters are cumulative: the difference between this snapshot and the one before). From ipcs's data
// (src/commands/ipc-inspect.ts); it appears when a pipe, queue, segment or pending signal exists.

import chalk from 'chalk';
import { memo, useMemo } from 'react';
import { fill } from '../format.js';
import { type Line, LineBuilder, paint } from '../line.js';
import type { IpcData } from '../model.js';
import { contentRows, Frame, innerWidth } from './frame.js';
import type { Panel, PanelProps } from './registry.js';

const BAR = 8;

function bar(b: LineBuilder, frac: number): LineBuilder {
  const [f, e] = fill(frac, BAR);
  return b
    .add('[')
    .add('█'.repeat(f), frac >= 1 ? paint.red : paint.cyan)
    .add('░'.repeat(e), paint.dim)
    .add(']');
}

function waiting(b: LineBuilder, who: string[]): LineBuilder {
  return who.length > 0 ? b.add(' ⇐ ', paint.yellow).add(who.join(', '), paint.yellow) : b;
}

/** Notifications sent and received per domain since the snapshot before, busiest first. */
export function channelActivity(
  now: IpcData,
  before: IpcData | null,
): { pvm: string; sent: number; received: number }[] {
  const prev = new Map((before?.evtchn ?? []).map((e) => [e.domid, e]));
  return now.evtchn
    .map((e) => ({
      pvm: e.pvm,
      sent: e.sent - (prev.get(e.domid)?.sent ?? 0),
      received: e.received - (prev.get(e.domid)?.received ?? 0),
    }))
    .filter((a) => a.sent > 0 || a.received > 0)
    .sort((a, b) => b.sent + b.received - (a.sent + a.received) || a.pvm.localeCompare(b.pvm));
}

export function ipcLines(x: IpcData, before: IpcData | null, max: number): Line[] {
  const out: Line[] = [];
  for (const p of x.pipes) {
    const b = new LineBuilder(max).add(`pipe ${p.pipe} `, paint.bold).add(`${p.writer}→${p.reader} `);
    bar(b, p.fill).add(` ${p.bytes}/${p.ring_bytes}B`);
    if (p.write_end !== 'open' || p.read_end !== 'open') b.add(` w:${p.write_end} r:${p.read_end}`, paint.dim);
    out.push(waiting(b, p.waiters).done());
  }
  for (const q of x.queues) {
    const b = new LineBuilder(max).add(`msq ${q.msqid} `, paint.bold).add(`${q.key_hex} ${q.owner} `);
    bar(b, q.fill).add(` ${q.bytes}/${q.qbytes}B ${q.messages} msg${q.messages === 1 ? '' : 's'}`);
    out.push(waiting(b, [...q.receivers.map((r) => `${r} (msgrcv)`), ...q.senders.map((s) => `${s} (msgsnd)`)]).done());
  }
  for (const s of x.segments) {
    out.push(
      new LineBuilder(max)
        .add(`shm ${s.shmid} `, paint.bold)
        .add(`${s.key_hex} ${s.bytes}B ${s.pages}p `)
        .add(
          s.nattch > 0 ? `attached: ${s.attachers.join(', ')}` : 'not attached',
          s.nattch > 0 ? paint.green : paint.dim,
        )
        .done(),
    );
  }
  const pending = x.signals.filter((g) => g.pending.length > 0);
  if (pending.length > 0)
    out.push(
      new LineBuilder(max)
        .add('signals pending: ', paint.bold)
        .add(pending.map((g) => `${g.pvm} ${g.pending.join(' ')}`).join('; '), paint.magenta)
        .done(),
    );
  const act = channelActivity(x, before);
  const b = new LineBuilder(max).add('evtchn since last command: ', paint.dim);
  if (act.length === 0) b.add('quiet', paint.dim);
  else b.add(act.map((a) => `${a.pvm} ↑${a.sent} ↓${a.received}`).join(', '));
  out.push(b.done());
  return out;
}

function IpcPanel({ snapshot, width, height, last }: PanelProps) {
  const x = snapshot.ipc;
  const inner = innerWidth(width, last);
  const lines = useMemo(() => ipcLines(x, snapshot.ipcBefore, inner), [x, snapshot.ipcBefore, inner, chalk.level]);
  const rows = contentRows(height);
  const shown = lines.length > rows ? [...lines.slice(0, rows - 2), lines[lines.length - 1]!] : lines;
  const blocked = x.blocked.length;
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return (
    <Frame
      title={`IpC: ${count(x.pipes.length, 'pipe')}, ${count(x.queues.length, 'queue')}, ${count(x.segments.length, 'segment')}`}
      note={blocked > 0 ? `${blocked} blocked` : 'ipcs for all'}
      width={width}
      height={height}
      last={last}
      lines={shown}
    />
  );
}

export const ipcPanel: Panel = {
  id: 'ipc',
  row: 'extra',
  grow: 1,
  available: (m) => {
    const x = m.snapshot.ipc;
    return (
      x.pipes.length > 0 || x.queues.length > 0 || x.segments.length > 0 || x.signals.some((g) => g.pending.length > 0)
    );
  },
  Component: memo(IpcPanel),
};
