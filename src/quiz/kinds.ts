// The quiz kinds. Each generator only proposes commands; every answer comes from the engine.

import { fail } from '../engine/errors.js';
import type { Proposer, QuizKind } from './quiz.js';

const pick = <T>(p: Proposer, xs: readonly T[]): T => xs[p.rng.int(xs.length)]!;

/** Names of the live pVMs a proposer created, tracked from the commands it got accepted. */
class Family {
  live: string[];
  private forks = new Map<string, number>();
  constructor(root: string) {
    this.live = [root];
  }
  forked(parent: string, n: number): void {
    for (let k = 0; k < n; k++) {
      const c = (this.forks.get(parent) ?? 0) + 1;
      this.forks.set(parent, c);
      this.live.push(`${parent}.${c}`);
    }
  }
  gone(name: string): void {
    this.live = this.live.filter((x) => x !== name);
  }
}

/** fork: a random family history (forks, exits, kills, waits); who is where, who is a zombie. */
const forkQuiz: QuizKind = {
  name: 'fork',
  summary: 'family trees: forks, exits, kills, waits and orphans',
  generate(p) {
    p.propose('create daytime');
    const fam = new Family('daytime');
    const exited: string[] = [];
    for (let i = 0, steps = 7 + p.rng.int(4); i < steps; i++) {
      const r = p.rng.next();
      const nonRoot = fam.live.filter((n) => n !== 'daytime');
      if (r < 0.5 || nonRoot.length < 2) {
        const who = pick(p, fam.live);
        const n = 1 + p.rng.int(2);
        if (p.propose(n === 1 ? `fork ${who}` : `fork ${who} ${n}`)) fam.forked(who, n);
      } else if (r < 0.85) {
        const who = pick(p, nonRoot);
        if (p.propose(p.rng.next() < 0.6 ? `exit ${who} ${p.rng.int(8)}` : `kill -KILL ${who}`)) {
          fam.gone(who);
          exited.push(who);
        }
      } else if (exited.length > 0) {
        const z = pick(p, exited);
        const parent = z.slice(0, z.lastIndexOf('.'));
        // The parent may be gone (then the root adopted the zombie): the engine decides which wait works.
        if (p.propose(`wait ${parent} ${z}`) || p.propose(`wait daytime ${z}`)) exited.splice(exited.indexOf(z), 1);
      }
    }
    return {
      intro: 'On the default host (web, redis and dns running), these commands run in order:',
      questions: [
        {
          ask: "Draw daytime's family tree now. Which pVMs are zombies (state s), and who is the parent of each orphan?",
          answer: ['tree daytime'],
          why: 'a pVM that exits stays a zombie until its parent waits; its own children are handed to the family root (daytime) while it lives.',
        },
        {
          ask: 'Which domids do the pVMs of the family have, and which domid will the next fork get?',
          answer: ['list'],
          why: 'domids count up from 1 (web, redis and dns hold 1-3) and are never reused in a run; zombies keep theirs until reaped.',
        },
      ],
    };
  },
};

/** cow: forks and writes; Rss, Pss, Shared and Private of one pVM. */
const cowQuiz: QuizKind = {
  name: 'cow',
  summary: 'copy-on-write: what forks and writes do to Rss, Pss, Shared and Private',
  generate(p) {
    const img = p.images.get('daytime') ?? fail('ENOENT', 'the cow quiz needs the daytime image');
    p.propose('create daytime');
    const fam = new Family('daytime');
    const size = { heap: img.heap_kb / 4, data: img.data_kb / 4, bss: img.bss_kb / 4, stack: img.stack_kb / 4 };
    const regions = Object.keys(size) as (keyof typeof size)[];
    for (let i = 0, steps = 5 + p.rng.int(3); i < steps; i++) {
      const who = pick(p, fam.live);
      if (p.rng.next() < 0.45) {
        if (p.propose(`fork ${who}`)) fam.forked(who, 1);
      } else {
        const region = pick(p, regions);
        const pages = 1 + p.rng.int(size[region]);
        const off = p.rng.int(size[region] - pages + 1);
        p.propose(off > 0 ? `touch ${who} ${region} ${pages} --offset ${off}` : `touch ${who} ${region} ${pages}`);
      }
    }
    const target = pick(p, fam.live);
    return {
      intro: `On the default host, daytime (${img.memory} MiB: text ${img.text_kb / 4} pages, data ${size.data}, bss ${size.bss}, heap ${size.heap}, stack ${size.stack}) is created and these commands run in order:`,
      questions: [
        {
          ask: `What are ${target}'s Rss, Pss, Shared and Private (KiB), per region and in total, as smaps would report them?`,
          answer: [`mem ${target}`],
          why: 'Pss adds each page divided by how many pVMs map it; a write copies a page only if another pVM still maps it, so the writer and the others each end up with pages mapped fewer times.',
        },
        {
          ask: 'How much memory does the whole family use, and how much does sharing save?',
          answer: ['mem'],
          why: 'every page mapped by n pVMs is one frame instead of n; the host line adds up every family.',
        },
      ],
    };
  },
};

