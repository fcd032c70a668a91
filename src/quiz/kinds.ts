// The quiz kinds. Each generator only chooses commands; every answer comes from the engine.

import { fail } from '../engine/errors.js';
import type { Rng } from '../engine/rng.js';
import type { QuizKind } from './quiz.js';

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** fork: a random family history (forks, exits, kills, waits); who is where, who is a zombie. */
const forkQuiz: QuizKind = {
  name: 'fork',
  summary: 'family trees: forks, exits, kills, waits and orphans',
  generate(rng) {
    const live = ['daytime'];
    const forks = new Map<string, number>();
    const parentOf = new Map<string, string>();
    const exited = new Set<string>();
    const commands: string[] = ['create daytime'];
    const steps = 7 + rng.int(4);
    for (let i = 0; i < steps; i++) {
      const r = rng.next();
      const nonRoot = live.filter((n) => n !== 'daytime');
      if (r < 0.5 || nonRoot.length < 2) {
        const who = pick(rng, live);
        const n = 1 + rng.int(2);
        commands.push(n === 1 ? `fork ${who}` : `fork ${who} ${n}`);
        for (let k = 0; k < n; k++) {
          const c = (forks.get(who) ?? 0) + 1;
          forks.set(who, c);
          live.push(`${who}.${c}`);
          parentOf.set(`${who}.${c}`, who);
        }
      } else if (r < 0.85) {
        const who = pick(rng, nonRoot);
        commands.push(rng.next() < 0.6 ? `exit ${who} ${rng.int(8)}` : `kill -KILL ${who}`);
        live.splice(live.indexOf(who), 1);
        exited.add(who);
        // Its children now belong to the root, as the engine will do.
        for (const [c, p] of parentOf) if (p === who && !exited.has(c)) parentOf.set(c, 'daytime');
      } else {
        // A parent with an exited child reaps it.
        const zombie = [...exited].find((z) => live.includes(parentOf.get(z) ?? ''));
        if (!zombie) continue;
        commands.push(`wait ${parentOf.get(zombie)} ${zombie}`);
        exited.delete(zombie);
        parentOf.delete(zombie);
      }
    }
    return {
      intro: 'On the default host (web, redis and dns running), these commands run in order:',
      commands,
      questions: [
        { ask: "Draw daytime's family tree now. Which pVMs are zombies (state s), and who is the parent of each orphan?", answer: ['tree daytime'], why: 'a pVM that exits stays a zombie until its parent waits; its own children are handed to the family root (daytime) while it lives.' },
        { ask: 'Which domids do the pVMs of the family have, and which domid will the next fork get?', answer: ['list'], why: 'domids count up from 1 (web, redis and dns hold 1-3) and are never reused in a run; zombies keep theirs until reaped.' },
      ],
    };
  },
};

/** cow: forks and writes; Rss, Pss, Shared and Private of one pVM. */
const cowQuiz: QuizKind = {
  name: 'cow',
  summary: 'copy-on-write: what forks and writes do to Rss, Pss, Shared and Private',
  generate(rng, images) {
    const img = images.get('daytime') ?? fail('ENOENT', 'the cow quiz needs the daytime image');
    const live = ['daytime'];
    const forks = new Map<string, number>();
    const commands: string[] = ['create daytime'];
    const regions = ['heap', 'data', 'bss', 'stack'] as const;
    const size: Record<(typeof regions)[number], number> = { heap: img.heap_kb / 4, data: img.data_kb / 4, bss: img.bss_kb / 4, stack: img.stack_kb / 4 };
    for (let i = 0; i < 5 + rng.int(3); i++) {
      const who = pick(rng, live);
      if (rng.next() < 0.45) {
        const c = (forks.get(who) ?? 0) + 1;
        forks.set(who, c);
        live.push(`${who}.${c}`);
        commands.push(`fork ${who}`);
      } else {
        const region = pick(rng, regions);
        const pages = 1 + rng.int(size[region]);
        const off = rng.int(size[region] - pages + 1);
        commands.push(off > 0 ? `touch ${who} ${region} ${pages} --offset ${off}` : `touch ${who} ${region} ${pages}`);
      }
    }
    const target = pick(rng, live);
    return {
      intro: `On the default host, daytime (${img.memory} MiB: text ${img.text_kb / 4} pages, data ${size.data}, bss ${size.bss}, heap ${size.heap}, stack ${size.stack}) is created and these commands run in order:`,
      commands,
      questions: [
        {
          ask: `What are ${target}'s Rss, Pss, Shared and Private (KiB), per region and in total, as smaps would report them?`,
          answer: [`mem ${target}`],
          why: 'Pss adds each page divided by how many pVMs map it; a write copies a page only if another pVM still maps it, so the writer and the others each end up with pages mapped fewer times.',
        },
        { ask: `How much memory does the whole family use, and how much does sharing save?`, answer: ['mem'], why: 'every page mapped by n pVMs is one frame instead of n; the host line adds up every family.' },
      ],
    };
  },
};

export const QUIZZES: QuizKind[] = [forkQuiz, cowQuiz];
