// Session commands: help, history, source, echo, say, sleep, save, restore.

import { EngineError, fail } from '../engine/errors.js';
import { validateSnapshot } from '../engine/hypervisor.js';
import { many, maybe, one, usageOf } from './args.js';
import { commandName, file, int, text as textArg } from './kinds.js';
import { left } from './format.js';
import { KEYS, keysText } from './keys.js';
import { command, type AnyCommand, type Family } from './types.js';

const FAMILY_TITLES: Record<Family, string> = {
  lifecycle: 'Lifecycle',
  inspect: 'Inspect',
  memory: 'Memory',
  ipc: 'IpC',
  libraries: 'Libraries',
  scheduler: 'Scheduler and time',
  session: 'Session',
};

const help = command({
  name: 'help',
  family: 'session',
  summary: 'List commands, or show one command in full',
  args: { command: maybe(commandName) },
  run(ctx, a) {
    const name = a.command;
    if (name === 'keys' && !ctx.spec('keys')) {
      return {
        text: keysText(),
        data: { keys: KEYS.map((k) => ({ keys: k.keys, action: k.action, does: k.does, group: k.group })) },
      };
    }
    if (name !== undefined) {
      const spec = ctx.spec(name);
      if (!spec) fail('ENOENT', `no command '${name}' (type help for the list)`);
      const lines = [`usage: ${usageOf(spec)}`, '', spec.summary + '.'];
      if (spec.options && Object.keys(spec.options).length > 0) {
        lines.push('', 'options:');
        for (const [optName, o] of Object.entries(spec.options))
          lines.push(
            `  ${left(`${o.short ? `-${o.short}, ` : ''}--${optName}${o.kind ? ` <${o.choices?.join('|') ?? o.kind}>` : ''}`, 23)} ${o.summary}`,
          );
      }
      if (spec.help) lines.push('', spec.help);
      return {
        text: lines.join('\n'),
        data: { name: spec.name, usage: usageOf(spec), summary: spec.summary, family: spec.family },
      };
    }
    const lines: string[] = [];
    const specs = ctx.allSpecs();
    for (const fam of Object.keys(FAMILY_TITLES) as Family[]) {
      const inFam = specs.filter((s) => s.family === fam);
      if (inFam.length === 0) continue;
      lines.push(`${FAMILY_TITLES[fam]}:`);
      for (const s of inFam) lines.push(` ${left(s.name, 19)} ${s.summary}`);
    }
    lines.push(
      '',
      'help <command> shows its usage; help keys lists the console keys. Commands may be abbreviated to an unambiguous prefix; `;` separates commands.',
    );
    return {
      text: lines.join('\n'),
      data: { commands: specs.map((s) => ({ name: s.name, family: s.family, summary: s.summary, usage: usageOf(s) })) },
    };
  },
});

const history = command({
  name: 'history',
  family: 'session',
  summary: 'Commands typed in this session',
  args: {},
  run(ctx) {
    const h = ctx.history;
    return { text: h.map((l, i) => `${String(i + 1).padStart(5)}  ${l}`).join('\n'), data: { history: [...h] } };
  },
});

const source = command({
  name: 'source',
  family: 'session',
  summary: 'Run the commands of a script file',
  args: { file: one(file) },
  run(ctx, a) {
    const file = a.file;
    const text = ctx.io.readText(file);
    const failures = ctx.runText(text, file);
    if (failures > 0) fail('EINVAL', `${file}: ${failures} command${failures === 1 ? '' : 's'} failed`);
    return { text: '', data: { file } };
  },
});

const echo = command({
  name: 'echo',
  family: 'session',
  summary: 'Print text',
  args: { text: many(textArg, { optional: true }) },
  run(_ctx, a) {
    const text = a.text.join(' ');
    return { text, data: { text } };
  },
});

