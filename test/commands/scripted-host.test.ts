// The scripted modes' host: narration framed when stdout is a terminal, a plain line in a pipe, data in
// --json; errors on their own stream; handoffs run (a long run whole, top in batch) or are refused.

import { describe, expect, it } from 'vitest';
import { scriptedHost } from '../../src/commands/scripted-host.js';
import { makeShell } from '../helpers.js';

function session(o: { json?: boolean; tty?: boolean }, text: string) {
  const out: string[] = [];
  const err: string[] = [];
  const sh = makeShell();
  sh.useHost(
    scriptedHost({ json: o.json ?? false, tty: o.tty ?? false, out: (s) => out.push(s), err: (s) => err.push(s) }),
  );
  const s = sh.run(text, { stopOnError: false });
  return { out: out.join(''), err: err.join(''), summary: s, sh };
}

describe('scripted host', () => {
  it('say is a framed banner when stdout is a terminal', () => {
    const r = session({ tty: true }, 'say Watch web fork; echo plain');
    expect(r.out).toBe(
      ['╔══════════════════╗', '║ Watch web fork   ║', '╚══════════════════╝', 'plain', ''].join('\n'),
    );
  });

  it('a long narration wraps inside the frame, at most 76 columns wide', () => {
    const words = 'the web appliance is running and we fork it four times as a process forks'.repeat(2);
    const lines = session({ tty: true }, `say ${words}`).out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect([...l].length).toBe(76);
    expect(lines.slice(1, -1).every((l) => l.startsWith('║ ') && l.endsWith(' ║'))).toBe(true);
  });

  it('say is a plain line in a pipe, and data in --json', () => {
    expect(session({}, 'say Watch web fork').out).toBe('Watch web fork\n');
    const j = JSON.parse(session({ json: true, tty: true }, 'say Watch web fork').out) as Record<string, unknown>;
    expect(j).toEqual({ command: 'say', ok: true, data: { say: 'Watch web fork' } });
  });

  it('errors go to err as one line; the other commands run on', () => {
    const r = session({}, 'fork wbe; echo after');
    expect(r.err).toBe("fork: no pVM named 'wbe' (did you mean 'web'?)\n");
    expect(r.out).toBe('after\n');
    expect(r.summary.failures).toBe(1);
  });

  it('handoffs: a long run runs whole, top without -b prints batch, clock and play are refused', () => {
    const r = session({}, 'run 2min; top; clock on; play demo.kx');
    expect(r.out).toMatch(/^ran 2 min of virtual time/);
    // One uninterrupted run: latency percentiles are there.
    expect(r.out).toMatch(/Median +p99/);
    expect(r.out).toMatch(/^ {6}NAME {2}STATE /m);
    expect(r.sh.hv.nowNs).toBe(120e9);
    expect(r.err).toBe(
      [
        'clock: needs the console (kylinx-sh in a terminal); in scripts use run <duration>',
        'play: needs the console (kylinx-sh in a terminal); without it use kylinx-sh --step FILE',
        '',
      ].join('\n'),
    );
  });
});
