// Commands for a lesson: `reset` boots the host again (the start-up host, or a host file), so a lesson
// starts from a known state after improvising; `animate` sets how the console plays mechanisms (fork's
// steps, update's stages) in virtual time. `reset` works in every mode; `animate` is the console's to
// carry out (a handoff), and elsewhere says that nothing animates there and changes nothing.

import { hostFromCfg } from '../engine/config.js';
import { parseCfg } from '../engine/image.js';
import { bootHost } from '../engine/index.js';
import { maybe, option } from './args.js';
import { badArg, file, type Kind } from './kinds.js';
import { plural } from './format.js';
import { command, type AnyCommand } from './types.js';

/** Slow-down factors `animate` accepts: wall time per modeled time. */
export const ANIMATE_MIN_FACTOR = 1;
export const ANIMATE_MAX_FACTOR = 100_000;
/** The console's factor for `animate on`: 1 ms of modeled time plays in half a second. */
export const ANIMATE_DEFAULT_FACTOR = 500;

const reset = command({
  name: 'reset',
  family: 'session',
  summary: 'Boot the host again: the start-up host (--host), or the host file given; everything else is gone',
  args: {},
  options: { host: option(file, 'boot this host file instead of the start-up host') },
  help: 'For lessons: after improvising, reset gives the state a script was written for (play offers it). The seed, the images and the libraries stay; save FILE first to keep the state.',
  run(ctx, _a, o) {
    const host = o.host === undefined ? undefined : hostFromCfg(parseCfg(ctx.io.readText(o.host), o.host), o.host);
    const hv = ctx.newEngine(host);
    bootHost(hv, ctx.images);
    const booted = [...hv.pvms()].map((d) => d.name);
    ctx.replaceEngine(hv);
    return {
      text: `reset: booted host '${hv.host.name}'${o.host ? ` from ${o.host}` : ''} again: ${plural(booted.length, 'pVM')} (${booted.join(', ') || 'none'}), t=0`,
      data: { host: hv.host.name, file: o.host ?? null, pvms: booted },
    };
  },
});

/** `animate on|off|<factor>`: a factor such as 500 or 500x. */
const setting: Kind<'on' | 'off' | number> = {
  kind: 'word',
  choices: ['on', 'off'],
  parse(w) {
    if (w === 'on' || w === 'off') return w;
    const m = /^([0-9]+(?:\.[0-9]+)?)x?$/.exec(w);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= ANIMATE_MIN_FACTOR && v <= ANIMATE_MAX_FACTOR))
      badArg(
        `expected on, off or a slow-down factor from ${ANIMATE_MIN_FACTOR} to ${ANIMATE_MAX_FACTOR} (wall time per modeled time, e.g. 500: 1 ms plays in 0.5 s), not '${w}'`,
      );
    return v;
  },
};

const animate = command({
  name: 'animate',
  family: 'session',
  summary: "Console: play mechanisms (fork's steps, update's stages) in virtual time: on, off, or a slow-down factor",
  usage: '[on|off|<factor>]',
  args: { set: maybe(setting, 'on|off|factor') },
  help: `animate 500 (the default of animate on) plays 1 ms of modeled time in 0.5 s; any key skips to the end. Animations only draw: the engine has finished the command before one starts, so the state and the output are the same with animate off. Scripts never animate.`,
  run(_ctx, a) {
    return {
      effect: { kind: 'animation', set: a.set ?? null },
      otherwise: () => {
        if (a.set === undefined)
          return { text: 'animations: off (only the console animates)', data: { animate: 'off' } };
        if (a.set === 'on' || typeof a.set === 'number')
          return {
            text: 'animate: nothing to animate here (only the console animates); the command changes nothing',
            data: { animate: 'off' },
          };
        return { text: 'animations: off', data: { animate: 'off' } };
      },
    };
  },
});

export const CLASSROOM: AnyCommand[] = [reset, animate];
