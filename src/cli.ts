// Entry point: picks the mode (DESIGN.md §4). Scripted modes (-c, a file, stdin that is not a terminal)
// never load ink, react or blessed; the console is imported only when a terminal is there.

// First, before the command table loads: its lazy handlers load only for the commands a line runs.
import './scripted-start.js';
import { Command, CommanderError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHandlers } from './commands/handlers.js';
import { scriptedHost } from './commands/scripted-host.js';
import { errorOf } from './commands/shell.js';
import { loadHandlersFor } from './commands/table.js';
import type { HostIO } from './commands/types.js';
import { EngineError } from './engine/errors.js';
import { bufferedOut } from './buffered-out.js';
import { nodeIO, packageDir, readText } from './host-io.js';
import { setupShell, SetupOptions } from './session-setup.js';
import { runSweepPool } from './sweep-pool.js';
import { isTheme } from './tui/theme-names.js';

interface CliOptions extends SetupOptions {
  command?: string;
  json?: boolean;
  explain?: boolean;
  verbose?: boolean;
  keepGoing?: boolean;
  color?: boolean;
  plain?: boolean;
  step?: boolean;
  record?: string;
  theme?: string;
}

// stdout is written in large chunks unless it is a terminal (buffered-out.ts); stderr never waits, and
// whatever stdout holds goes out first so the two stay in order.
const stdout = bufferedOut((s) => void process.stdout.write(s), process.stdout.isTTY === true);
const out = (s: string): void => stdout.write(s);
const err = (s: string): void => {
  stdout.flush();
  process.stderr.write(s);
};
process.on('exit', () => stdout.flush());
/** Host I/O of the scripted modes: a `sleep` in a script shows what came before it first. */
const scriptIO: HostIO = {
  ...nodeIO,
  sleepMs: (ms) => {
    stdout.flush();
    nodeIO.sleepMs(ms);
  },
};

/**
 * Host I/O of the interactive modes (the console, --plain, top): a sweep runs for at most
 * CONSOLE_SWEEP_MS of wall time, then is stopped and fails saying to run it from a script, so the
 * screen never waits on it for long; it draws no progress over the console's screen.
 */
