// bench ipc: Table 3 of the KylinX paper (IpC latency of lineal and non-lineal pairs), by running each
// IpC exchange on a fresh engine and summing the modeled latencies of the calls it takes:
//   pipe       pipe(), a 64-byte write, a read (the paper: "creating the pipe plus one write and one read")
//   msg queue  the receiver blocks in msgrcv, the sender's msgsnd hands it a 64-byte message
//   kill       SIGUSR1 to a pVM whose image catches it
//   exit/wait  the parent blocks in wait, the child exits
//   shm        the peer's shmget and shmat of a one-page segment the other created
// Lineal: parent and child (their link was made at fork). Non-lineal: two siblings, who pay first contact;
// for exit/wait, a grandchild reparented to the family root (no link between them).
// Ubuntu's row is the paper's measurement only (Linux is not modeled), so it has no model value. What
// the model can reproduce is the paper's comparison: lineal KylinX over Ubuntu, in the paper and in the
// model, which the "lineal / Ubuntu" rows put side by side.

import { Domain } from '../../engine/domain.js';
import { fail } from '../../engine/errors.js';
import type { Engine } from '../../engine/index.js';
import type { ImageConfig } from '../../engine/image.js';
import { ipcExit, ipcWait } from '../../engine/ipc/exit.js';
import { msgget, msgrcv, msgsnd } from '../../engine/ipc/msg.js';
import { write as writePipe } from '../../engine/ipc/calls.js';
import { createPipe, readPipe } from '../../engine/ipc/pipe.js';
import { shmat, shmget } from '../../engine/ipc/shm.js';
import { sendSignal } from '../../engine/ipc/signal.js';
import type { Ipc } from '../../engine/ipc/subsystem.js';
import { create, fork, wait } from '../../engine/lifecycle.js';
import type { Ctx } from '../types.js';
import { BenchPart, BenchRow, freshEngine, row } from './types.js';

const CASES = ['pipe', 'msg queue', 'kill', 'exit/wait', 'shm'] as const;
type Case = (typeof CASES)[number];

/** Table 3 (µs). */
const PAPER: Record<'lineal' | 'non-lineal' | 'ubuntu', Record<Case, number>> = {
  lineal: { pipe: 55, 'msg queue': 43, kill: 41, 'exit/wait': 43, shm: 39 },
  'non-lineal': { pipe: 240, 'msg queue': 256, kill: 236, 'exit/wait': 247, shm: 232 },
  ubuntu: { pipe: 54, 'msg queue': 97, kill: 68, 'exit/wait': 95, shm: 53 },
};

const MESSAGE = new Uint8Array(64).fill(0x78);
const KEY = 0x0101beef;

/** An appliance for the benchmark: the web image's sizes, catching SIGUSR1, linking nothing. */
export function benchImage(ctx: Ctx): ImageConfig {
  const img = ctx.images.get('web');
  if (!img) fail('ENOENT', "bench ipc needs the image 'web', which is not in the images directory");
  return { ...img, raw: { sig_handlers: ['SIGUSR1'] } };
}

interface World {
  hv: Engine;
  ipc: Ipc;
  /** The two pVMs of the pair: a talks to b. */
  a: Domain;
  b: Domain;
}

/** A fresh host with a family: root, its child (lineal pair root/child) or two siblings (non-lineal). */
function world(ctx: Ctx, img: ImageConfig, lineal: boolean): World {
  const hv = freshEngine(ctx);
  const root = create(hv, img).domain;
  const kids = fork(hv, root, 2).children.map((c) => c.domain);
  return { hv, ipc: hv.ipc, a: lineal ? root : kids[0]!, b: lineal ? kids[0]! : kids[1]! };
}

/** Modeled µs of one case. */
export function measure(ctx: Ctx, img: ImageConfig, c: Case, lineal: boolean): number {
  const { hv, ipc, a, b } = world(ctx, img, lineal);
  switch (c) {
    case 'pipe': {
      const p = createPipe(hv, ipc, a, b);
      return p.latencyUs + writePipe(hv, ipc, p.pipe, MESSAGE).latencyUs + readPipe(hv, ipc, p.pipe).latencyUs;
    }
    case 'msg queue': {
      const q = msgget(hv, ipc, a, { key: KEY, create: true, excl: false }).queue;
      msgget(hv, ipc, b, { key: KEY, create: false, excl: false });
      return (
        msgrcv(hv, ipc, b, q, { type: 0, size: 8192, nowait: false, noerror: false }).latencyUs +
        msgsnd(hv, ipc, a, q, { type: 1, bytes: MESSAGE, nowait: false }).latencyUs
      );
    }
    case 'kill':
      return sendSignal(hv, ipc, a, b, 'SIGUSR1').latencyUs;
    case 'exit/wait': {
      if (lineal) return ipcWait(hv, a).latencyUs + ipcExit(hv, b, 0).latencyUs;
      // A grandchild orphaned to the family root: a pair of one family with no link.
      const root = hv.domains.get(a.parent)!;
      const grandchild = fork(hv, a, 1).children[0]!.domain;
      ipcExit(hv, a, 0);
      wait(hv, root, a);
      return ipcWait(hv, root, grandchild).latencyUs + ipcExit(hv, grandchild, 0).latencyUs;
    }
    case 'shm': {
      shmget(hv, ipc, a, { key: KEY, bytes: 4096, create: true, excl: false });
      const g = shmget(hv, ipc, b, { key: KEY, bytes: 4096, create: false, excl: false });
      return g.latencyUs + shmat(hv, ipc, b, g.segment).latencyUs;
    }
  }
}

export const BENCH_IPC: BenchPart = {
  name: 'ipc',
  summary: "IpC latency of lineal and non-lineal pairs (KylinX Table 3), with Ubuntu's measured row for reference",
  run(ctx) {
    const img = benchImage(ctx);
    const rows: BenchRow[] = [];
    const lineal = new Map<Case, number>();
    for (const c of CASES) {
      lineal.set(c, measure(ctx, img, c, true));
      rows.push(
        row({ figure: 'table3', case: `lineal pair, ${c}`, unit: 'us', paper: PAPER.lineal[c], model: lineal.get(c)! }),
      );
    }
    for (const c of CASES)
      rows.push(
        row({
          figure: 'table3',
          case: `non-lineal pair (first contact), ${c}`,
          unit: 'us',
          paper: PAPER['non-lineal'][c],
          model: measure(ctx, img, c, false),
        }),
      );
    for (const c of CASES)
      rows.push(
        row({
          figure: 'table3',
          case: `Ubuntu processes, ${c} (paper only)`,
          unit: 'us',
          paper: PAPER.ubuntu[c],
          model: null,
        }),
      );
    for (const c of CASES)
      rows.push(
        row({
          figure: 'table3',
          case: `lineal pVMs / Ubuntu processes, ${c}`,
          unit: 'x',
          paper: PAPER.lineal[c] / PAPER.ubuntu[c],
          model: lineal.get(c)! / PAPER.ubuntu[c],
        }),
      );
    return rows;
  },
};
