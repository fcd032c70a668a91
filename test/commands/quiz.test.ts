import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answers, render, scenario } from '../../src/quiz/quiz.js';
import { QUIZZES } from '../../src/quiz/kinds.js';
import { IMAGES, LIBS, makeShell, ok } from '../helpers.js';
import { loadHost } from '../../src/host-io.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'kylinx-sh.js');

describe('quiz', () => {
  it('is reproducible: same kind and seed, same quiz; another seed, another quiz', () => {
    for (const q of QUIZZES) {
      const a = render(scenario(q.name, 7, IMAGES, LIBS), IMAGES, true, LIBS);
      expect(render(scenario(q.name, 7, IMAGES, LIBS), IMAGES, true, LIBS)).toBe(a);
      expect(render(scenario(q.name, 8, IMAGES, LIBS), IMAGES, true, LIBS)).not.toBe(a);
    }
  });

  it('-c answers match what tree, mem, ipcs and run report after replaying the same commands', () => {
    for (const q of QUIZZES) {
      for (const seed of [1, 7, 42]) {
        const s = scenario(q.name, seed, IMAGES, LIBS);
        expect(s.commands.length, `${q.name} ${seed}`).toBeGreaterThan(1);
        const host = s.hostFile ? loadHost(resolve(import.meta.dirname, '..', '..', s.hostFile)) : {};
        const sh = makeShell({ ...host, seed });
        for (const c of s.commands) ok(sh, c);
        const got = s.questions.map((qq) => qq.answer.map((c) => ok(sh, c).text).join('\n'));
        expect(answers(s, IMAGES, LIBS), `${q.name} ${seed}`).toEqual(got);
      }
    }
  });

  it('the binary prints the quiz, and the answers with -c', () => {
    const r = spawnSync(process.execPath, [BIN, 'quiz', 'fork', '-s', '7'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Quiz: fork, seed 7\n/);
    expect(r.stdout).toContain('Run with -c');
    const c = spawnSync(process.execPath, [BIN, 'quiz', 'cow', '-s', '3', '-c'], { encoding: 'utf8' });
    expect(c.stdout).toContain('Replay it yourself: kylinx-sh --seed 3 -c "create daytime;');
    expect(spawnSync(process.execPath, [BIN, 'quiz', 'nope'], { encoding: 'utf8' }).status).toBe(2);
  });
});
