// From what ink reports for a keypress to the console's key names ("PgUp", "Alt+Up", "Ctrl+C") and
// then to actions through the key table in src/commands/keys.ts (the table `help keys` prints).
// Ink hands a pasted or quickly typed chunk ("fork web 4\r") over as one string; it is split here
// into the keys it holds, so a fast typist or tmux's send-keys behaves like slow typing.

import type { Key } from 'ink';
import { KEY_GROUPS_OF, KeyAction, keysOf } from '../commands/keys.js';

export type KeyEvent = { kind: 'key'; name: string } | { kind: 'text'; text: string };

/** What the keyboard drives: the prompt, a script being played (its bar replaces the prompt), or play's question. */
export type KeyMode = keyof typeof KEY_GROUPS_OF;

/** Each key's binding in a mode: the keys of the mode's groups (keys.ts), later groups winning. */
function table(mode: KeyMode): Map<string, KeyAction> {
  const m = new Map<string, KeyAction>();
  // Play keys are bound only while playing; then they win over the prompt's (Enter runs the next step).
  for (const group of KEY_GROUPS_OF[mode])
    for (const k of keysOf(group)) for (const name of k.keys) m.set(name, k.action);
  return m;
}

const BY_MODE: Record<KeyMode, Map<string, KeyAction>> = {
  prompt: table('prompt'),
  playing: table('playing'),
  offer: table('offer'),
};

/** The action bound to a key name in a mode, if any. */
export function actionOf(name: string, mode: KeyMode = 'prompt'): KeyAction | undefined {
  return BY_MODE[mode].get(name);
}

/** A mouse event as xterm's SGR encoding (mode 1006) reports it: `ESC [ < b ; x ; y M|m`, x and y from 1. */
export interface MouseEvent {
  kind: 'wheel-up' | 'wheel-down' | 'press' | 'other';
  /** Cell, from 0. */
  x: number;
  y: number;
}

// eslint-disable-next-line no-control-regex -- matching the escape sequence is the point
const SGR_MOUSE = /^\x1b?\[<(\d+);(\d+);(\d+)([Mm])$/;

/** The mouse event in what ink hands over (it strips the leading ESC), or null for any other input. */
export function mouseEvent(input: string): MouseEvent | null {
  const m = SGR_MOUSE.exec(input);
  if (!m) return null;
  const b = Number(m[1]);
  const at = { x: Number(m[2]) - 1, y: Number(m[3]) - 1 };
  // Bits 2-4 are Shift, Meta and Ctrl; 64 and 65 are the wheel; 0 is the left button (M: pressed).
  const button = b & ~(4 | 8 | 16);
  if (button === 64) return { kind: 'wheel-up', ...at };
  if (button === 65) return { kind: 'wheel-down', ...at };
  if (button === 0 && m[4] === 'M') return { kind: 'press', ...at };
  return { kind: 'other', ...at };
}

/** While playing, typed characters are keys too ("n", "b", "q", Space). */
export function playKeyName(text: string): string {
  return text === ' ' ? 'Space' : text;
}

function arrow(base: string, key: Key): string {
  if (key.meta) return `Alt+${base}`;
  if (key.ctrl) return `Ctrl+${base}`;
  return base;
}

/** Split plain (escape-free) text into printable runs and control keys. */
export function splitText(text: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  let run = '';
  const flush = (): void => {
    if (run) out.push({ kind: 'text', text: run });
    run = '';
  };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    let name: string | undefined;
    if (ch === '\r' || ch === '\n') name = 'Enter';
    else if (ch === '\t') name = 'Tab';
    else if (ch === '\x7f' || ch === '\b') name = 'Backspace';
    else if (code < 0x20) name = `Ctrl+${String.fromCharCode(code + 64)}`;
    if (name) {
      flush();
      out.push({ kind: 'key', name });
    } else run += ch;
  }
  flush();
  return out;
}

/** Ink's (input, key) as key events. */
export function keyEvents(input: string, key: Key): KeyEvent[] {
  const named = (name: string): KeyEvent[] => [{ kind: 'key', name }];
  if (key.return) return named('Enter');
  if (key.tab) return named(key.shift ? 'Shift+Tab' : 'Tab');
  if (key.upArrow) return named(arrow('Up', key));
  if (key.downArrow) return named(arrow('Down', key));
  if (key.leftArrow) return named(arrow('Left', key));
  if (key.rightArrow) return named(arrow('Right', key));
  if (key.pageUp) return named('PgUp');
  if (key.pageDown) return named('PgDn');
  if (key.home) return named(arrow('Home', key));
  if (key.end) return named(arrow('End', key));
  // Ink reports the Backspace key (DEL, 0x7f) as `delete`; both erase before the cursor here and
  // Ctrl+D deletes under it, as in readline.
  if (key.backspace || key.delete) return named('Backspace');
  if (key.escape) return named('Escape');
  if (key.ctrl && input.length === 1) return named(`Ctrl+${input.toUpperCase()}`);
  if (key.meta) return input.length === 1 ? named(`Alt+${input}`) : [];
  return splitText(input);
}
