// Bad files through the built binary, as a user meets them: image files (every error path of the xl.cfg
// parser and of image validation) with --images DIR, host files with --host FILE, library manifests,
// signatures and trust keys in DIR/lib and DIR/trust, and hand-edited --state files. Each is one line on
// stderr naming the file (and the line where there is one), exit status 1, and no file is written.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'kylinx-sh.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kx-files-'));
  dirs.push(d);
  return d;
}

/** A copy of the shipped images directory. */
function imagesCopy(): string {
  const d = scratch();
  cpSync(join(ROOT, 'images'), d, { recursive: true });
  return d;
}

function kx(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Run and expect exit 1 with exactly one stderr line, `kylinx-sh: <message>`; returns the message. */
function refused(args: string[]): string {
  const r = kx(args);
  expect(r.code, r.err).toBe(1);
  const lines = r.err.trimEnd().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^kylinx-sh: /);
  return lines[0]!.slice('kylinx-sh: '.length);
}

// Each: [what, the file's text, the expected "line: reason" after the file name].
const IMAGE_ERRORS: [string, string, string][] = [
  [
    'a string not closed on its line',
    'memory = 8\ntext_kb = 64\ndescription = "web\n',
    '3: string not closed before the end of the line',
  ],
  [
    'a string not closed at the end',
    'memory = 8\ntext_kb = 64\ndescription = "web',
    '3: string not closed before the end of the line',
  ],
  [
    'a list not closed',
    'memory = 8\ntext_kb = 64\nlibraries = ["libm@1.16",\n',
    '3: list opened here is not closed with ]',
  ],
  [
    'a list without commas',
    'memory = 8\ntext_kb = 64\nlibraries = ["a" "b"]\n',
    "3: expected , or ] in list, found '\"'",
  ],
  [
    'no value',
    'memory =\ntext_kb = 64\n',
    '1: expected a value (a "string", a number or a [list]), found the end of the line',
  ],
  ['no key', '= 8\n', "1: expected a key, found '='"],
  ['no =', 'memory 8\n', "1: expected = or += after 'memory'"],
  [
    'junk after a value',
    'memory = 8 MiB\n',
    "1: unexpected 'M' after the value of 'memory' (one value a statement; ; or a new line ends it)",
  ],
  [
    'a negative number',
    'memory = 8\ntext_kb = 64\nvcpus = -2\n',
    `3: lexical error near '-2': numbers in xl.cfg are whole and not negative (010 is octal, 0x10 hex); write "-2" as a string where the key takes one`,
  ],
  ['an octal digit past 7', 'memory = 08\ntext_kb = 64\n', '1: memory is not a valid number: "08"'],
  [
    'an unknown key, with a suggestion',
    'memory = 8\ntext_kb = 64\nvcpu = 2\n',
    "3: unknown key 'vcpu' (did you mean 'vcpus'?)",
  ],
  ['a string where a number goes', 'memory = "eight"\ntext_kb = 64\n', '1: memory is not a valid number: "eight"'],
  [
    'a fraction where a whole number goes',
    'memory = 8.5\ntext_kb = 64\n',
    `1: lexical error near '8.5': numbers in xl.cfg are whole and not negative (010 is octal, 0x10 hex); write "8.5" as a string where the key takes one`,
  ],
  ['below the minimum', 'memory = 0\ntext_kb = 64\n', '1: memory must be at least 1, not 0'],
  ['above the maximum', 'memory = 8\ntext_kb = 64\nvcpus = 129\n', '3: vcpus must be at most 128, not 129'],
  [
    'not one of the choices',
    'memory = 8\ntext_kb = 64\nlib_loader = "everyone"\n',
    '3: lib_loader must be one of "self", "app", "any", not "everyone"',
  ],
  ['a list where a string goes', 'memory = 8\ntext_kb = 64\nworkload = ["http"]\n', '3: workload must be a "string"'],
  ['a number where a list goes', 'memory = 8\ntext_kb = 64\nlibraries = 3\n', '3: libraries must be a [list]'],
  [
    'an uncatchable signal handled',
    'memory = 8\ntext_kb = 64\nsig_handlers = ["SIGKILL"]\n',
    '3: sig_handlers names SIGKILL, which can be neither caught nor ignored',
  ],
  ['not whole pages', 'memory = 8\ntext_kb = 66\n', '2: text_kb must be a multiple of 4 (whole pages), not 66'],
  [
    'segments larger than memory',
    'memory = 1\ntext_kb = 1024\ndata_kb = 64\n',
    '1: text, data, bss and stack (1152 KiB) do not fit in memory (1024 KiB)',
  ],
  [
    'a heap larger than what is left',
    'memory = 1\ntext_kb = 64\nheap_kb = 1024\n',
    '3: heap_kb 1024 is more than memory leaves (896 KiB after text, data, bss and stack)',
  ],
  [
    'a bad image name',
    'name = "9lives"\nmemory = 8\ntext_kb = 64\n',
    "1: image name '9lives' must start with a letter and hold letters, digits, - or _",
  ],
];

