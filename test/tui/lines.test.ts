// Prebuilt panel lines (line.ts) and the asciicast recorder (record.ts).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionOf } from '../../src/tui/keymap.js';
import { LineBuilder, narrow, titleLine } from '../../src/tui/line.js';
import { Recorder } from '../../src/tui/record.js';

// eslint-disable-next-line no-control-regex -- stripping escape codes is the point
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('panel lines', () => {
  it('count one cell per glyph, cut what does not fit with …, and never guess a width', () => {
    const l = new LineBuilder(12)
      .add('├─ web.1 ')
      .add('██████████', (s) => `\x1b[32m${s}\x1b[39m`)
      .done();
    expect(l.width).toBe(12);
    expect(plain(l.text)).toBe('├─ web.1 ██…');
    // A glyph of unknown width (CJK, emoji) becomes '?', so the width stays exact.
    expect(narrow('a日b😀')).toBe('a?b?');
    expect(new LineBuilder(20).add('日本').done()).toEqual({ text: '??', width: 2 });
    const t = titleLine('pVMs: 7 in 3 families', 'PgUp/PgDn', 40);
    expect(t.width).toBe(40);
    expect(plain(t.text)).toMatch(/^pVMs: 7 in 3 families +PgUp\/PgDn$/);
  });

  it('play keys are bound only while playing, the question keys only while play asks', () => {
    expect(actionOf('Enter')).toBe('submit');
    expect(actionOf('Enter', 'playing')).toBe('play-next');
    expect(actionOf('b', 'playing')).toBe('play-back');
    expect(actionOf('q')).toBeUndefined();
    expect(actionOf('q', 'playing')).toBe('play-stop');
    expect(actionOf('PgDn', 'playing')).toBe('scroll-down');
    expect(actionOf('Alt+Down', 'playing')).toBe('select-next');
    expect(actionOf('Escape')).toBe('focus-output');
    expect(actionOf('Escape', 'playing')).toBe('play-stop');
    expect(actionOf('y', 'offer')).toBe('offer-reset');
    expect(actionOf('Enter', 'offer')).toBe('offer-reset');
    expect(actionOf('n', 'offer')).toBe('offer-keep');
    expect(actionOf('PgDn', 'offer')).toBeUndefined();
    expect(actionOf('Ctrl+C')).toBe('clear-line');
  });
});

describe('asciicast recorder', () => {
  it('writes a v2 header, then output and resize events with times from the start', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kylinx-cast-')), 's.cast');
    let now = 1000;
    const r = new Recorder(path, 120, 40, { SHELL: '/bin/zsh', TERM: 'xterm' }, () => now);
    now += 250;
    r.output('kylinx> fork web 4\r\n');
    now += 1000;
    r.resize(80, 24);
    r.output(new TextEncoder().encode('é'));
    r.close();
    r.output('after close is dropped');
    const [head, ...events] = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(head).toMatchObject({ version: 2, width: 120, height: 40, env: { SHELL: '/bin/zsh', TERM: 'xterm' } });
    expect(events).toEqual([
      [0.25, 'o', 'kylinx> fork web 4\r\n'],
      [1.25, 'r', '80x24'],
      [1.25, 'o', 'é'],
    ]);
  });
});