export const say = command({
  name: 'say',
  family: 'session',
  summary: 'Narrate a demo: the console shows it prominently',
  args: { text: many(textArg) },
  run(_ctx, a) {
    const text = a.text.join(' ');
    return { text, data: { say: text }, effect: { kind: 'say', text } };
  },
});

const tryCmd = command({
  name: 'try',
  family: 'session',
  summary: 'Run a command that may be refused: its error is shown and the script goes on (for demos and lessons)',
  usage: '<command> [args...]',
  args: { command: many(commandName) },
  rawArgs: true,
  help: 'Example: try kill -USR1 redis --from web. try fails only if the inner command is not a command at all.',
  run(ctx, a) {
    if (a.command[0] === 'try') fail('EUSAGE', 'try cannot wrap try');
    const o = ctx.runWords(a.command);
    if (o.ok) {
      return {
        text: o.result.text,
        data: { ok: true, command: o.command, data: o.result.data },
        latencyUs: o.result.latencyUs,
        ...(o.result.cost ? { cost: o.result.cost } : {}),
        ...(o.result.effect ? { effect: o.result.effect } : {}),
      };
    }
    if (o.error.code === 'EUSAGE') fail('EUSAGE', o.error.message);
    return {
      text: `refused, as it should be: ${o.command}: ${o.error.message} [${o.error.code}]`,
      data: { ok: false, command: o.command, error: o.error },
    };
  },
});

const sleep = command({
  name: 'sleep',
  family: 'session',
  summary: 'Pause the session for some milliseconds of wall time (for demos; virtual time does not move)',
  args: { ms: one(int(0, 60_000)) },
  run(ctx, a) {
    const ms = a.ms;
    ctx.io.sleepMs(ms);
    return { text: '', data: { ms } };
  },
});

const save = command({
  name: 'save',
  family: 'session',
  summary: 'Save the whole engine state to a file (versioned JSON, written atomically)',
  args: { file: one(file) },
  run(ctx, a) {
    const file = a.file;
    const doc = JSON.stringify(ctx.hv.save());
    ctx.io.writeAtomic(file, doc);
    return {
      text: `saved ${ctx.hv.liveCount} domains to ${file} (${doc.length} bytes)`,
      data: { file, bytes: doc.length, domains: ctx.hv.liveCount },
    };
  },
});

const restore = command({
  name: 'restore',
  family: 'session',
  summary: 'Restore the engine state saved in a file; the current state is kept if the file is bad',
  args: { file: one(file) },
  run(ctx, a) {
    const file = a.file;
    const hv = loadState(ctx.newEngine, ctx.io.readText(file), file);
    ctx.replaceEngine(hv);
    return { text: `restored ${hv.liveCount} domains from ${file}`, data: { file, domains: hv.liveCount } };
  },
});

/**
 * Parse, validate and load a state document into a fresh engine, then run check(): a hand-edited or
 * damaged file fails here with its name and reason, never half-loaded.
 */
export function loadState<T extends { load(s: ReturnType<typeof validateSnapshot>): void; check(): string[] }>(
  make: (host?: ReturnType<typeof validateSnapshot>['host']) => T,
  text: string,
  file: string,
): T {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    fail(
      'EINVAL',
      `${file}: not a kylinx-sh state (not valid JSON${at ? ` at byte ${at[1]}` : text.trim() === '' ? ': the file is empty' : ''})`,
    );
  }
  let snap;
  try {
    snap = validateSnapshot(doc);
  } catch (e) {
    fail('EINVAL', `${file}: ${(e as Error).message}`);
  }
  const hv = make(snap.host);
  try {
    hv.load(snap);
  } catch (e) {
    const why = e instanceof EngineError ? e.message : `damaged state (${(e as Error).message})`;
    fail('EINVAL', `${file}: ${why}`);
  }
  const problems = hv.check();
  if (problems.length > 0)
    fail(
      'EINVAL',
      `${file}: state is inconsistent: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
  return hv;
}

export const SESSION: AnyCommand[] = [help, history, source, echo, say, tryCmd, sleep, save, restore];