describe('image files (--images DIR): file, line and reason, exit 1', () => {
  for (const [what, text, expected] of IMAGE_ERRORS) {
    it(what, () => {
      const dir = imagesCopy();
      writeFileSync(join(dir, 'bad.cfg'), text);
      expect(refused(['--images', dir, '-c', 'list'])).toBe(`${join(dir, 'bad.cfg')}:${expected}`);
    });
  }

  it('a missing required key names the file', () => {
    const dir = imagesCopy();
    writeFileSync(join(dir, 'bad.cfg'), 'memory = 8\n');
    expect(refused(['--images', dir, '-c', 'list'])).toBe(`${join(dir, 'bad.cfg')}: text_kb is missing`);
  });

  it('two files with one image name, an empty file, a directory that is not there', () => {
    const dir = imagesCopy();
    writeFileSync(join(dir, 'web2.cfg'), readFileSync(join(dir, 'web.cfg'), 'utf8').replace(/^# /, 'name = "web"\n# '));
    expect(refused(['--images', dir, '-c', 'list'])).toBe(
      `${join(dir, 'web2.cfg')}: image name 'web' is used by another file too`,
    );
    const d2 = imagesCopy();
    writeFileSync(join(d2, 'empty2.cfg'), '');
    expect(refused(['--images', d2, '-c', 'list'])).toBe(`${join(d2, 'empty2.cfg')}: memory is missing`);
    expect(refused(['--images', join(d2, 'nosuch'), '-c', 'list'])).toBe(
      `${join(d2, 'nosuch')}: no such images directory`,
    );
  });

  it('library restrictions are checked when the image is read, with their line', () => {
    const dir = imagesCopy();
    writeFileSync(join(dir, 'odd.cfg'), 'memory = 2\ntext_kb = 64\nlib_versions = ["libm >>1"]\n');
    expect(refused(['--images', dir, '-c', 'list'])).toBe(
      `${join(dir, 'odd.cfg')}:3: lib_versions is wrong: '>>1' is not a version comparator (examples: >=1.16, <2, =1.2.13)`,
    );
    writeFileSync(join(dir, 'odd.cfg'), 'memory = 2\ntext_kb = 64\n\nlib_versions = [7]\n');
    expect(refused(['--images', dir, '-c', 'list'])).toBe(
      `${join(dir, 'odd.cfg')}:4: lib_versions must list strings like "libm >=1.16 <2"`,
    );
  });
});

describe('host files (--host FILE)', () => {
  const HOST_ERRORS: [string, string, string][] = [
    ['an unknown key', 'memroy = 8192\n', "1: unknown key 'memroy' (did you mean 'memory'?)"],
    [
      'Domain-0 taking all memory',
      'memory = 1024\ndom0_mem = 1024\n',
      '2: dom0_mem (1024 MiB) must be less than memory (1024 MiB)',
    ],
    ['a boot list of numbers', 'boot = [1, 2]\n', '1: boot must be a list of image names'],
    ['no pCPUs', 'pcpus = 0\n', '1: pcpus must be at least 1, not 0'],
    [
      'too many domains for the simulator',
      'max_domains = 1048576\n',
      '1: max_domains must be at most 131072, not 1048576',
    ],
    [
      'a toolstack that does not exist',
      'toolstack = "libvirt"\n',
      '1: toolstack must be one of "noxs", "xs", not "libvirt"',
    ],
    ['event channels past the 2-level ABI', 'evtchn_ports = 4097\n', '1: evtchn_ports must be at most 4096, not 4097'],
  ];
  for (const [what, text, expected] of HOST_ERRORS) {
    it(what, () => {
      const file = join(scratch(), 'h.cfg');
      writeFileSync(file, text);
      expect(refused(['--host', file, '-c', 'info'])).toBe(`${file}:${expected}`);
    });
  }

  it('a boot list naming an image that is not there, a missing file, a directory', () => {
    const d = scratch();
    writeFileSync(join(d, 'h.cfg'), 'boot = ["web", "nginx"]\n');
    expect(refused(['--host', join(d, 'h.cfg'), '-c', 'info'])).toBe(
      "host boot list names image 'nginx', which is not in the images directory",
    );
    expect(refused(['--host', join(d, 'nosuch.cfg'), '-c', 'info'])).toBe(`${join(d, 'nosuch.cfg')}: no such file`);
    expect(refused(['--host', d, '-c', 'info'])).toBe(`${d}: is a directory, not a file`);
  });
});

describe('library manifests, signatures and trust keys (DIR/lib, DIR/trust)', () => {
  it('a manifest that is not JSON names the file and where it breaks', () => {
    const dir = imagesCopy();
    writeFileSync(join(dir, 'lib', 'libz-2.0.json'), '{"name": "libz",\n "version": 2.0\n');
    expect(refused(['--images', dir, '-c', 'list'])).toMatch(
      new RegExp(`^${esc(join(dir, 'lib', 'libz-2.0.json'))}: not JSON \\(.+\\)$`),
    );
  });

  it('a manifest with a bad field names the file and the field', () => {
    const dir = imagesCopy();
    const f = join(dir, 'lib', 'libz-2.0.json');
    writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), text_kb: 5 }));
    expect(refused(['--images', dir, '-c', 'list'])).toBe(
      `${f}: 'text_kb' must be a whole number of pages in KiB (a multiple of 4)`,
    );
    writeFileSync(
      f,
      JSON.stringify({
        ...JSON.parse(readFileSync(join(ROOT, 'images', 'lib', 'libz-2.0.json'), 'utf8')),
        backdoor: true,
      }),
    );
    expect(refused(['--images', dir, '-c', 'list'])).toBe(`${f}: unknown field 'backdoor'`);
  });

  it('a manifest under another library’s file name is refused', () => {
    const dir = imagesCopy();
    cpSync(join(dir, 'lib', 'libz-2.0.json'), join(dir, 'lib', 'libm-9.0.json'));
    expect(refused(['--images', dir, '-c', 'list'])).toBe(
      `${join(dir, 'lib', 'libm-9.0.json')}: holds libz 2.0, so it must be named libz-2.0.json`,
    );
  });

  it('a malformed trust key names the file', () => {
    const dir = imagesCopy();
    writeFileSync(
      join(dir, 'trust', 'demo-signer.pem'),
      '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n',
    );
    expect(refused(['--images', dir, '-c', 'list'])).toMatch(
      new RegExp(`^${esc(join(dir, 'trust', 'demo-signer.pem'))}: not a public key in PEM`),
    );
  });

  it('a missing or malformed .sig does not stop the host: the library is refused when asked for, with the reason', () => {
    const dir = imagesCopy();
    rmSync(join(dir, 'lib', 'libz-2.0.json.sig'));
    writeFileSync(join(dir, 'lib', 'libz-1.2.13.json.sig'), '{oops');
    const r = kx([
      '--images',
      dir,
      '--keep-going',
      '-c',
      'verify libz@2.0; verify libz@1.2.13; create daytime; link daytime libz@2.0',
    ]);
    expect(r.code).toBe(1);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('unsigned');
    expect(lines[1]).toContain('the .sig file is not JSON');
    expect(lines[2]).toContain(
      "refused libz 2.0 by rule 'signature': no detached signature (.sig) beside the manifest; nothing was mapped",
    );
  });
});

