// Pieces of the console without ink: the key table and `help keys`, key decoding, the line editor, the
// frame fix for ink's incremental writer, and the dashboard's data.

import { describe, expect, it } from 'vitest';
import { KEYS } from '../../src/commands/keys.js';
import { dashboardData, familyTree, parseXentop } from '../../src/tui/dashboard-data.js';
import { fixFrame } from '../../src/tui/inkview.js';
import { actionOf, splitText } from '../../src/tui/keymap.js';
import * as edit from '../../src/tui/lineedit.js';
import { ConsoleModel } from '../../src/tui/model.js';
import { makeShell, ok } from '../helpers.js';

describe('keys', () => {
  it('help keys prints the key table the console binds', () => {
    const r = ok(makeShell(), 'help keys');
    for (const k of KEYS) expect(r.text).toContain(k.keys.join(', '));
    // Every description starts in the same column, however long its list of keys.
    const starts = new Set(
      KEYS.map((k) => {
        const line = r.text.split('\n').find((l) => l.startsWith(`  ${k.keys.join(', ')} `) && l.endsWith(k.does))!;
        return line.length - k.does.length;
      }),
    );
    expect(starts.size).toBe(1);
    expect(actionOf('PgDn')).toBe('scroll-down');
    expect(actionOf('Alt+Down')).toBe('select-next');
    expect(actionOf('Shift+Tab')).toBe('focus-next');
    expect(actionOf('Alt+3')).toBe('focus-3');
    expect(actionOf('Ctrl+O')).toBe('toggle-folds');
    expect(actionOf('Alt+Up')).toBe('select-prev');
    expect(actionOf('Ctrl+D')).toBe('delete-char-or-exit');
  });

  it('a fast chunk splits into the keys it holds', () => {
    expect(splitText('fork web 4\r')).toEqual([
      { kind: 'text', text: 'fork web 4' },
      { kind: 'key', name: 'Enter' },
    ]);
    expect(splitText('\x15fo\t\x7f')).toEqual([
      { kind: 'key', name: 'Ctrl+U' },
      { kind: 'text', text: 'fo' },
      { kind: 'key', name: 'Tab' },
      { kind: 'key', name: 'Backspace' },
    ]);
  });
});

describe('line editor', () => {
  it('edits, kills words and walks history with a draft', () => {
    let l = edit.insert(edit.EMPTY, 'touch web.2 heap');
    l = edit.killWord(l);
    expect(l.text).toBe('touch web.2 ');
    l = edit.historyPrev(l, ['a', 'b']);
    expect(l.text).toBe('b');
    l = edit.historyPrev(l, ['a', 'b']);
    expect(l.text).toBe('a');
    l = edit.historyNext(edit.historyNext(l, ['a', 'b']), ['a', 'b']);
    expect(l.text).toBe('touch web.2 ');
  });

  it('completion inserts one candidate with a space, several by their common prefix', () => {
    const l = edit.insert(edit.EMPTY, 'fork w');
    expect(edit.applyCompletion(l, { word: 'w', candidates: ['web'] }).line.text).toBe('fork web ');
    expect(edit.applyCompletion(l, { word: 'w', candidates: ['web', 'web.1'] }).line.text).toBe('fork web');
    const r = edit.applyCompletion(edit.insert(edit.EMPTY, 'fork web'), { word: 'web', candidates: ['web', 'web.1'] });
    expect(r.choices).toEqual(['web', 'web.1']);
  });
});

describe("ink's incremental frames", () => {
  it('the first cursor-up of a frame gains the line ink misses; other writes pass unchanged', () => {
    expect(fixFrame('\x1b[2A\x1b[E\x1b[1GB\x1b[K\n\x1b[E')).toBe('\x1b[3A\x1b[E\x1b[1GB\x1b[K\n\x1b[E');
    expect(fixFrame('\x1b[?25l\x1b[1B\x1b[1G\x1b[2A\x1b[E\x1b[1GX')).toBe(
      '\x1b[?25l\x1b[1B\x1b[1G\x1b[3A\x1b[E\x1b[1GX',
    );
    expect(fixFrame('\x1b[2K\x1b[1Ahello')).toBe('\x1b[2K\x1b[1Ahello');
    expect(fixFrame('plain text')).toBe('plain text');
  });
});

describe('dashboard data', () => {
  it("reads xentop's table from the top command and the families from the tree", () => {
    const m = new ConsoleModel(makeShell());
    m.setLine(edit.insert(edit.EMPTY, 'fork web 2'));
    m.submit();
    const d = dashboardData(m, 3, 10);
    expect(d.table.headers.slice(0, 2)).toEqual(['NAME', 'STATE']);
    expect(d.table.rows.map((r) => r[0])).toContain('web.2');
    expect(d.rss.titles).toEqual(['web', 'web.1', 'web.2']);
    expect(d.memory.x.length).toBeGreaterThanOrEqual(2);
    expect(d.log.filter((l) => / forked /.test(l))).toHaveLength(2);
    expect(Object.keys(d.tree.children!)[0]).toMatch(/^web \(1\)/);
    const web = Object.values(d.tree.children!)[0]!;
    expect(Object.keys(web.children!)).toEqual([
      expect.stringMatching(/^web\.1 \(4\)/),
      expect.stringMatching(/^web\.2 \(5\)/),
    ]);
    expect(familyTree([]).children).toEqual({});
  });

  it('fits the families in the box it is given, counting the pVMs left out', () => {
    const m = new ConsoleModel(makeShell());
    m.setLine(edit.insert(edit.EMPTY, 'fork web 4'));
    m.submit();
    const rows = m.snapshot.rows;
    // Domain-0, web, web.1 and the count of the other five (web.2-web.4, redis, dns).
    const t = familyTree(rows, 4);
    expect(Object.keys(t.children!)).toEqual([expect.stringMatching(/^web \(1\)/), '… 5 more']);
    expect(Object.keys(Object.values(t.children!)[0]!.children!)).toEqual([expect.stringMatching(/^web\.1 \(4\)/)]);
    expect(Object.keys(familyTree(rows, 8).children!)).not.toContain(expect.stringMatching(/more/));
  });

  it('parses a batch screen: summary lines, then the header and rows', () => {
    const t = parseXentop(
      'xentop - 0:00:00\n2 domains\n      NAME  STATE CPU(sec)\n  Domain-0 -----r        0\n       web --b---        0\n',
    )!;
    expect(t.headers).toEqual(['NAME', 'STATE', 'CPU(sec)']);
    expect(t.rows).toEqual([
      ['Domain-0', '-----r', '0'],
      ['web', '--b---', '0'],
    ]);
    expect(parseXentop('no table here')).toBeNull();
  });
});
