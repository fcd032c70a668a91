// A grammar-based generator of random sessions, driven by the command table: for every command it
// picks arguments by their kind (live pVM names, near misses, huge numbers, odd quoting, unicode,
// empty input) and options; a share of lines are raw random bytes. New commands are covered as soon as
// they are in the table. Deterministic for a seed (it uses the engine's Rng, not Math.random).

import { COMMANDS } from '../commands/table.js';
import type { ArgKind } from '../commands/kinds.js';
import type { AnyCommand } from '../commands/types.js';
import type { Engine } from '../engine/index.js';
import type { ImageConfig } from '../engine/image.js';
import { Rng } from '../engine/rng.js';

/** Commands a fuzzer must not run for real: they wait on the wall clock or leave the session. */
const SKIP = new Set(['sleep', 'exit', 'quit']);
/** Commands that are slow by nature (whole benchmarks, whole-state JSON): proposed 10x less often. */
const RARE = new Set(['bench', 'save', 'restore', 'source']);

const INTS = [
  '0',
  '1',
  '2',
  '3',
  '7',
  '-1',
  '255',
  '256',
  '4096',
  '65535',
  '2147483648',
  '9007199254740993',
  '1e3',
  '0x10',
  '',
  'NaN',
  '١٢',
  '3.5',
  '+4',
];
const DURATIONS = ['1ms', '10ms', '250ms', '1s', '2s', '0s', '-1s', '1', 's', '1.5s', '10us', '999999999h'];
const WORDS = [
  '',
  'x',
  'web',
  'héllo',
  '日本',
  '🙂',
  'a;b',
  '"q"',
  "it's",
  '--',
  '-',
  '*',
  '../../etc/passwd',
  'x'.repeat(300),
  '\\',
  'null',
  'pipe:1',
  'pipe:99',
  'libm@1.16',
  'libm.sqrt',
  'libm@9',
];
const SIGNALS = [
  '-KILL',
  '-TERM',
  '-9',
  '-USR1',
  '-USR2',
  '-STOP',
  '-CONT',
  '-CHLD',
  '-PIPE',
  '-HUP',
  '-0',
  '-99',
  '-BOGUS',
  '-SIGINT',
];

export class SessionGenerator {
  private readonly rng: Rng;
  private readonly specs: AnyCommand[];

