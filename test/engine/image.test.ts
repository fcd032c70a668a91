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
      ['a 3\n', "x.cfg:1: expected = after 'a'"],
      ['a = 1 2\n', "x.cfg:1: unexpected '2' after the value of 'a'"],
      ['a = 1\na = 2\n', "x.cfg:2: 'a' is set twice (first on line 1)"],
      ['a = @\n', `x.cfg:1: expected a value (a "string", a number or a [list]), found '@'`],
    ];
    for (const [text, msg] of bad) expect(() => parseCfg(text, 'x.cfg'), text).toThrow(msg);
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
    expect(() => img('memory = "8"\ntext_kb = 4\n')).toThrow('x.cfg:1: memory must be a number, not "8"');
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
