// Exercises in the spirit of OSTEP's homework simulators: a seeded random scenario, questions about
// its outcome, and (with -c) the answers as the engine computes them. The scenario is a list of shell
// commands, so a student can replay it with `kylinx-sh -c "..."` and check every step.
//
// Generators propose commands and keep those the engine accepts: a refused command changes nothing,
// so a generator needs no model of its own to stay valid (a blocked writer cannot write again, say).

import type { LibraryStore } from '../engine/dl/store.js';
import { Shell } from '../commands/shell.js';
import type { HostIO, Outcome } from '../commands/types.js';
import { fail } from '../engine/errors.js';
import type { HostConfig, ImageConfig } from '../engine/image.js';
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
  /** A host file to replay with (--host), when the quiz needs other than the default host. */
  hostFile?: string;
  commands: string[];
  questions: Question[];
}

/** What a generator may do: propose a command (true if the engine accepted it), read an image. */
export interface Proposer {
  rng: Rng;
  images: Map<string, ImageConfig>;
  propose(command: string): boolean;
}

export interface QuizKind {
  name: string;
  summary: string;
  /** Host options beyond the default host, and the example host file that has them. */
  host?: { options: Partial<HostConfig>; file: string };
  generate(p: Proposer): Omit<Scenario, 'kind' | 'seed' | 'commands' | 'hostFile'>;
}

const noFiles: HostIO = {
  readText: (p) => fail('ENOENT', `${p}: quizzes read no files`),
  writeAtomic: (p) => fail('EINVAL', `${p}: quizzes write no files`),
  sleepMs: () => {},
};

function quizShell(
  kind: QuizKind,
  seed: number,
  images: Map<string, ImageConfig>,
  libs: LibraryStore | undefined,
): Shell {
  return new Shell({ host: { ...(kind.host?.options ?? {}), seed }, images, io: noFiles, libs });
}

function runOn(shell: Shell, line: string): Outcome[] {
  const outs: Outcome[] = [];
  const off = shell.onOutcome((o) => outs.push(o));
  shell.run(line);
  off();
  return outs;
}

function kindOf(name: string): QuizKind {
  return (
    QUIZZES.find((k) => k.name === name) ??
    fail('EUSAGE', `no quiz '${name}' (quizzes: ${QUIZZES.map((k) => k.name).join(', ')})`)
  );
}

export function scenario(name: string, seed: number, images: Map<string, ImageConfig>, libs?: LibraryStore): Scenario {
  const kind = kindOf(name);
  const shell = quizShell(kind, seed, images, libs);
  const commands: string[] = [];
  const rng = new Rng(seed);
  const propose = (c: string): boolean => {
    const ok = runOn(shell, c).every((o) => o.ok);
    if (ok) commands.push(c);
    return ok;
  };
  const rest = kind.generate({ rng, images, propose });
  return { kind: name, seed, commands, hostFile: kind.host?.file, ...rest };
}

/** Run the scenario on a fresh engine and collect each question's answer text. */
export function answers(s: Scenario, images: Map<string, ImageConfig>, libs?: LibraryStore): string[] {
  const shell = quizShell(kindOf(s.kind), s.seed, images, libs);
  for (const c of s.commands) {
    const bad = runOn(shell, c).find((o) => !o.ok);
    if (bad) fail('EINVAL', `quiz ${s.kind} seed ${s.seed}: scenario command '${c}' failed: ${bad.error.message}`);
  }
  return s.questions.map((q) =>
    q.answer
      .map((c) =>
        runOn(shell, c)
          .map((o) => (o.ok ? o.result.text : `${c}: ${o.error.message}`))
          .join('\n'),
      )
      .join('\n'),
  );
}

export function render(
  s: Scenario,
  images: Map<string, ImageConfig>,
  showAnswers: boolean,
  libs?: LibraryStore,
): string {
  const lines = [`Quiz: ${s.kind}, seed ${s.seed}`, '', s.intro, ''];
  s.commands.forEach((c, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${c}`));
  lines.push('');
  const ans = showAnswers ? answers(s, images, libs) : [];
  s.questions.forEach((q, i) => {
    lines.push(`Q${i + 1}. ${q.ask}`);
    if (showAnswers) lines.push('', ...ans[i]!.split('\n').map((l) => `    ${l}`), '', `    Why: ${q.why}`);
    lines.push('');
  });
  if (!showAnswers) lines.push('Run with -c to see the answers the engine computes.');
  else {
    const host = s.hostFile ? ` --host ${s.hostFile}` : '';
    lines.push(
      `Replay it yourself: kylinx-sh --seed ${s.seed}${host} -c "${[...s.commands, ...s.questions.flatMap((q) => q.answer)].join('; ')}"`,
    );
  }
  return lines.join('\n');
}