const CONSOLE_SWEEP_MS = 60_000;
const consoleIO: HostIO = {
  ...nodeIO,
  runSweep: (job, jobs) => runSweepPool(job, jobs, { progress: false, timeoutMs: CONSOLE_SWEEP_MS }),
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Run command text in a scripted mode; returns the exit status. */
async function runScripted(text: string, origin: string | undefined, o: CliOptions): Promise<number> {
  await loadHandlersFor(text);
  const setup = setupShell(o, scriptIO);
  setup.shell.useHost(
    scriptedHost({
      json: !!o.json,
      explain: !!o.explain,
      tty: process.stdout.isTTY === true,
      verbose: !!o.verbose,
      out,
      err,
    }),
  );
  let status = 0;
  try {
    const s = setup.shell.run(text, { stopOnError: !o.keepGoing, origin, remember: true });
    if (s.failures > 0) status = s.firstError === 'EUSAGE' ? 2 : 1;
  } finally {
    stdout.flush();
    setup.finish(true);
  }
  return status;
}

/** --step: a demo script one command at a time, with time travel. */
async function runStep(text: string, file: string, o: CliOptions): Promise<number> {
  stdout.flush();
  await loadHandlers('all');
  const setup = setupShell(o, consoleIO);
  try {
    const { runStepper } = await import('./step.js');
    await runStepper(setup.shell, text, file);
  } finally {
    setup.finish(true);
  }
  return 0;
}

async function runInteractive(o: CliOptions, dashboardOnly = false): Promise<number> {
  stdout.flush();
  if (o.color === false || process.env.NO_COLOR !== undefined) process.env.NO_COLOR ??= '1';
  await loadHandlers('all');
  const setup = setupShell(o, consoleIO);
  try {
    const { loadHistory, appendHistory } = await import('./history.js');
    const history = loadHistory();
    if (o.plain) {
      const { runRepl } = await import('./repl.js');
      await runRepl(setup.shell, history, appendHistory);
      return 0;
    }
    // Ink decides at import time that a CI environment has no live terminal and then draws nothing
    // until it exits; here stdin and stdout are known to be terminals, so that guess is wrong.
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    // React's development build only adds checks for people developing React components.
    process.env.NODE_ENV ??= 'production';
    const tui = await import('./tui/console.js');
    const theme = o.theme !== undefined && isTheme(o.theme) ? o.theme : 'dark';
    if (dashboardOnly) return await tui.runTop(setup.shell, { color: o.color, theme });
    return await tui.runConsole(setup.shell, { color: o.color, theme, history, remember: appendHistory });
  } finally {
    setup.finish(true);
  }
}

/** --record FILE: the terminal session (console, --plain, top, --step) as an asciicast v2 file. */
async function withRecording(o: CliOptions, session: () => Promise<number>): Promise<number> {
  if (o.record === undefined) return session();
  const { recordTerminal } = await import('./tui/record.js');
  const stop = recordTerminal(process.stdout, o.record);
  try {
    return await session();
  } finally {
    stop();
  }
}

const SUBCOMMANDS = `
Subcommands:
  kylinx-sh demo [name]             the demo scripts shipped in examples/, one line each; a name runs one
  kylinx-sh quiz fork|cow|ipc|sched [-s seed] [-c]
                                    an exercise about a seeded scenario; -c prints the engine's answers
  kylinx-sh sign <manifest> --key <private.pem> [--out FILE]
                                    sign a library manifest (writes <manifest>.sig, or FILE)
  kylinx-sh top                     the dashboard alone (needs a terminal)

Files under examples/ and images/ are found in the package from any directory:
  kylinx-sh examples/fork-cow.kx, --host examples/hosts/one-pcpu.cfg`;

async function main(argv: string[]): Promise<number> {
  // `kylinx-sh sign <manifest> --key <private.pem>`: library signing, not a shell mode.
  if (argv[2] === 'sign') return (await import('./sign-cli.js')).runSign(argv.slice(3), out, err);
  // `kylinx-sh quiz fork|cow|ipc|sched [-s seed] [-c]`: exercises, not a shell mode.
  if (argv[2] === 'quiz') return (await import('./quiz-cli.js')).runQuiz(argv.slice(3), out, err);
  // `kylinx-sh demo [name] [options]`: list the shipped demos, or run one as a script file.
  if (argv[2] === 'demo') {
    const choice = (await import('./demo-cli.js')).chooseDemo(argv.slice(3), out, err);
    if ('status' in choice) return choice.status;
    argv = [...argv.slice(0, 2), ...choice.args];
  }
  const program = new Command()
    .name('kylinx-sh')
    .description('An xl-style shell for KylinX pVMs on a model of a Xen-like hypervisor')
    .argument('[file]', 'a script of commands (.kx) to run')
    .option('-c, --command <commands>', 'run commands (separated by ;) and exit')
    .option('--json', 'print one JSON object per command')
    .option('--explain', 'after each modeled latency, the cost primitives it sums (in --json: data.cost, always)')
    .option('--costs <file>', 'cost overrides (name = value lines, xl.cfg syntax); costs lists the names')
    .option('-v, --verbose', 'also print the confirmations of changes xl makes silently (pause, vcpu-pin, ...)')
    .option('--keep-going', 'in scripts, go on after a failed command (exit 1 at the end)')
    .option('--seed <n>', 'seed of every random choice (default: the host config)')
    .option('--host <file>', 'host config (default: images/host.cfg)')
    .option('--images <dir>', 'where images, lib/ and trust/ are read (default: the package images/)')
    .option('--state <file>', 'load the host from FILE if it exists, write it back after the run')
    .option('--plain', 'a line-by-line session without the full-screen console')
    .option('--step', 'step through the script FILE: show each command, run it on a key, step back on another')
    .option('--record <file>', 'record the terminal session as an asciicast v2 file (asciinema play FILE)')
    .option(
      '--theme <name>',
      "the console's colours: dark (default), light (a light terminal) or contrast (a projector)",
    )
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR)'))
    .version(version(), '--version')
    .helpOption('-h, --help')
    .addHelpText('after', SUBCOMMANDS)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .allowExcessArguments(false);
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const o = program.opts<CliOptions>();
  o.host ??= undefined;
  if (o.theme !== undefined && !isTheme(o.theme)) {
    err(`kylinx-sh: --theme must be dark, light or contrast, not '${o.theme}'\n`);
    return 2;
  }
  const file = program.args[0];
  if (o.command !== undefined && file !== undefined) {
    err('kylinx-sh: give either -c or a script file, not both\n');
    return 2;
  }
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  if (
    o.record !== undefined &&
    (!tty || o.command !== undefined || (file !== undefined && !o.step && file !== 'top'))
  ) {
    err(
      "kylinx-sh: --record records a terminal session (the console, --plain, top or --step) and needs a terminal; a script's output can be redirected instead\n",
    );
    return 2;
  }
  if (o.step) {
    if (file === undefined || o.command !== undefined) {
      err('kylinx-sh: --step needs a script file: kylinx-sh --step examples/fork-cow.kx\n');
      return 2;
    }
    return withRecording(o, () => runStep(readText(file), file, o));
  }
  if (o.command !== undefined) return runScripted(o.command, undefined, o);
  // `kylinx-sh top`: the dashboard alone (a script named top is still run as a script).
  if (file === 'top' && !existsSync(file)) {
    if (tty) return withRecording(o, () => runInteractive(o, true));
    err("kylinx-sh top needs a terminal; without one use: kylinx-sh -c 'top -b -i 1'\n");
    return 2;
  }
  if (file !== undefined) return runScripted(readText(file), file, o);
  if (tty) return withRecording(o, () => runInteractive(o));
  const text = readFileSync(0, 'utf8');
  return runScripted(text, undefined, o);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const er = errorOf(e);
    err(`kylinx-sh: ${er.message}\n`);
    process.exitCode = e instanceof EngineError && e.code === 'EUSAGE' ? 2 : 1;
  },
);
