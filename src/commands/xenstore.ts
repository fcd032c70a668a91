// XenStore's own tools on a host whose toolstack is "xs" (tools/xs-clients/xenstore_client.c): xenstore-ls
// prints the tree as do_ls does (one space of indent per level, `name = "value"`, lines cut to 80 columns
// as when stdout is not a terminal, -f whole paths uncut, -p permissions), xenstore-read prints values,
// xenstore-write writes as Domain-0 does (and costs what xenstored does for it).

import { fail } from '../engine/errors.js';
import { checkPath, type XsStore } from '../engine/xs/store.js';
import { permText } from '../engine/xs/subsystem.js';
import { flag, many, maybe } from './args.js';
import { text as textArg, word } from './kinds.js';
import { command, type AnyCommand } from './types.js';

const MAX_WIDTH = 80;
const DESIRED_WIDTH = 60;
const TAG = ' = "..."';

/** sanitise_value: printable ASCII as is, the rest escaped. */
function sanitise(v: string): string {
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    if (c >= 0x20 && c <= 0x7e && ch !== '\\') out += ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\\') out += '\\\\';
    else out += c < 8 ? `\\${c.toString(8).padStart(3, '0')}` : `\\x${(c & 0xff).toString(16).padStart(2, '0')}`;
  }
  return out;
}

interface LsOptions {
  flat: boolean;
  perms: boolean;
}

/** do_ls: the children of `path`, depth first, each line as xenstore-ls prints it. */
function ls(s: XsStore, path: string, depth: number, o: LsOptions, out: string[]): void {
  const node = s.nodes.get(path)!;
  const width = o.flat ? Number.MAX_SAFE_INTEGER : MAX_WIDTH;
  for (const name of node.children) {
    const full = path === '/' ? `/${name}` : `${path}/${name}`;
    const child = s.nodes.get(full)!;
    let line = o.flat ? full : ' '.repeat(depth) + name.slice(0, Math.max(0, width - TAG.length - depth));
    const val = sanitise(child.value);
    if (width < line.length + val.length + TAG.length) {
      line += ` = "${val.slice(0, Math.max(0, width - TAG.length - line.length))}\\..."`;
    } else {
      line += ` = "${val}"`;
      if (o.perms) {
        line += ' ';
        for (let w = line.length; w < Math.min(DESIRED_WIDTH, width); w++) line += w & 1 ? '.' : ' ';
      }
    }
    if (o.perms) line += `  (${permText(child.perms)})`;
    out.push(line);
    ls(s, full, depth + 1, o, out);
  }
}

function storePath(p: string): string {
  checkPath(p);
  return p;
}

const xenstoreLs = command({
  name: 'xenstore-ls',
  family: 'inspect',
  summary: 'List the XenStore tree under a path, as xenstore-ls does (toolstack "xs")',
  args: { path: maybe(word, 'path') },
  options: {
    flat: flag('whole paths, lines not cut', 'f'),
    prefix: flag('each node with its permissions', 'p'),
  },
  help: 'Example: xenstore-ls /local/domain/1. On a host with toolstack = "xs" (examples/hosts/xenstore.cfg).',
  run(ctx, a, o) {
    const s = ctx.hv.xs.require('xenstore-ls');
    const path = storePath(a.path ?? '/');
    if (!s.nodes.has(path)) fail('ENOENT', `xs_directory (${path}): No such file or directory`);
    const lines: string[] = [];
    ls(s, path, 0, { flat: o.flat, perms: o.prefix }, lines);
    const under = [...s.nodes.keys()].filter((p) => p !== path && (path === '/' || p.startsWith(`${path}/`)));
    return {
      text: lines.join('\n'),
      data: {
        path,
        nodes: under.map((p) => ({ path: p, value: s.nodes.get(p)!.value, perms: permText(s.nodes.get(p)!.perms) })),
      },
    };
  },
});

const xenstoreRead = command({
  name: 'xenstore-read',
  family: 'inspect',
  summary: 'Read XenStore values, as xenstore-read does (toolstack "xs")',
  args: { paths: many(word, { label: 'path' }) },
  options: { prefix: flag('each value after its path', 'p') },
  run(ctx, a, o) {
    const s = ctx.hv.xs.require('xenstore-read');
    const values = a.paths.map((p) => {
      const n = s.nodes.get(storePath(p));
      if (!n) fail('ENOENT', `couldn't read path ${p}`);
      return { path: p, value: n.value };
    });
    return {
      text: values.map((v) => `${o.prefix ? `${v.path}: ` : ''}${sanitise(v.value)}`).join('\n'),
      data: { values },
    };
  },
});

const xenstoreWrite = command({
  name: 'xenstore-write',
  family: 'inspect',
  summary: 'Write XenStore values as Domain-0, as xenstore-write does (toolstack "xs"; watches fire)',
  usage: '<path> <value> [<path> <value>...]',
  args: { pairs: many(textArg, { label: 'path value' }) },
  run(ctx, a) {
    const xs = ctx.hv.xs;
    xs.require('xenstore-write');
    if (a.pairs.length % 2 !== 0)
      fail('EUSAGE', `'${a.pairs[a.pairs.length - 1]}' has no value (give path value pairs)`);
    const pairs: [string, string][] = [];
    for (let i = 0; i < a.pairs.length; i += 2) pairs.push([storePath(a.pairs[i]!), a.pairs[i + 1]!]);
    for (const [p] of pairs) if (p === '/' || p.startsWith('@')) fail('EINVAL', `could not write path ${p}`);
    const latencyUs = xs.writeAsDom0(pairs);
    return {
      text: '',
      data: { written: pairs.map(([path, value]) => ({ path, value })) },
      latencyUs,
    };
  },
});

export const XENSTORE: AnyCommand[] = [xenstoreLs, xenstoreRead, xenstoreWrite];
