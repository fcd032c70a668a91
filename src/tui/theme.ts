// The console's colours by what they mean, for three rooms: `dark` (a dark terminal), `light` (a light
// terminal or a washed-out projector: no yellow, no dim grey on white) and `contrast` (a projector at the
// back of a room: bright, bold, nothing dim). Every meaning also has a glyph or a word — █ shared and ░
// private, › selected, ◷ blocked, ✗ error — so nothing is carried by colour alone, and NO_COLOR
// (chalk.level 0) keeps every meaning.

import chalk from 'chalk';
import type { ThemeName } from './theme-names.js';

export { isTheme, THEMES, type ThemeName } from './theme-names.js';

export type Paint = (s: string) => string;

/** What a colour means on screen. */
export interface Theme {
  name: ThemeName;
  /** The product's name in the header. */
  brand: Paint;
  /** A panel's title. */
  title: Paint;
  /** The focused panel's title. */
  focus: Paint;
  /** Secondary text: column heads, notes, keys. */
  dim: Paint;
  bold: Paint;
  /** Running, ok, new. */
  ok: Paint;
  /** Paused, blocked, waiting, a full ring. */
  warn: Paint;
  /** Errors, zombies. */
  bad: Paint;
  /** Events, narration frames. */
  event: Paint;
  /** Modeled times, libraries. */
  info: Paint;
  /** Pages mapped more than once (the █ part of a bar). */
  shared: Paint;
  /** Pages mapped once (the ░ part of a bar). */
  private: Paint;
  /** The selected pVM's name. */
  selected: Paint;
  /** The prompt. */
  prompt: Paint;
  /** `say` narration. */
  say: Paint;
  /** Rules between panes. */
  rule: Paint;
}

const themes: Record<ThemeName, () => Theme> = {
  dark: () => ({
    name: 'dark',
    brand: (s) => chalk.bold.cyan(s),
    title: (s) => chalk.bold.underline(s),
    focus: (s) => chalk.bold.inverse(s),
    dim: (s) => chalk.dim(s),
    bold: (s) => chalk.bold(s),
    ok: (s) => chalk.green(s),
    warn: (s) => chalk.yellow(s),
    bad: (s) => chalk.red(s),
    event: (s) => chalk.magenta(s),
    info: (s) => chalk.cyan(s),
    shared: (s) => chalk.green(s),
    private: (s) => chalk.yellow(s),
    selected: (s) => chalk.bold.bgBlue.whiteBright(s),
    prompt: (s) => chalk.bold.green(s),
    say: (s) => chalk.bold.yellow(s),
    rule: (s) => chalk.dim(s),
  }),
  light: () => ({
    name: 'light',
    brand: (s) => chalk.bold.blue(s),
    title: (s) => chalk.bold.underline(s),
    focus: (s) => chalk.bold.inverse(s),
    dim: (s) => chalk.blackBright(s),
    bold: (s) => chalk.bold(s),
    ok: (s) => chalk.green(s),
    warn: (s) => chalk.magenta(s),
    bad: (s) => chalk.red(s),
    event: (s) => chalk.magenta(s),
    info: (s) => chalk.blue(s),
    shared: (s) => chalk.green(s),
    private: (s) => chalk.magenta(s),
    selected: (s) => chalk.bold.bgCyan.black(s),
    prompt: (s) => chalk.bold.blue(s),
    say: (s) => chalk.bold.blue(s),
    rule: (s) => chalk.blackBright(s),
  }),
  contrast: () => ({
    name: 'contrast',
    brand: (s) => chalk.bold.cyanBright(s),
    title: (s) => chalk.bold.underline.whiteBright(s),
    focus: (s) => chalk.bold.inverse.whiteBright(s),
    dim: (s) => chalk.white(s),
    bold: (s) => chalk.bold.whiteBright(s),
    ok: (s) => chalk.bold.greenBright(s),
    warn: (s) => chalk.bold.yellowBright(s),
    bad: (s) => chalk.bold.redBright(s),
    event: (s) => chalk.bold.magentaBright(s),
    info: (s) => chalk.bold.cyanBright(s),
    shared: (s) => chalk.bold.greenBright(s),
    private: (s) => chalk.bold.yellowBright(s),
    selected: (s) => chalk.bold.bgWhite.black(s),
    prompt: (s) => chalk.bold.greenBright(s),
    say: (s) => chalk.bold.yellowBright(s),
    rule: (s) => chalk.white(s),
  }),
};

let current: Theme = themes.dark();

/** The theme the console draws with. */
export function theme(): Theme {
  return current;
}

export function setTheme(name: ThemeName): void {
  current = themes[name]();
}

/** Changes whenever what a paint produces changes (theme or colour level): a key for cached lines. */
export function styleKey(): string {
  return `${current.name}:${chalk.level}`;
}
