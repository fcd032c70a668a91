// The xl.cfg syntax as libxlu reads it (tools/libs/util/libxlu_cfg_l.l, libxlu_cfg_y.y, libxlu_cfg.c):
//   - a key is [a-z][._0-9a-z]*; `key = value` or `key += value` (master: appends to the earlier string
//     or list of that key); statements end at a newline or `;`; `#` starts a comment;
//   - a value is a "string" or 'string' (escapes \" \' \\ \a \b \f \n \r \t \v \xHH \ooo decoded; no
//     newline inside), a number token [0-9][0-9a-fx]*, or a [list] of values that may span lines and
//     end with a comma;
//   - a number is read as strtol(s, 0) does: 010 is 8, 0x10 is 16; every atom is text to libxlu, so a
//     quoted "8" is a number where one is wanted, and `-5` or `1.5` are lexical errors, not numbers;
//   - a key set twice: the later value wins (libxlu finds the newest setting), with a warning.
// libxlu's own numeric escapes are buggy (octal read in base 10, \xHH always refused); the escapes here
// are what xl.cfg(5) says they mean.

import { EngineError } from './errors.js';

export type CfgValue = string | number | CfgValue[];

export interface CfgEntry {
  value: CfgValue;
  line: number;
  /** An unquoted number token as written (010), for a key that wants a string. */
  text?: string;
  /** Set with `+=`: libxlu refuses it for a number. */
  added?: boolean;
}

export type Cfg = Map<string, CfgEntry>;

export class ConfigError extends EngineError {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super('EINVAL', line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
  }
}

