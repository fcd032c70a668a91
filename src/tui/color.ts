// Colour policy of the console and the dashboard: NO_COLOR (https://no-color.org: present and not
// empty) or --no-color gives no colour and no styling at all. Ink styles text through chalk, so
// setting chalk's level to 0 turns off every escape code ink would add for colour, bold or inverse.

import chalk from 'chalk';

/** True when the user asked for no colour. */
export function noColorWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag === false || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** Apply the policy to chalk (and so to ink); returns whether colour is on. */
export function applyColorPolicy(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorWanted(flag, env)) chalk.level = 0;
  return chalk.level > 0;
}
