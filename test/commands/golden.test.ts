// Golden tests: sessions that run every command of the table, compared in text and in --json with
// the files in test/golden: session.kx on the default host, credit2.kx on the same host running credit2
// (the commands only a credit2 host accepts), xenstore.kx on the host with XenStore (xenstore-ls, -read,
// -write and a clone that xencloned copies entries for). After an intended change of output:
// UPDATE_GOLDEN=1 npx vitest run test/commands/golden.test.ts and read the diff before committing it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitLine } from '../../src/commands/lex.js';
import { COMMANDS, findCommand } from '../../src/commands/table.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'test', 'golden');
const SESSION = join(DIR, 'session.kx');
const CREDIT2 = join(DIR, 'credit2.kx');
const CREDIT2_HOST = join(ROOT, 'examples', 'hosts', 'credit2.cfg');
const XENSTORE = join(DIR, 'xenstore.kx');
const XENSTORE_HOST = join(ROOT, 'examples', 'hosts', 'xenstore.cfg');

function run(args: string[], session = SESSION): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kylinx-sh.js'), ...args, session], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

function golden(name: string, actual: string): void {
  const file = join(DIR, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('golden session', () => {
  it('uses every command of the table (those that need the console aside)', () => {
    const used = new Set(
      [SESSION, CREDIT2, XENSTORE]
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n')
        .split('\n')
        .flatMap((l) => splitLine(l))
        .map((c) => findCommand(c.words[0]!).name),
    );
    // save, restore and snapshot write and read files: test/commands/xl-commands.test.ts runs them.
    const skip = new Set(['sleep', 'exit', 'source', 'save', 'restore', 'snapshot']);
    const missing = COMMANDS.filter((c) => !c.consoleOnly && !skip.has(c.name) && !used.has(c.name)).map((c) => c.name);
    expect(missing).toEqual([]);
  });

  it('text output', () => golden('session.txt', run([])));
  it('--json output', () => golden('session.jsonl', run(['--json'])));
  it('credit2: text output', () => golden('credit2.txt', run(['--host', CREDIT2_HOST], CREDIT2)));
  it('credit2: --json output', () => golden('credit2.jsonl', run(['--host', CREDIT2_HOST, '--json'], CREDIT2)));
  it('xenstore: text output', () => golden('xenstore.txt', run(['--host', XENSTORE_HOST], XENSTORE)));
  it('xenstore: --json output', () => golden('xenstore.jsonl', run(['--host', XENSTORE_HOST, '--json'], XENSTORE)));
});
