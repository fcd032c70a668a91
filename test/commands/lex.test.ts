import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLine } from '../../src/commands/lex.js';
import { findCommand } from '../../src/commands/table.js';

describe('the line language', () => {
  it('splits on ; outside quotes, drops # comments, keeps quoted words whole', () => {
    expect(splitLine('fork web 4; list # all of them').map((c) => c.words)).toEqual([['fork', 'web', '4'], ['list']]);
    expect(splitLine(`echo "a; b" 'c # d' e\\;f`).map((c) => c.words)).toEqual([['echo', 'a; b', 'c # d', 'e;f']]);
    expect(splitLine('say "he said \\"hi\\""')[0]!.words).toEqual(['say', 'he said "hi"']);
    expect(splitLine('  ;; # nothing')).toEqual([]);
    expect(splitLine('echo ""')[0]!.words).toEqual(['echo', '']);
    expect(() => splitLine('echo "open')).toThrow('unclosed double quote');
  });

  it('a line without quotes, escapes, ; or # splits as the general scanner splits it (property)', () => {
    // A trailing ';' sends the same command through the general scanner; a plain line takes the fast path.
    const line = fc
      .array(fc.constantFrom('a', 'b', '1', '-', '.', ' ', '\t', '\r', '\n', '\u00a0', 'é'), { maxLength: 30 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(line, (l) => {
        expect(splitLine(l)).toEqual(splitLine(`${l};`));
      }),
    );
  });

  it('accepts unambiguous prefixes, as xl does', () => {
    expect(findCommand('fo').name).toBe('fork');
    expect(findCommand('unp').name).toBe('unpause');
    expect(findCommand('quit').name).toBe('exit');
    expect(() => findCommand('p')).toThrow("'p' is ambiguous");
    expect(() => findCommand('frk')).toThrow("unknown command 'frk' (did you mean 'fork'?)");
  });
});
