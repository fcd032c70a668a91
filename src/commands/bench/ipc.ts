// bench ipc: Table 3 of the KylinX paper (IpC latency of lineal and non-lineal pairs), by running each
// IpC exchange on a fresh engine and summing the modeled latencies of the calls it takes:
//   pipe       pipe(), a 64-byte write, a read (the paper: "creating the pipe plus one write and one read")
//   msg queue  the receiver blocks in msgrcv, the sender's msgsnd hands it a 64-byte message
//   kill       SIGUSR1 to a pVM whose image catches it
//   exit/wait  the parent blocks in wait, the child exits
//   shm        the peer's shmget and shmat of a one-page segment the other created
// Lineal: parent and child (their link was made at fork). Non-lineal: two siblings, who pay first contact;
// for exit/wait, a grandchild reparented to the family root (no link between them).
// Ubuntu's row is Linux processes doing the same exchanges, priced by the process cost model
// (engine/linux-baseline.ts, rows made in linux.ts): one constant fitted to the pipe cell, the other four
// cells predicted. The "lineal / Ubuntu" rows then compare model with model beside the paper's ratio.
// Only the exchange itself is metered.

import type { CostExplanation } from '../../engine/cost-model.js';
import { Domain } from '../../engine/domain.js';
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
import { engineFor, imageOf, measured } from './env.js';
import { ubuntuRows } from './linux.js';
import { BenchEnv, BenchFigure, BenchRow, row } from './types.js';

const CASES = ['pipe', 'msg queue', 'kill', 'exit/wait', 'shm'] as const;
type Case = (typeof CASES)[number];

/** Table 3 (µs); Ubuntu's row is in linux.ts. */
const PAPER: Record<'lineal' | 'non-lineal', Record<Case, number>> = {
  lineal: { pipe: 55, 'msg queue': 43, kill: 41, 'exit/wait': 43, shm: 39 },
  'non-lineal': { pipe: 240, 'msg queue': 256, kill: 236, 'exit/wait': 247, shm: 232 },
};

const MESSAGE = new Uint8Array(64).fill(0x78);
const KEY = 0x0101beef;

/** An appliance for the benchmark: the web image's sizes, catching SIGUSR1, linking nothing. */
export function ipcImage(env: BenchEnv): ImageConfig {
  const img = imageOf(env, 'web');
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
function world(env: BenchEnv, img: ImageConfig, lineal: boolean): World {
  const hv = engineFor(env, { toolstack: 'noxs' });
  const root = create(hv, img).domain;
  const kids = fork(hv, root, 2).children.map((c) => c.domain);
  return { hv, ipc: hv.ipc, a: lineal ? root : kids[0]!, b: lineal ? kids[0]! : kids[1]! };
}

/** Modeled µs of one case, with their explanation. */
export function measure(
  env: BenchEnv,
  img: ImageConfig,
  c: Case,
  lineal: boolean,
): { us: number; cost: CostExplanation } {
  const w = world(env, img, lineal);
  return measured(w.hv, () => exchange(w, c, lineal));
}

/** The calls of one case on a world made for it, summing their modeled µs. */
function exchange({ hv, ipc, a, b }: World, c: Case, lineal: boolean): number {
  switch (c) {
    case 'pipe': {
      const p = createPipe(hv, ipc, a, b);
      return p.latencyUs + writePipe(hv, ipc, p.pipe, MESSAGE).latencyUs + readPipe(hv, ipc, p.pipe).latencyUs;
    }
    case 'msg queue': {
      // Both open the queue first (not counted: the paper times the exchange).
      const q = hv.cost.background(() => {
        const made = msgget(hv, ipc, a, { key: KEY, create: true, excl: false }).queue;
        msgget(hv, ipc, b, { key: KEY, create: false, excl: false });
        return made;
      });
      return (
        msgrcv(hv, ipc, b, q, { type: 0, size: 8192, nowait: false, noerror: false }).latencyUs +
        msgsnd(hv, ipc, a, q, { type: 1, bytes: MESSAGE, nowait: false }).latencyUs
      );
    }
    case 'kill':
      return sendSignal(hv, ipc, a, b, 'SIGUSR1').latencyUs;
    case 'exit/wait': {
      if (lineal) return ipcWait(hv, a).latencyUs + ipcExit(hv, b, 0).latencyUs;
      // A grandchild orphaned to the family root: a pair of one family with no link (set up unmetered).
      const root = hv.domains.get(a.parent)!;
      const grandchild = hv.cost.background(() => {
        const g = fork(hv, a, 1).children[0]!.domain;
        ipcExit(hv, a, 0);
        wait(hv, root, a);
        return g;
      });
      return ipcWait(hv, root, grandchild).latencyUs + ipcExit(hv, grandchild, 0).latencyUs;
    }
    case 'shm': {
      hv.cost.background(() => shmget(hv, ipc, a, { key: KEY, bytes: 4096, create: true, excl: false }));
      const g = shmget(hv, ipc, b, { key: KEY, bytes: 4096, create: false, excl: false });
      return g.latencyUs + shmat(hv, ipc, b, g.segment).latencyUs;
    }
  }
}

/** The case's part of a row id (table3.lineal.msgq). */
const CASE_ID: Record<Case, string> = {
  pipe: 'pipe',
  'msg queue': 'msgq',
  kill: 'kill',
  'exit/wait': 'exit-wait',
  shm: 'shm',
};

export const TABLE3: BenchFigure = {
  name: 'table3',
  summary: 'IpC latency of lineal and non-lineal pairs and of Linux processes (KylinX Table 3)',
  run(env) {
    const img = ipcImage(env);
    const rows: BenchRow[] = [];
    const lineal = new Map<Case, BenchRow>();
    for (const c of CASES) {
      const m = measure(env, img, c, true);
      const r = row(env, {
        id: `table3.lineal.${CASE_ID[c]}`,
        figure: 'table3',
        case: `lineal pair, ${c}`,
        unit: 'us',
        paper: PAPER.lineal[c],
        model: m.us,
        cost: m.cost,
      });
      lineal.set(c, r);
      rows.push(r);
    }
    for (const c of CASES) {
      const m = measure(env, img, c, false);
      rows.push(
        row(env, {
          id: `table3.nonlineal.${CASE_ID[c]}`,
          figure: 'table3',
          case: `non-lineal pair (first contact), ${c}`,
          unit: 'us',
          paper: PAPER['non-lineal'][c],
          model: m.us,
          cost: m.cost,
        }),
      );
    }
    const ubuntu = ubuntuRows(env);
    rows.push(...ubuntu);
    for (const c of CASES) {
      const l = lineal.get(c)!;
      const u = ubuntu.find((r) => r.id === `table3.ubuntu.${CASE_ID[c]}`)!;
      rows.push(
        row(env, {
          id: `table3.lineal-over-ubuntu.${CASE_ID[c]}`,
          figure: 'table3',
          case: `lineal pVMs / Ubuntu processes, ${c}`,
          unit: 'x',
          paper: PAPER.lineal[c] / u.paper!,
          model: l.model! / u.model!,
          basis: [l, u],
        }),
      );
    }
    return rows;
  },
};
