// Session commands: help, history, source, echo, say, sleep, save, restore.

import { EngineError, fail } from '../engine/errors.js';
import { validateSnapshot } from '../engine/hypervisor.js';
import { many, maybe, one, type OptSpec, usageOf } from './args.js';
import { choice, commandName, file, int, text as textArg } from './kinds.js';
import { left } from './format.js';
import { KEYS, keysText } from './keys.js';
import { XL_COMMANDS } from './lookup.js';
import { command, type AnyCommand } from './types.js';

/** An option as xl's help lists it: "-w WEIGHT, --weight=WEIGHT", padded to 33, then its summary. */
function optionLine(name: string, o: OptSpec<unknown>): string {
  const v = o.kind ? (o.choices?.join('|') ?? name.toUpperCase().replace(/-/g, '_')) : '';
  const short = o.short ? `-${o.short}${v ? ` ${v}` : ''}, ` : '';
  const long = `--${name}${v ? `=${v}` : ''}`;
  return `${left(`${short}${long}`, 33)} ${o.summary}`;
}

/**
 * `help CMD` in xl's layout: "Usage: xl [-v] CMD USAGE", the summary, the options; then the model's
 * own notes: longer help, and where it differs from xl on purpose.
 */
function helpCommand(spec: AnyCommand): string {
  const isXl = XL_COMMANDS.includes(spec.name);
  const lines = [`Usage: ${isXl ? 'xl [-v] ' : ''}${usageOf(spec)}`, '', `${spec.summary}.`, ''];
  const opts = Object.entries(spec.options ?? {});
  if (opts.length > 0) lines.push('Options:', '', ...opts.map(([n, o]) => optionLine(n, o)), '');
  if (spec.help) lines.push(spec.help, '');
  if (spec.xl) lines.push("(xl): prints xl's output, byte for byte, for the same state.");
  else if (isXl) lines.push("xl's command, with the model's own output.");
  else lines.push('A KylinX command: xl has none.');
  if (spec.differs) lines.push(`Differs from xl on purpose: ${spec.differs}`);
  return lines.join('\n');
}

/** One line of the list: " %-19s " and the summary, as xl's help; a name past 19 gets a line of its own. */
function listLine(s: AnyCommand): string {
  const summary = `${s.summary}${s.xl ? ' (xl)' : ''}`;
  return s.name.length > 19 ? ` ${s.name}\n ${left('', 19)} ${summary}` : ` ${left(s.name, 19)} ${summary}`;
}

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
      if (!spec) fail('ENOENT', `command "${name}" not implemented (type help for the list)`);
      return {
        text: helpCommand(spec),
        data: {
          name: spec.name,
          usage: usageOf(spec),
          summary: spec.summary,
          family: spec.family,
          xl: spec.xl === true,
          ...(spec.differs ? { differs: spec.differs } : {}),
        },
      };
    }
    const specs = ctx.allSpecs();
    // xl's commands in xl's table order, then KylinX's own by family.
    const xl = XL_COMMANDS.flatMap((n) => specs.filter((s) => s.name === n));
    const own = specs.filter((s) => !XL_COMMANDS.includes(s.name));
    const lines = [
      'Usage xl [-v] <subcommand> [args]',
      '',
      'xl full list of subcommands:',
      '',
      ...xl.map(listLine),
      '',
      'KylinX subcommands (xl has none of these):',
      '',
      ...own.map(listLine),
      '',
      "(xl): the output is xl's, byte for byte, for the same state; `help <command>` shows its usage and options, and where the model differs from xl on purpose. -v prints the confirmations xl leaves out (the console always shows them).",
      "Commands are found as xl finds them: an exact name, or a prefix of one of xl's commands that names only one (li list, i info, to top, up uptime, un unpause); KylinX's own commands by name or by a prefix that begins no xl command (fo fork). `;` separates commands; help keys lists the console keys.",
    ];
    return {
      text: lines.join('\n'),
      data: {
        commands: specs.map((s) => ({
          name: s.name,
          family: s.family,
          summary: s.summary,
          usage: usageOf(s),
          xl: s.xl === true,
        })),
      },
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
    // Not a command at all, or typed wrong: try itself fails (a refusal is what it is for).
    if (o.error.code === 'EUSAGE' || o.error.code === 'ENOSYS') fail(o.error.code, o.error.message);
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

const snapshot = command({
  name: 'snapshot',
  family: 'session',
  summary: 'Save the whole engine state to a file, or restore it (versioned JSON; a bad file keeps the current state)',
  usage: 'save|restore <file>',
  args: { action: one(choice(['save', 'restore'] as const), 'save|restore'), file: one(file) },
  help: "The whole host: every domain, frame, channel, queue and library, restored to an identical state. xl's save and restore act on one domain and a checkpoint file.",
  run(ctx, a) {
    const f = a.file;
    if (a.action === 'save') {
      const doc = JSON.stringify(ctx.hv.save());
      ctx.io.writeAtomic(f, doc);
      return {
        text: `saved ${ctx.hv.liveCount} domains to ${f} (${doc.length} bytes)`,
        data: { action: 'save' as const, file: f, bytes: doc.length, domains: ctx.hv.liveCount },
      };
    }
    const hv = loadState(ctx.newEngine, ctx.io.readText(f), f);
    ctx.replaceEngine(hv);
    return {
      text: `restored ${hv.liveCount} domains from ${f}`,
      data: { action: 'restore' as const, file: f, domains: hv.liveCount },
    };
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

export const SESSION: AnyCommand[] = [help, history, source, echo, say, tryCmd, sleep, snapshot];
