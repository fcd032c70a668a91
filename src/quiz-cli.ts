// `kylinx-sh quiz <kind> [-s seed] [-c]`: print a seeded exercise, and with -c the engine's answers.

import { Command, CommanderError } from 'commander';
import { defaultImagesDir, loadImages } from './host-io.js';
import { loadLibraries } from './dl-io.js';
import { userPath } from './package-paths.js';
import { QUIZZES } from './quiz/kinds.js';
import { render, scenario } from './quiz/quiz.js';

export function runQuiz(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const p = new Command()
    .name('kylinx-sh quiz')
    .description(`Exercises: ${QUIZZES.map((q) => `${q.name} (${q.summary})`).join('; ')}`)
    .argument('<kind>', QUIZZES.map((q) => q.name).join('|'))
    .option('-s, --seed <n>', 'the scenario seed (same seed, same quiz)', '1')
    .option('-c, --answers', 'print the answers, computed by the engine')
    .option('--images <dir>', 'where images, lib/ and trust/ are read')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  try {
    p.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = p.opts<{ seed: string; answers?: boolean; images?: string }>();
  if (!/^[0-9]+$/.test(o.seed)) {
    err(`kylinx-sh quiz: the seed must be a whole number, not '${o.seed}'\n`);
    return 2;
  }
  const dir = o.images === undefined ? defaultImagesDir() : userPath(o.images);
  const images = loadImages(dir);
  const libs = loadLibraries(dir);
  const s = scenario(p.args[0]!, Number(o.seed), images, libs);
  out(render(s, images, !!o.answers, libs) + '\n');
  return 0;
}