  constructor(
    seed: number,
    private readonly images: Map<string, ImageConfig>,
  ) {
    this.rng = new Rng(seed);
    this.specs = COMMANDS.filter((c) => !SKIP.has(c.name) && !c.consoleOnly);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)]!;
  }

  private chance(p: number): boolean {
    return this.rng.next() < p;
  }

  /** One line: usually one valid-looking command, sometimes several, sometimes garbage. */
  line(hv: Engine): string {
    const r = this.rng.next();
    if (r < 0.04) return this.bytes();
    if (r < 0.06)
      return this.pick([
        '',
        '   ',
        ';',
        ';;',
        '#',
        '# comment',
        '"',
        "'",
        '"unclosed',
        'fork "web',
        '\t',
        'x'.repeat(5000),
      ]);
    if (r < 0.12) return [this.command(hv), this.command(hv)].join(this.pick(['; ', ';', ' ; ']));
    return this.command(hv) + (this.chance(0.05) ? ' # trailing comment' : '');
  }

  command(hv: Engine): string {
    let spec = this.pick(this.specs);
    if (RARE.has(spec.name) && !this.chance(0.1)) spec = this.pick(this.specs);
    const name = this.chance(0.1) ? spec.name.slice(0, Math.max(1, this.rng.int(spec.name.length + 1))) : spec.name;
    const words: string[] = [name];
    const args = Object.values(spec.args);
    const nargs = args.length + (this.chance(0.15) ? this.rng.int(3) - 1 : 0);
    for (let i = 0; i < nargs; i++) {
      const a = args[Math.min(i, args.length - 1)];
      words.push(this.arg(a?.kind ?? 'word', hv, words));
      if (a?.rest && this.chance(0.3)) words.push(this.arg(a.kind, hv, words));
    }
    for (const [name, o] of Object.entries(spec.options ?? {})) {
      if (!this.chance(0.25)) continue;
      words.push(o.short && this.chance(0.5) ? `-${o.short}` : `--${name}`);
      if (o.kind && this.chance(0.95)) words.push(this.arg(o.kind, hv, words));
    }
    if (this.chance(0.03)) words.push(`--${this.pick(['bogus', 'json', 'x=1'])}`);
    return words.map((w) => this.quote(w)).join(' ');
  }

  private arg(kind: ArgKind, hv: Engine, before: string[]): string {
    if (this.chance(0.06)) return this.pick(WORDS);
    switch (kind) {
      case 'pvm': {
        const names = hv.list().map((d) => d.name);
        const r = this.rng.next();
        if (r < 0.7) return this.pick(names);
        if (r < 0.8) return String(this.pick(hv.list()).domid);
        if (r < 0.9) return this.mutate(this.pick(names));
        return this.pick(['Domain-0', '0', '99999', 'ghost', '']);
      }
      case 'image':
        return this.chance(0.85) ? this.pick([...this.images.keys()]) : this.mutate(this.pick([...this.images.keys()]));
      case 'region': {
        const owner = [...before]
          .reverse()
          .map((w) => hv.list().find((d) => d.name === w))
          .find(Boolean);
        const regions = owner?.regions.map((r) => r.name) ?? [];
        return regions.length > 0 && this.chance(0.85)
          ? this.pick(regions)
          : this.pick(['heap', 'text', 'stack', 'nowhere', 'shm:1', 'lib:libm']);
      }
      case 'int': {
        // Mostly small; sometimes large enough to make a big engine (fork web 2000), sometimes odd.
        const r = this.rng.next();
        if (r < 0.75) return String(this.rng.int(8));
        if (r < 0.85) return String(this.rng.int(100));
        if (r < 0.88) return String(this.rng.int(3000));
        return this.pick(INTS);
      }
      case 'duration':
        return this.pick(DURATIONS);
      case 'signal':
        return this.pick(SIGNALS);
      case 'command':
        return this.chance(0.9) ? this.pick(this.specs).name : this.mutate('fork');
      case 'file':
        return this.pick(['s.json', 'state.json', 'missing.json', 'script.kx', '', '/']);
      case 'pipe':
        return this.pick(['1', '2', 'pipe:1', 'pipe:2', '0', '99', 'pipe:x']);
      case 'lib':
        return this.pick([
          'libm',
          'libm@1.16',
          'libm@1.18',
          'libm@9.9',
          'libz',
          'libm.sqrt',
          'libm.read_global',
          'libm.nope',
        ]);
      default:
        return this.chance(0.5)
          ? this.pick(WORDS)
          : this.pick(['1', 'key=1', 'memory=4', 'hello', '1024', '-w', '256']);
    }
  }

  private mutate(s: string): string {
    if (s.length === 0) return 'x';
    const i = this.rng.int(s.length);
    const r = this.rng.int(3);
    if (r === 0) return s.slice(0, i) + s.slice(i + 1);
    if (r === 1) return s.slice(0, i) + String.fromCharCode(97 + this.rng.int(26)) + s.slice(i);
    return i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s + s[0];
  }

  private quote(w: string): string {
    if (w === '' || /[\s;#"'\\]/.test(w)) return `"${w.replace(/["\\]/g, (m) => `\\${m}`)}"`;
    return this.chance(0.05) ? `'${w}'` : w;
  }

  /** A line of random bytes, decoded as the shell would see it. */
  private bytes(): string {
    const n = this.rng.int(40);
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.rng.next();
      s +=
        r < 0.7
          ? String.fromCharCode(32 + this.rng.int(95))
          : r < 0.9
            ? String.fromCharCode(this.rng.int(32))
            : String.fromCodePoint(0x80 + this.rng.int(0x2ff00));
    }
    return s.replace(/\n/g, ' ');
  }
}