/** ipc: a pipe with a small ring between two children; who blocks, what each read returns. */
const ipcQuiz: QuizKind = {
  name: 'ipc',
  summary: 'pipes on a 1024-byte vchan ring: fill, blocking and wake-ups',
  generate(p) {
    p.propose('fork web 2');
    const [writer, reader] = p.rng.next() < 0.5 ? ['web.1', 'web.2'] : ['web.2', 'web.1'];
    p.propose(`pipe ${writer} ${reader}`);
    for (let i = 0, steps = 5 + p.rng.int(3); i < steps; i++) {
      if (p.rng.next() < 0.55) {
        const text = pick(p, ['abc', 'hello', 'x', '0123456789']);
        const repeat = 1 + p.rng.int(300);
        p.propose(repeat === 1 ? `write 1 ${text}` : `write 1 ${text} --repeat ${repeat}`);
      } else {
        p.propose(p.rng.next() < 0.5 ? 'read 1' : `read 1 ${1 + p.rng.int(800)}`);
      }
    }
    return {
      intro: `On the default host, web forks two children and ${writer} opens a pipe to ${reader} (a 1024-byte ring). These commands run in order:`,
      questions: [
        {
          ask: 'How many bytes are in the ring now, and is anyone blocked (and on what)?',
          answer: ['ipcs'],
          why: 'a write that does not fit blocks the writer with the rest pending; a read takes what is ready (blocking only on an empty ring), and each read makes room that wakes a blocked writer.',
        },
        {
          ask: `Is ${writer} or ${reader} blocked now, in which call, and on what?`,
          answer: [`show ${writer}`, `show ${reader}`],
          why: 'a pVM blocked in a call stays blocked until the call that satisfies it (a read that makes room, a write that brings data) wakes it.',
        },
      ],
    };
  },
};

/** sched: CPU-bound pVMs on one pCPU with weights and caps; the shares after 10 s. */
const schedQuiz: QuizKind = {
  name: 'sched',
  summary: 'the credit scheduler: weights and caps on one pCPU',
  host: {
    options: { pcpus: 1, memory: 4096, dom0_mem: 512, dom0_vcpus: 1, boot: [] },
    file: 'examples/hosts/one-pcpu.cfg',
  },
  generate(p) {
    const n = 2 + p.rng.int(2);
    const names = ['a', 'b', 'c'].slice(0, n);
    for (const name of names) p.propose(`create daytime workload=cpu name=${name}`);
    for (const name of names) {
      const r = p.rng.next();
      if (r < 0.5) p.propose(`sched-credit -d ${name} -w ${pick(p, [128, 256, 512, 768])}`);
      else if (r < 0.75) p.propose(`sched-credit -d ${name} -c ${pick(p, [10, 20, 30, 50])}`);
    }
    return {
      intro: `A host with one pCPU runs ${n} always-runnable pVMs (daytime with workload=cpu). These commands set their credit parameters:`,
      questions: [
        {
          ask: 'What share of the pCPU does each pVM get over the next 10 s of virtual time?',
          answer: ['sched-credit', 'run 10s'],
          why: 'credit is shared out in proportion to weight among the pVMs that want it; a cap limits a pVM to that percent of one pCPU even when the pCPU would idle, and what a capped pVM leaves is shared by the others by weight.',
        },
      ],
    };
  },
};

export const QUIZZES: QuizKind[] = [forkQuiz, cowQuiz, ipcQuiz, schedQuiz];
