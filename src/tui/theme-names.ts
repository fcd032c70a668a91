// The console's themes by name, apart from their colours so the command line can check --theme without
// loading anything of the console.

export const THEMES = ['dark', 'light', 'contrast'] as const;
export type ThemeName = (typeof THEMES)[number];

export function isTheme(s: string): s is ThemeName {
  return (THEMES as readonly string[]).includes(s);
}
