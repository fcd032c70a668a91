import { describe, expect, it } from 'vitest';
import { hostFromCfg, imageFromCfg } from '../../src/engine/config.js';
import { parseCfg } from '../../src/engine/image.js';
import { IMAGES } from '../helpers.js';

const img = (text: string) => imageFromCfg(parseCfg(text, 'x.cfg'), 'x.cfg', 'x');

describe('xl.cfg parser', () => {
  it('reads strings, numbers, lists across lines and comments', () => {
    const c = parseCfg('a = "s" # c\nb=4\n\nl = [ "x",\n  "y", 3 ]\nq = \'single\'\nh = 0x10;\n', 'f');
    expect([...c].map(([k, e]) => [k, e.value, e.line])).toEqual([
      ['a', 's', 1],
      ['b', 4, 2],
      ['l', ['x', 'y', 3], 4],
      ['q', 'single', 6],
      ['h', 16, 7],
    ]);
  });

  it('reports file, line and reason', () => {
    const bad: [string, string][] = [
      ['a = "open\n', 'x.cfg:1: string not closed before the end of the line'],
      ['a = 1\nb = [1, 2\n', 'x.cfg:2: list opened here is not closed with ]'],
      ['a = 1\n= 3\n', "x.cfg:2: expected a key, found '='"],
      ['a 3\n', "x.cfg:1: expected = or += after 'a'"],
      ['a = 1 2\n', "x.cfg:1: unexpected '2' after the value of 'a'"],
      ['a = @\n', "x.cfg:1: lexical error near '@'"],
      ['a = -5\n', "x.cfg:1: lexical error near '-5': numbers in xl.cfg are whole and not negative"],
      ['a = 1.5\n', "x.cfg:1: lexical error near '1.5'"],
      ['Memory = 8\n', "x.cfg:1: 'Memory' is not a key: keys are lower case"],
      ['a = "x\\q"\n', "x.cfg:1: invalid character after backslash in quoted string: '\\q'"],
      ['a = "s"\na += [1]\n', 'x.cfg:2: can\'t add [list] to "string" or vice versa (a)'],
    ];
    for (const [text, msg] of bad) expect(() => parseCfg(text, 'x.cfg'), text).toThrow(msg);
  });
});

describe('xl.cfg as libxlu reads it', () => {
  it('numbers as strtol(s, 0): 010 is 8, 0x10 is 16; a quoted number is a number where one is wanted', () => {
    const i = img('memory = "8"\ntext_kb = 0x100\nvcpus = 01\nmaxvcpus = 010\n');
    expect([i.memory, i.text_kb, i.vcpus, i.raw.maxvcpus]).toEqual([8, 256, 1, 8]);
    // A number token where a string is wanted is the text as written.
    expect(img('memory = 8\ntext_kb = 64\ndescription = 010\n').description).toBe('010');
    expect(() => img('memory = 8\ntext_kb = 64\nvcpus = 09\n')).toThrow('x.cfg:3: vcpus is not a valid number: "09"');
  });

  it("decodes string escapes, joins statements with ';', appends with +=, and the later key wins with a warning", () => {
    const warnings: string[] = [];
    const c = parseCfg(
      'a = "t\\tq\\"\\\\ \\x41\\101\\n"; b = \'it\\\'s\'\nl = ["x"]\nl += ["y", ]\ns = "ab"\ns += "cd"\na = "again"\n',
      'f.cfg',
      (w) => warnings.push(w),
    );
    expect(c.get('b')!.value).toBe("it's");
    expect(c.get('l')!.value).toEqual(['x', 'y']);
    expect(c.get('s')!.value).toBe('abcd');
    expect(c.get('a')!.value).toBe('again');
    expect(warnings).toEqual(["f.cfg:6: warning: 'a' is set again (the value of line 1 is replaced)"]);
    expect(parseCfg('a = "t\\tq\\"\\\\ \\x41\\101\\n"', 'f').get('a')!.value).toBe('t\tq"\\ AA\n');
    // += on a number is refused where the number is read, as libxlu does.
    expect(() => img('memory = 8\ntext_kb = 64\nvcpus += 1\n')).toThrow("vcpus can't use += with numbers");
  });
});

describe('images', () => {
  it('ships web, redis, dns, daytime and empty with the sizes of the issue', () => {
    const mem = Object.fromEntries([...IMAGES].map(([n, i]) => [n, i.memory]));
    expect(mem).toMatchObject({ web: 8, redis: 6, dns: 4, daytime: 2, empty: 2 });
    for (const i of IMAGES.values()) {
      expect(i.stack_kb).toBe(64);
      expect(i.text_kb + i.data_kb + i.bss_kb + i.stack_kb + i.heap_kb).toBe(i.memory * 1024);
    }
  });

  it('defaults heap to the rest and refuses a heap larger than memory', () => {
    expect(img('memory = 2\ntext_kb = 256\n').heap_kb).toBe(2048 - 256 - 64);
    expect(() => img('memory = 2\ntext_kb = 256\nheap_kb = 4096\n')).toThrow(
      'x.cfg:3: heap_kb 4096 is more than memory leaves (1728 KiB after text, data, bss and stack)',
    );
    expect(() => img('memory = 1\ntext_kb = 2048\n')).toThrow(
      'x.cfg:1: text, data, bss and stack (2112 KiB) do not fit in memory (1024 KiB)',
    );
    expect(() => img('memory = 8\ntext_kb = 6\n')).toThrow('x.cfg:2: text_kb must be a multiple of 4');
    expect(() => img('memory = 8\ntext_kb = 8\nmemroy = 3\n')).toThrow(
      "x.cfg:3: unknown key 'memroy' (did you mean 'memory'?)",
    );
    expect(() => img('text_kb = 8\n')).toThrow('x.cfg: memory is missing');
  });

  it('host.cfg keys are checked too', () => {
    const h = (t: string) => hostFromCfg(parseCfg(t, 'h.cfg'), 'h.cfg');
    expect(h('pcpus = 2\n').pcpus).toBe(2);
    expect(() => h('toolstack = "xl"\n')).toThrow('h.cfg:1: toolstack must be one of "noxs", "xs", not "xl"');
    expect(() => h('memory = 512\ndom0_mem = 1024\n')).toThrow(
      'h.cfg:2: dom0_mem (1024 MiB) must be less than memory (512 MiB)',
    );
    expect(() => h('boot = "web"\n')).toThrow('h.cfg:1: boot must be a [list]');
  });
});
