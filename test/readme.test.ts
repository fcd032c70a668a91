// Every kylinx-sh example in README.md runs as written: each `$ kylinx-sh ...` line of a code block and
// each inline `kylinx-sh ...` span (synopses with <, [ or | excepted) runs with the built binary, in
// README order, in one scratch directory outside the clone (so `--state s.json` lines see each other), as
// after `npm link`. It must exit 0 (or, where the README shows an error, exit 1 with that error), and
// where the README shows output, print it (a line starting with `...` stands for any lines). Lines that
// need a terminal (the console, --step, top, --record) run in a pseudo-terminal and are left the way the
// README says. The README's relative links must name files in the repository.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellWords } from './shell-words.js';
import { BIN, ROOT, startTerm, Term } from './term.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Example {
  /** 1-based line of README.md. */
  line: number;
  command: string;
  /** The output the README shows under a `$` line, or null where it shows none. */
  output: string[] | null;
}

/** The `$ kylinx-sh` lines of the code blocks and the inline `kylinx-sh` spans of the prose, in order. */
function examples(text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    if (inBlock) {
      if (!/^\$ kylinx-sh(\s|$)/.test(l)) continue;
      const shown: string[] = [];
      for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('```') && !lines[j]!.startsWith('$ '); j++)
        shown.push(lines[j]!);
      out.push({ line: i + 1, command: l.slice(2), output: shown.length > 0 ? shown : null });
      continue;
    }
    for (const m of l.matchAll(/`(kylinx-sh(?: [^`]*)?)`/g))
      if (!/[<[|…]/.test(m[1]!)) out.push({ line: i + 1, command: m[1]!, output: null });
  }
  return out;
}

/** The README's shown output as a pattern: each line literal, a `...` line any run of lines. */
function shownPattern(shown: string[]): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = shown.map((l) => (l.startsWith('...') ? '(?:[^\\n]*\\n)*?' : `${esc(l.trimEnd())}\\n`)).join('');
  return new RegExp(`^${body}$`);
}

const trimLines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');

/** What a terminal example waits for, and the key that leaves it the way the README says. */
function terminalSession(args: string[]): { ready: (s: string) => boolean; leave: string; what: string } | null {
  if (args.includes('-c') || args.includes('--help') || args.includes('--version')) return null;
  if (args.includes('--step'))
    return { what: '--step', ready: (s) => s.includes('(Enter: run   b: back   q: quit)'), leave: 'q' };
  if (args[0] === 'top') return { what: 'the dashboard', ready: (s) => s.includes('Rss per pVM'), leave: 'q' };
  const positional = args.filter((a, i) => !a.startsWith('-') && !['--record', '--state'].includes(args[i - 1]!));
  if (positional.length > 0) return null;
  return { what: 'the console', ready: (s) => /^kylinx>/m.test(s) && /pVMs: \d+ in/.test(s), leave: 'C-d' };
}

async function inTerminal(args: string[], dir: string, how: NonNullable<ReturnType<typeof terminalSession>>) {
  const t: Term = startTerm({ args, cwd: dir, env: { HOME: dir } });
  try {
    await t.until(how.what, how.ready, 20_000, () => `${t.history()}\n${t.screen()}`);
    if (how.leave === 'C-d')
      // The console reads keys itself once `fo` Tab completes (raw mode); before that Ctrl-D would be lost.
      await t.inputReady({
        keys: ['f', 'o', 'Tab'],
        shown: (s) => /^kylinx> fork\s*$/m.test(s),
        clear: ['C-u'],
        gone: (s) => /^kylinx>\s*$/m.test(s),
      });
    t.keys(how.leave);
    return (await t.waitExit(20_000)).exitCode;
  } finally {
    t.close();
  }
}

const ALL = examples(README);

describe('README examples', () => {
  it('finds the examples: the first session, --state, an error, bench, IpC, libraries, signing, the demos', () => {
    const commands = ALL.map((e) => e.command);
    for (const c of [
      'kylinx-sh -c "fork web 4; touch web.2 heap 100; tree"',
      'kylinx-sh --state s.json -c list             # web.1 and web.2 are still there',
      'kylinx-sh -c "fork wbe 4"',
      'kylinx-sh -c "bench all"',
      'kylinx-sh examples/fork-cow.kx',
      'kylinx-sh',
    ])
      expect(commands).toContain(c);
    expect(commands.some((c) => c.startsWith('kylinx-sh sign '))).toBe(true);
    expect(ALL.filter((e) => e.output !== null).length).toBeGreaterThanOrEqual(7);
    // The synopses are not run: they are forms, not commands.
    expect(commands.some((c) => c.includes('fork|cow'))).toBe(false);
  });

  it('every example runs as written from a scratch directory, with the output the README shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kylinx-readme-'));
    for (const ex of ALL) {
      const where = `README.md:${ex.line}: ${ex.command}`;
      const [name, ...args] = shellWords(ex.command);
      expect(name, where).toBe('kylinx-sh');
      const terminal = terminalSession(args);
      if (terminal) {
        expect(await inTerminal(args, dir, terminal), where).toBe(0);
        continue;
      }
      const r = spawnSync(process.execPath, [BIN, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir, NO_COLOR: '1' },
      });
      if (ex.output === null) {
        expect(r.stderr, where).toBe('');
        expect(r.status, where).toBe(0);
        continue;
      }
      const shown = shownPattern(ex.output);
      if (r.status === 0) {
        expect(r.stderr, where).toBe('');
        expect(trimLines(r.stdout), where).toMatch(shown);
      } else {
        // An error the README shows on purpose: the script stops at the failed command and exits 1; what
        // came before is on stdout, the one-line error on stderr, shown in that order.
        expect(r.status, where).toBe(1);
        expect(trimLines(r.stdout + r.stderr), where).toMatch(shown);
        expect(r.stderr.trimEnd().split('\n'), where).toHaveLength(1);
      }
    }
  }, 300_000);
});

describe('README links', () => {
  it('every relative link names a file of the repository', () => {
    const targets = [...README.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    const relative = targets.filter((t) => !/^[a-z]+:/.test(t));
    expect(relative).toContain('THREATS.md');
    expect(relative).toContain('docs/architecture.md');
    for (const t of relative) expect(existsSync(join(ROOT, t)), `README links ${t}`).toBe(true);
  });
});
