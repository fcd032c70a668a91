// The console's keys, as data: `help keys` prints this table and src/tui binds from it, so the two
// never disagree. Selection keys are ones a prompt never needs (PgUp/PgDn, Alt+arrows), so moving the
// selection in the pVM tree never fights with typing a command.

export type KeyAction =
  | 'submit'
  | 'complete'
  | 'history-prev'
  | 'history-next'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'backspace'
  | 'delete-char-or-exit'
  | 'clear-line'
  | 'kill-before'
  | 'kill-after'
  | 'kill-word'
  | 'select-prev'
  | 'select-next'
  | 'select-first'
  | 'select-last'
  | 'redraw'
  | 'play-next'
  | 'play-back'
  | 'play-stop';

export interface KeyBinding {
  /** How the key is written in help: "PgUp", "Alt+Up", "Ctrl+C". */
  keys: string[];
  action: KeyAction;
  /** What it does, one line. */
  does: string;
  group: 'prompt' | 'selection' | 'console' | 'play';
}

export const KEYS: KeyBinding[] = [
  { keys: ['Enter'], action: 'submit', does: 'run the line', group: 'prompt' },
  {
    keys: ['Tab'],
    action: 'complete',
    does: 'complete a command, pVM, image or region name; lists the candidates when several match',
    group: 'prompt',
  },
  {
    keys: ['Up'],
    action: 'history-prev',
    does: 'previous line in the history (kept across sessions)',
    group: 'prompt',
  },
  { keys: ['Down'], action: 'history-next', does: 'next line in the history', group: 'prompt' },
  { keys: ['Left'], action: 'left', does: 'move the cursor left', group: 'prompt' },
  { keys: ['Right'], action: 'right', does: 'move the cursor right', group: 'prompt' },
  { keys: ['Home', 'Ctrl+A'], action: 'home', does: 'start of the line', group: 'prompt' },
  { keys: ['End', 'Ctrl+E'], action: 'end', does: 'end of the line', group: 'prompt' },
  { keys: ['Backspace'], action: 'backspace', does: 'delete the character before the cursor', group: 'prompt' },
  { keys: ['Ctrl+U'], action: 'kill-before', does: 'delete from the start of the line to the cursor', group: 'prompt' },
  { keys: ['Ctrl+K'], action: 'kill-after', does: 'delete from the cursor to the end of the line', group: 'prompt' },
  { keys: ['Ctrl+W'], action: 'kill-word', does: 'delete the word before the cursor', group: 'prompt' },
  { keys: ['Ctrl+C'], action: 'clear-line', does: 'clear the line (never leaves)', group: 'prompt' },
  {
    keys: ['Ctrl+D'],
    action: 'delete-char-or-exit',
    does: 'on an empty line: leave the console (as `exit`); else delete under the cursor',
    group: 'prompt',
  },
  {
    keys: ['PgUp', 'Alt+Up'],
    action: 'select-prev',
    does: 'select the pVM above in the tree (the sharing graph follows)',
    group: 'selection',
  },
  { keys: ['PgDn', 'Alt+Down'], action: 'select-next', does: 'select the pVM below in the tree', group: 'selection' },
  { keys: ['Alt+Home', 'Alt+<'], action: 'select-first', does: 'select the first pVM', group: 'selection' },
  { keys: ['Alt+End', 'Alt+>'], action: 'select-last', does: 'select the last pVM', group: 'selection' },
  { keys: ['Ctrl+L'], action: 'redraw', does: 'redraw the whole screen', group: 'console' },
  {
    keys: ['Ctrl+C'],
    action: 'clear-line',
    does: 'during a long `run`: stop it after the step in progress (the host stays consistent)',
    group: 'console',
  },
  // While `play FILE` runs the prompt is replaced by a play bar, so these never fight with typing.
  {
    keys: ['Enter', 'Space', 'Right', 'n'],
    action: 'play-next',
    does: 'run the next command of the script (shown in the play bar)',
    group: 'play',
  },
  {
    keys: ['Left', 'Backspace', 'b'],
    action: 'play-back',
    does: 'step back: the engine returns to its state before the last command run',
    group: 'play',
  },
  {
    keys: ['q', 'Escape', 'Ctrl+C'],
    action: 'play-stop',
    does: 'stop playing and return to the prompt (the state stays as it is)',
    group: 'play',
  },
];

export type KeyGroup = KeyBinding['group'];

/** The key groups bound while typing at the prompt, and while a script plays (play FILE): in order, the later winning. */
export const KEY_GROUPS_OF = {
  prompt: ['prompt', 'selection', 'console'],
  playing: ['selection', 'console', 'play'],
} as const satisfies Record<string, readonly KeyGroup[]>;

export function keysOf(group: KeyGroup): KeyBinding[] {
  return KEYS.filter((k) => k.group === group);
}

/** The key table as `help keys` prints it. */
export function keysText(): string {
  const titles = {
    prompt: 'Prompt',
    selection: 'Selection (the pVM tree and the sharing graph)',
    console: 'Console',
    play: 'While playing a script (play FILE)',
  } as const;
  const lines: string[] = [];
  for (const g of ['prompt', 'selection', 'console', 'play'] as const) {
    lines.push(`${titles[g]}:`);
    for (const k of KEYS.filter((x) => x.group === g)) lines.push(`  ${k.keys.join(', ').padEnd(20)} ${k.does}`);
  }
  lines.push(
    '',
    '`top` opens the dashboard (q returns); `clock on [speed]` / `clock off` let time run; `exit` or Ctrl+D leaves; `kylinx-sh --plain` gives a line-by-line session.',
  );
  return lines.join('\n');
}
