// Exercises in the spirit of OSTEP's homework simulators: a seeded random scenario, questions about
// its outcome, and (with -c) the answers as the engine computes them. The scenario is a list of shell
// commands, so a student can replay it with `kylinx-sh -c "..."` and check every step.

import { Shell } from '../commands/shell.js';
import type { HostIO, Outcome } from '../commands/types.js';
import { fail } from '../engine/errors.js';
import type { ImageConfig } from '../engine/image.js';
import { Rng } from '../engine/rng.js';
import { QUIZZES } from './kinds.js';

export interface Question {
  ask: string;
  /** Commands whose output, after the scenario, is the answer. */
  answer: string[];
  /** How to reason about it, shown with the answer. */
  why: string;
}

export interface Scenario {
  kind: string;
  seed: number;
  intro: string;
  /** Host options for the quiz's fresh engine, beyond the default host (e.g. pCPUs). */
  host?: { pcpus?: number };
  commands: string[];
  questions: Question[];
}

export interface QuizKind {
  name: string;
  summary: string;
  generate(rng: Rng, images: Map<string, ImageConfig>): Omit<Scenario, 'kind' | 'seed'>;
}

export function scenario(kind: string, seed: number, images: Map<string, ImageConfig>): Scenario {
  const q = QUIZZES.find((k) => k.name === kind);
  if (!q) fail('EUSAGE', `no quiz '${kind}' (quizzes: ${QUIZZES.map((k) => k.name).join(', ')})`);
  return { kind, seed, ...q.generate(new Rng(seed), images) };
}

const noFiles: HostIO = {
  readText: (p) => fail('ENOENT', `${p}: quizzes read no files`),
  writeAtomic: (p) => fail('EINVAL', `${p}: quizzes write no files`),
  sleepMs: () => {},
};

/** Run the scenario on a fresh engine and collect each question's answer text. */
export function answers(s: Scenario, images: Map<string, ImageConfig>): string[] {
  const shell = new Shell({ host: { ...s.host, seed: s.seed }, images, io: noFiles });
  const run = (line: string): Outcome[] => {
    const outs: Outcome[] = [];
    const off = shell.onOutcome((o) => outs.push(o));
    shell.run(line);
    off();
    return outs;
  };
  for (const c of s.commands) {
    const bad = run(c).find((o) => !o.ok);
    if (bad) fail('EINVAL', `quiz ${s.kind} seed ${s.seed}: scenario command '${c}' failed: ${bad.error!.message}`);
  }
  return s.questions.map((q) => q.answer.map((c) => run(c).map((o) => (o.ok ? o.result!.text : `${c}: ${o.error!.message}`)).join('\n')).join('\n'));
}

export function render(s: Scenario, images: Map<string, ImageConfig>, showAnswers: boolean): string {
  const lines = [`Quiz: ${s.kind}, seed ${s.seed}`, '', s.intro, ''];
  s.commands.forEach((c, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${c}`));
  lines.push('');
  const ans = showAnswers ? answers(s, images) : [];
  s.questions.forEach((q, i) => {
    lines.push(`Q${i + 1}. ${q.ask}`);
    if (showAnswers) {
      lines.push('', ...ans[i]!.split('\n').map((l) => `    ${l}`), '', `    Why: ${q.why}`);
    }
    lines.push('');
  });
  if (!showAnswers) lines.push('Run with -c to see the answers the engine computes.');
  else lines.push(`Replay it yourself: kylinx-sh --seed ${s.seed} -c "${s.commands.join('; ')}; ${s.questions.flatMap((q) => q.answer).join('; ')}"`);
  return lines.join('\n');
}
