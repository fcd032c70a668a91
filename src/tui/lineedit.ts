// The prompt's line editor as a pure value: text, cursor and a walk through the history. Every key
// action is a function from one state to the next, so tests drive it without a terminal.

import { commonPrefix, Completion } from '../commands/complete.js';

export interface Line {
  text: string;
  /** Cursor position, 0..text.length (code units; commands are ASCII). */
  cursor: number;
  /** Index into the history while walking it with Up/Down; null when editing a fresh line. */
  hist: number | null;
  /** The fresh line put aside while walking the history. */
  draft: string;
}

export const EMPTY: Line = { text: '', cursor: 0, hist: null, draft: '' };

const at = (text: string, cursor: number): Line => ({ text, cursor, hist: null, draft: '' });

export function insert(l: Line, s: string): Line {
  return at(l.text.slice(0, l.cursor) + s + l.text.slice(l.cursor), l.cursor + s.length);
}

export function backspace(l: Line): Line {
  if (l.cursor === 0) return l;
  return at(l.text.slice(0, l.cursor - 1) + l.text.slice(l.cursor), l.cursor - 1);
}

export function deleteUnder(l: Line): Line {
  if (l.cursor >= l.text.length) return l;
  return at(l.text.slice(0, l.cursor) + l.text.slice(l.cursor + 1), l.cursor);
}

export function move(l: Line, to: number): Line {
  return { ...l, cursor: Math.max(0, Math.min(l.text.length, to)) };
}

export function killBefore(l: Line): Line {
  return at(l.text.slice(l.cursor), 0);
}

export function killAfter(l: Line): Line {
  return at(l.text.slice(0, l.cursor), l.cursor);
}

/** Ctrl+W: the word before the cursor and the spaces after it. */
export function killWord(l: Line): Line {
  const before = l.text.slice(0, l.cursor).replace(/\S*\s*$/, '');
  return at(before + l.text.slice(l.cursor), before.length);
}

/** Up: one line older in `history` (oldest first); the line being typed is kept as the draft. */
export function historyPrev(l: Line, history: readonly string[]): Line {
  if (history.length === 0) return l;
  const i = l.hist === null ? history.length - 1 : Math.max(0, l.hist - 1);
  const text = history[i]!;
  return { text, cursor: text.length, hist: i, draft: l.hist === null ? l.text : l.draft };
}

/** Down: one line newer; past the newest, back to the draft. */
export function historyNext(l: Line, history: readonly string[]): Line {
  if (l.hist === null) return l;
  if (l.hist >= history.length - 1) return at(l.draft, l.draft.length);
  const text = history[l.hist + 1]!;
  return { text, cursor: text.length, hist: l.hist + 1, draft: l.draft };
}

export interface Completed {
  line: Line;
  /** Candidates to show when Tab could not decide (empty when it completed or found nothing). */
  choices: string[];
}

/**
 * Tab: complete the word before the cursor with `c` (from src/commands/complete.ts). One candidate is
 * inserted whole with a space after it (a directory, ending in /, without); several insert their common
 * prefix and are listed.
 */
export function applyCompletion(l: Line, c: Completion): Completed {
  if (c.candidates.length === 0) return { line: l, choices: [] };
  const head = l.text.slice(0, l.cursor);
  const tail = l.text.slice(l.cursor);
  const stem = head.slice(0, head.length - c.word.length);
  if (c.candidates.length === 1) {
    // A directory goes on being completed: no space after its slash.
    const only = c.candidates[0]!;
    const word = only + (tail.startsWith(' ') || only.endsWith('/') ? '' : ' ');
    return { line: at(stem + word + tail, stem.length + word.length), choices: [] };
  }
  const prefix = commonPrefix(c.candidates);
  const grown = prefix.length > c.word.length;
  const line = grown ? at(stem + prefix + tail, stem.length + prefix.length) : l;
  return { line, choices: grown ? [] : c.candidates };
}