/** strtol(s, &end, 0) over the whole of `s`: the value, or null when any of it is not a digit of its base. */
export function strtol0(s: string): number | null {
  const m = /^[ \t]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const body = m[2]!;
  const n = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : body.length > 1 && body[0] === '0'
      ? parseInt(body, 8)
      : Number(body);
  return m[1] === '-' ? -n : n;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Where a warning about the file goes (a key set twice); the caller decides (stderr, a command's text). */
export type CfgWarn = (message: string) => void;

/** Parse xl.cfg text into key -> value with line numbers. */
export function parseCfg(text: string, file: string, warn: CfgWarn = () => {}): Cfg {
  const out: Cfg = new Map();
  let pos = 0;
  let line = 1;
  const err = (reason: string, at = line): never => {
    throw new ConfigError(file, at, reason);
  };
  /** Spaces, tabs and comments; newlines too inside a list. */
  const skip = (newlines: boolean): void => {
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === ' ' || c === '\t' || c === '\r') pos++;
      else if (c === '#') while (pos < text.length && text[pos] !== '\n') pos++;
      else if (c === '\n' && newlines) {
        pos++;
        line++;
      } else break;
    }
  };
  const lexical = (): never => {
    const word = /^[^ \t\n]*/.exec(text.slice(pos, pos + 40))![0];
    if (/^[+\-.():]/.test(word) || /^[0-9][0-9a-fx]*[.]/.test(word))
      err(
        `lexical error near '${word}': numbers in xl.cfg are whole and not negative (010 is octal, 0x10 hex); write "${word}" as a string where the key takes one`,
      );
    return err(`lexical error near '${word}'`);
  };
  const quoted = (): string => {
    const q = text[pos]!;
    let s = '';
    pos++;
    for (;;) {
      if (pos >= text.length || text[pos] === '\n') err('string not closed before the end of the line');
      const c = text[pos++]!;
      if (c === q) return s;
      if (c !== '\\') {
        s += c;
        continue;
      }
      const e = text[pos++];
      if (e !== undefined && e in ESCAPES) s += ESCAPES[e];
      else if (e === 'x' && /^[0-9a-fA-F]{2}/.test(text.slice(pos, pos + 2))) {
        s += String.fromCharCode(parseInt(text.slice(pos, pos + 2), 16));
        pos += 2;
      } else if (e !== undefined && /[0-7]/.test(e)) {
        const digits = e + /^[0-7]{0,2}/.exec(text.slice(pos, pos + 2))![0];
        pos += digits.length - 1;
        s += String.fromCharCode(parseInt(digits, 8));
      } else err(`invalid character after backslash in quoted string: '\\${e ?? ''}'`);
    }
  };
  const value = (): { v: CfgValue; text?: string } => {
    const c = text[pos];
    if (c === '"' || c === "'") return { v: quoted() };
    if (c === '[') {
      const opened = line;
      pos++;
      const list: CfgValue[] = [];
      skip(true);
      while (text[pos] !== ']') {
        if (pos >= text.length) err('list opened here is not closed with ]', opened);
        list.push(value().v);
        skip(true);
        if (text[pos] === ',') {
          pos++;
          skip(true);
        } else if (text[pos] !== ']') {
          if (pos >= text.length) err('list opened here is not closed with ]', opened);
          err(`expected , or ] in list, found ${describe(text[pos])}`);
        }
      }
      pos++;
      return { v: list };
    }
    const num = /^[0-9][0-9a-fx]*/.exec(text.slice(pos, pos + 64));
    if (num) {
      pos += num[0].length;
      if (/^[.A-Za-z_]/.test(text[pos] ?? '')) {
        pos -= num[0].length;
        lexical();
      }
      // libxlu keeps the token as text; strtol reads it when a number is wanted. One that strtol does
      // not read whole (08, 1x) stays text, and is refused as a number then.
      const n = strtol0(num[0]);
      return n === null ? { v: num[0] } : { v: n, text: num[0] };
    }
    if (c === undefined || c === '\n' || c === ';')
      err(`expected a value (a "string", a number or a [list]), found ${describe(c)}`);
    return lexical();
  };
  for (;;) {
    skip(false);
    if (pos >= text.length) break;
    const c = text[pos]!;
    if (c === '\n') {
      pos++;
      line++;
      continue;
    }
    if (c === ';') {
      pos++;
      continue;
    }
    const km = /^[a-z][._0-9a-z]*/.exec(text.slice(pos, pos + 200));
    if (!km) {
      if (c === '=') err(`expected a key, found '='`);
      if (/[A-Z_]/.test(c))
        err(
          `'${/^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(pos))![0]}' is not a key: keys are lower case ([a-z][._0-9a-z]*)`,
        );
      lexical();
    }
    const key = km![0];
    const keyLine = line;
    pos += key.length;
    skip(false);
    let add = false;
    if (text.startsWith('+=', pos)) {
      add = true;
      pos += 2;
    } else if (text[pos] === '=') pos++;
    else err(`expected = or += after '${key}'`);
    skip(false);
    const { v, text: token } = value();
    skip(false);
    if (pos < text.length && text[pos] !== '\n' && text[pos] !== ';')
      err(
        `unexpected ${describe(text[pos])} after the value of '${key}' (one value a statement; ; or a new line ends it)`,
      );
    const prev = out.get(key);
    let entry: CfgEntry = { value: v, line: keyLine, ...(token !== undefined ? { text: token } : {}) };
    if (add) entry = { ...appended(prev, entry, key, err), added: true };
    else if (prev)
      warn(`${file}:${keyLine}: warning: '${key}' is set again (the value of line ${prev.line} is replaced)`);
    // The newest setting is the one read, as libxlu's find() returns the most recent.
    out.delete(key);
    out.set(key, entry);
  }
  return out;
}

/** `key += value`: the earlier string with this one after it, or the earlier list with these items after. */
function appended(prev: CfgEntry | undefined, e: CfgEntry, key: string, err: (r: string) => never): CfgEntry {
  if (!prev) return e;
  const a = prev.value;
  const b = e.value;
  if (Array.isArray(a) !== Array.isArray(b)) err(`can't add [list] to "string" or vice versa (${key})`);
  if (Array.isArray(a) && Array.isArray(b)) return { value: [...a, ...b], line: e.line };
  return { value: `${prev.text ?? String(a)}${e.text ?? String(b)}`, line: e.line };
}

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the file';
  if (c === '\n') return 'the end of the line';
  return `'${c}'`;
}
