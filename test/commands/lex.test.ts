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

  it("finds commands as xl's cmdtable_lookup: xl's prefixes over xl's own table, KylinX's where xl has none", () => {
    // The prefixes xl users type mean what they mean in xl.
    for (const [w, name] of <[string, string][]>[
      ['li', 'list'],
      ['i', 'info'],
      ['to', 'top'],
      ['up', 'uptime'],
      ['un', 'unpause'],
      ['unp', 'unpause'],
      ['vcpu-l', 'vcpu-list'],
      ['dm', 'dmesg'],
    ])
      expect(findCommand(w).name, w).toBe(name);
    // KylinX's own: by name, or a prefix that begins no xl command.
    expect(findCommand('fo').name).toBe('fork');
    expect(findCommand('tre').name).toBe('tree');
    expect(findCommand('quit').name).toBe('exit');
    // t begins xl's top, trigger and tmem-*: ambiguous in xl, so not a command (tree is not reached).
    expect(() => findCommand('t')).toThrow("command not implemented: 't' ('t' begins");
    expect(() => findCommand('p')).toThrow("command not implemented: 'p'");
    expect(() => findCommand('frk')).toThrow("command not implemented: 'frk' (did you mean 'fork'?)");
    expect(() => findCommand('cd-insert')).toThrow("xl's 'cd-insert' is not modelled here");
    try {
      findCommand('frk');
    } catch (e) {
      expect((e as { code: string }).code).toBe('ENOSYS');
    }
  });
});
