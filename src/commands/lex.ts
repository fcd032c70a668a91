// The line language (DESIGN.md §3): commands separated by `;`, `#` starts a comment, arguments may be
// quoted with '...' or "..." (backslash escapes the next character inside double quotes and outside).

import { fail } from '../engine/errors.js';

export interface CommandText {
  words: string[];
  /** The command as written, for echoing and history. */
  text: string;
}

export function splitLine(line: string): CommandText[] {
  const plain = plainWords(line);
  if (plain) return plain.length > 0 ? [{ words: plain, text: line.trim() }] : [];
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

/**
 * The words of a line with no quote, backslash, `;` or `#` (most lines of a script): split on blanks
 * without the general scanner below, which builds each word a character at a time. Null otherwise.
 */
function plainWords(line: string): string[] | null {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22 || c === 0x27 || c === 0x5c || c === 0x3b || c === 0x23) return null; // " ' \ ; #
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      if (start >= 0) words.push(line.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) words.push(line.slice(start));
  return words;
}
