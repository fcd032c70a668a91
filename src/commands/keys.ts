// The console's keys, as data: `help keys` prints this table and src/tui binds from it, so the two
// never disagree. Pane keys are ones a prompt never needs (PgUp/PgDn, Alt+digits, Alt+arrows, Escape),
// so scrolling, focusing a panel or moving the selection never fights with typing a command.

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
  | 'scroll-up'
  | 'scroll-down'
  | 'focus-next'
  | 'focus-prev'
  | 'focus-output'
  | 'focus-1'
  | 'focus-2'
  | 'focus-3'
  | 'focus-4'
  | 'focus-5'
  | 'focus-6'
  | 'focus-7'
  | 'toggle-folds'
  | 'redraw'
  | 'play-next'
  | 'play-back'
  | 'play-stop'
  | 'offer-reset'
  | 'offer-keep'
  | 'offer-cancel';

export interface KeyBinding {
  /** How the key is written in help: "PgUp", "Alt+Up", "Ctrl+C". */
  keys: string[];
  action: KeyAction;
  /** What it does, one line. */
  does: string;
  group: 'prompt' | 'panes' | 'console' | 'play' | 'offer';
}

export const KEYS: KeyBinding[] = [
  { keys: ['Enter'], action: 'submit', does: 'run the line', group: 'prompt' },
  {
    keys: ['Tab'],
    action: 'complete',
    does: 'complete a command, pVM, image, region or file name (lists the candidates when several match); on an empty line, focus the next pane',
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
  {
    keys: ['Home', 'Ctrl+A'],
    action: 'home',
    does: 'start of the line; on an empty line, Home goes to the top of the pane in focus',
    group: 'prompt',
  },
  {
    keys: ['End', 'Ctrl+E'],
    action: 'end',
    does: 'end of the line; on an empty line, End goes to the end of the pane in focus (live output)',
    group: 'prompt',
  },
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
    keys: ['PgUp'],
    action: 'scroll-up',
    does: 'scroll the pane in focus up a page (the output by default; in the pVM tree, select a page up)',
    group: 'panes',
  },
  { keys: ['PgDn'], action: 'scroll-down', does: 'scroll the pane in focus down a page', group: 'panes' },
  {
    keys: ['Shift+Tab'],
    action: 'focus-next',
    does: 'focus the next pane (output, pVMs, sharing, libraries, IpC, scheduler, requests)',
    group: 'panes',
  },
  { keys: ['Alt+1'], action: 'focus-1', does: 'focus the output pane', group: 'panes' },
  { keys: ['Alt+2'], action: 'focus-2', does: 'focus the pVM tree', group: 'panes' },
  { keys: ['Alt+3'], action: 'focus-3', does: 'focus the sharing graph', group: 'panes' },
  { keys: ['Alt+4'], action: 'focus-4', does: 'focus the libraries', group: 'panes' },
  { keys: ['Alt+5'], action: 'focus-5', does: 'focus IpC', group: 'panes' },
  { keys: ['Alt+6'], action: 'focus-6', does: 'focus the scheduler', group: 'panes' },
  { keys: ['Alt+7'], action: 'focus-7', does: 'focus the request rates', group: 'panes' },
  { keys: ['Escape'], action: 'focus-output', does: 'focus the output pane again', group: 'panes' },
  {
    keys: ['Alt+Up'],
    action: 'select-prev',
    does: 'select the pVM above in the tree (the sharing graph follows)',
    group: 'panes',
  },
  { keys: ['Alt+Down'], action: 'select-next', does: 'select the pVM below in the tree', group: 'panes' },
  { keys: ['Alt+Home', 'Alt+<'], action: 'select-first', does: 'select the first pVM', group: 'panes' },
  { keys: ['Alt+End', 'Alt+>'], action: 'select-last', does: 'select the last pVM', group: 'panes' },
  {
    keys: ['Ctrl+O'],
    action: 'toggle-folds',
    does: 'open or close every folded burst of events in the output (a click opens one)',
    group: 'panes',
  },
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
  // `play FILE` on a host that changed since it booted asks first.
  { keys: ['y', 'Enter'], action: 'offer-reset', does: 'boot the host again, then play the script', group: 'offer' },
  { keys: ['n'], action: 'offer-keep', does: 'play the script on the host as it is', group: 'offer' },
  { keys: ['q', 'Escape', 'Ctrl+C'], action: 'offer-cancel', does: 'do not play it', group: 'offer' },
];

export type KeyGroup = KeyBinding['group'];

/**
 * The key groups bound while typing at the prompt, while a script plays (play FILE) and while play asks
 * whether to boot the host again: in order, the later winning.
 */
export const KEY_GROUPS_OF = {
  prompt: ['prompt', 'panes', 'console'],
  playing: ['panes', 'console', 'play'],
  offer: ['console', 'offer'],
} as const satisfies Record<string, readonly KeyGroup[]>;

export function keysOf(group: KeyGroup): KeyBinding[] {
  return KEYS.filter((k) => k.group === group);
}

/** The key table as `help keys` prints it. */
export function keysText(): string {
  const titles = {
    prompt: 'Prompt',
    panes: 'Panes (focus, scrolling, the selected pVM)',
    console: 'Console',
    play: 'While playing a script (play FILE)',
    offer: 'When play asks to boot the host again first',
  } as const;
  const lines: string[] = [];
  // One column for the keys, as wide as the longest list, so every description starts at the same cell.
  const keysW = Math.max(...KEYS.map((k) => k.keys.join(', ').length));
  for (const g of ['prompt', 'panes', 'console', 'play', 'offer'] as const) {
    lines.push(`${titles[g]}:`);
    for (const k of KEYS.filter((x) => x.group === g)) lines.push(`  ${k.keys.join(', ').padEnd(keysW)}  ${k.does}`);
  }
  lines.push(
    '',
    'Any key skips an animation (animate off turns them off). The mouse wheel scrolls the pane under it; a click focuses a pane, selects a pVM or opens a folded line.',
    '`top` opens the dashboard (q returns); `clock on [speed]` / `clock off` let time run; `reset` boots the host again; `exit` or Ctrl+D leaves; `kylinx-sh --plain` gives a line-by-line session.',
  );
  return lines.join('\n');
}
