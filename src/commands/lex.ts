// The line language (DESIGN.md §3): commands separated by `;`, `#` starts a comment, arguments may be
// quoted with '...' or "..." (backslash escapes the next character inside double quotes and outside).

import { fail } from '../engine/errors.js';

export interface CommandText {
  words: string[];
  /** The command as written, for echoing and history. */
  text: string;
}

export function splitLine(line: string): CommandText[] {
  const out: CommandText[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let start = 0;
  let i = 0;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (end: number): void => {
    endWord();
    if (words.length > 0) out.push({ words, text: line.slice(start, end).trim() });
    words = [];
    start = end + 1;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '"' || c === "'") {
      const q = c;
      inWord = true;
      i++;
      while (i < line.length && line[i] !== q) {
        if (q === '"' && line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i++];
      }
      if (i >= line.length) fail('EUSAGE', `unclosed ${q === '"' ? 'double' : 'single'} quote`);
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === ';') {
      endCommand(i);
      i++;
    } else if (c === '#' && !inWord) {
      endCommand(i);
      start = line.length;
      break;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      endWord();
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (start < line.length || words.length > 0 || inWord) endCommand(line.length);
  return out;
}

/** Quote a word so splitLine reads it back unchanged (for history and exports). */
export function quoteWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_.,:@=+\-/]+$/.test(w)) return w;
  return `"${w.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}