/** The parts of a state document the hand edits below touch (the rest is carried as it is). */
interface StateDoc {
  chunks: { ids: number[] };
  frames: { nextFresh: number };
  subsystems: {
    sched: { params: { tsliceMs: number; ratelimitUs: number } };
    dl: { masters: { manifest: { functions: unknown[] } }[] };
  };
}

describe('hand-edited --state files: one line, exit 1, the file is not overwritten', () => {
  it('each of the edits that used to crash or hang the process', () => {
    const d = scratch();
    const s = join(d, 's.json');
    expect(kx(['--state', s, '-c', 'fork web 2; touch web.1 heap 2']).code).toBe(0);
    const good = readFileSync(s, 'utf8');
    const edits: [(doc: StateDoc) => void, RegExp][] = [
      [(doc) => (doc.chunks.ids[1] = 1e9), /chunk id 1000000000 is not one of/],
      [(doc) => (doc.frames.nextFresh = 1e9), /1000000000 frames handed out/],
      [(doc) => (doc.subsystems.sched.params.tsliceMs = -1), /the time slice -1 ms is outside 1-1000/],
      [
        (doc) => doc.subsystems.dl.masters[0]!.manifest.functions.push({ name: 'backdoor', sig: 'void(void)' }),
        /a state may hold only what a signature covers/,
      ],
    ];
    for (const [edit, why] of edits) {
      const doc = JSON.parse(good) as StateDoc;
      edit(doc);
      const text = JSON.stringify(doc);
      writeFileSync(s, text);
      const msg = refused(['--state', s, '-c', 'run 10ms; list']);
      expect(msg.startsWith(`${s}: `), msg).toBe(true);
      expect(msg).toMatch(why);
      expect(readFileSync(s, 'utf8')).toBe(text);
    }
    expect(readdirSync(d)).toEqual(['s.json']);
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
