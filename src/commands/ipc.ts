// IpC commands (KylinX Table 2): pipe, write, read, close; ftok, msgget, msgsnd, msgrcv; shmget, shmat,
// shmdt. Each names the calling pVM (or the pipe, which names its writer and reader) and reports the
// modeled latency; a call that must wait leaves its pVM blocked (state b) and says on what.

import type { Engine } from '../engine/index.js';
import { ftok, hexKey, parseKey } from '../engine/ipc/keys.js';
import { msgget, msgrcv, msgsnd, queueById, MSGMAX } from '../engine/ipc/msg.js';
import { close as closePipe, write as writePipe } from '../engine/ipc/calls.js';
import { createPipe, parseEnd, pipeById, readPipe, RING_MAX } from '../engine/ipc/pipe.js';
import { fail } from '../engine/errors.js';
import { parseSize, segmentById, shmat, shmdt, shmget } from '../engine/ipc/shm.js';
import { quote, utf8 } from '../engine/ipc/vchan.js';
import { intArg, pvmArg } from './args.js';
import { latency, plural } from './format.js';
import type { CommandSpec, Result } from './types.js';

/** The most one write carries (RING_MAX): a blocked writer's rest is held, and moved, in the model. */
const WRITE_MAX = RING_MAX;

const firstContactNote = (first: boolean): string =>
  first ? ' (first contact: trust verified, channel and page set up)' : '';

function nameOf(hv: Engine, domid: number): string {
  return hv.domains.get(domid)?.name ?? `domain ${domid}`;
}

// ---- pipes ---------------------------------------------------------------------------------------

const pipe: CommandSpec = {
  name: 'pipe',
  family: 'ipc',
  summary: 'Open a pipe from a writer pVM to a reader pVM (a vchan ring in granted pages)',
  args: [
    { name: 'writer', kind: 'pvm' },
    { name: 'reader', kind: 'pvm' },
  ],
  options: [
    { name: 'ring', value: 'int', summary: 'ring size in bytes, a power of two from 1024 (default) to 1048576' },
  ],
  help: 'Both pVMs must be of one family. Prints the pipe number that write, read and close take (3 or pipe:3).',
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const w = pvmArg(hv, a.pos.writer!);
    const r = pvmArg(hv, a.pos.reader!);
    const ring = typeof a.opts.ring === 'string' ? intArg(a.opts.ring, 'ring size', 1, 1 << 30) : undefined;
    const c = createPipe(hv, ipc, w, r, ring);
    const p = c.pipe;
    return {
      text: `pipe ${p.id}: ${w.name} -> ${r.name}, ${p.ring.size}-byte ring in ${plural(p.refs.length, 'page')} granted by ${r.name}${firstContactNote(c.firstContact)}; modeled ${latency(c.latencyUs)}`,
      data: {
        pipe: p.id,
        writer: w.name,
        reader: r.name,
        ring_bytes: p.ring.size,
        grant_refs: p.refs,
        first_contact: c.firstContact,
      },
      latencyUs: c.latencyUs,
    };
  },
};

const write: CommandSpec = {
  name: 'write',
  family: 'ipc',
  summary: "The pipe's writer writes data; a full ring blocks it until the reader drains it",
  args: [
    { name: 'pipe', kind: 'pipe' },
    { name: 'data', kind: 'text' },
  ],
  options: [
    {
      name: 'repeat',
      value: 'int',
      summary: 'write the data this many times over (write 1 x --repeat 5000 writes 5000 bytes)',
    },
  ],
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = pipeById(ipc, a.pos.pipe!);
    const times = typeof a.opts.repeat === 'string' ? intArg(a.opts.repeat, '--repeat', 1, 1 << 20) : 1;
    // Checked before the data is built: a long text repeated would otherwise pass V8's string limit.
    const total = utf8(a.pos.data!).length * times;
    if (total > WRITE_MAX)
      fail(
        'EINVAL',
        `a write carries at most ${WRITE_MAX} bytes (1 MiB, the largest ring), not ${total}; write in parts`,
      );
    const text = a.pos.data!.repeat(times);
    const bytes = utf8(text);
    const w = writePipe(hv, ipc, p, bytes);
    const writer = nameOf(hv, p.writer);
    const base = {
      pipe: p.id,
      writer,
      reader: nameOf(hv, p.reader),
      bytes: bytes.length,
      written: w.written,
      blocked: w.blocked,
      ring_used: p.ring.ready(),
      ring_bytes: p.ring.size,
    };
    if (w.raised) {
      return {
        text: `write on pipe ${p.id}: EPIPE, its reader is gone; SIGPIPE terminated ${writer} (status 141)`,
        data: { ...base, errno: 'EPIPE', signal: 'SIGPIPE', terminated: true },
        latencyUs: w.latencyUs,
      };
    }
    const text2 = w.blocked
      ? `${writer} wrote ${w.written} of ${plural(bytes.length, 'byte')} to pipe ${p.id}; the ring is full: ${writer} blocks in write on pipe ${p.id} (state b) until ${base.reader} reads`
      : `${writer} wrote ${plural(bytes.length, 'byte')} to pipe ${p.id} (${p.ring.ready()}/${p.ring.size} in the ring${p.ring.ready() < bytes.length ? `; ${base.reader} was waiting and took ${bytes.length - p.ring.ready()}` : ''})`;
    return { text: text2, data: base, latencyUs: w.latencyUs };
  },
};

const read: CommandSpec = {
  name: 'read',
  family: 'ipc',
  summary: "The pipe's reader reads up to n bytes (default: all ready); an empty ring blocks it",
  args: [
    { name: 'pipe', kind: 'pipe' },
    { name: 'n', kind: 'int', optional: true },
  ],
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = pipeById(ipc, a.pos.pipe!);
    const n = a.pos.n === undefined ? undefined : intArg(a.pos.n, 'read size', 1, 1 << 30);
    const r = readPipe(hv, ipc, p, n);
    const reader = nameOf(hv, p.reader);
    const writer = nameOf(hv, p.writer);
    let text: string;
    if (r.eof) text = `${reader}: read on pipe ${p.id} returned EOF (${writer} closed the write end)`;
    else if (r.blocked)
      text = `${reader} blocks in read on pipe ${p.id} (state b): the ring is empty until ${writer} writes`;
    else text = `${reader} read ${plural(r.data.length, 'byte')} from pipe ${p.id}: ${quote(r.data)}`;
    const data = new TextDecoder().decode(r.data);
    return {
      text,
      data: {
        pipe: p.id,
        reader,
        bytes: r.data.length,
        data,
        eof: r.eof,
        blocked: r.blocked,
        woke_writer: r.wokeWriter,
        ring_used: p.ring.ready(),
      },
      latencyUs: r.latencyUs,
    };
  },
};

const close: CommandSpec = {
  name: 'close',
  family: 'ipc',
  summary: "Close a pipe's read or write end (its holder closes it)",
  args: [
    { name: 'pipe', kind: 'pipe' },
    { name: 'end', kind: 'word' },
  ],
  help: 'close 3 write: the reader drains what is left, then reads EOF. close 3 read: the writer gets EPIPE and SIGPIPE.',
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = pipeById(ipc, a.pos.pipe!);
    const end = parseEnd(a.pos.end!);
    const holder = nameOf(hv, end === 'write' ? p.writer : p.reader);
    const c = closePipe(hv, ipc, p, end);
    return {
      text: `${holder} closed the ${end} end of pipe ${p.id}${c.removed ? '; both ends are closed, the pipe is gone' : ''}`,
      data: { pipe: p.id, end, by: holder, removed: c.removed },
      latencyUs: c.latencyUs,
    };
  },
};

// ---- message queues ------------------------------------------------------------------------------

const ftokCmd: CommandSpec = {
  name: 'ftok',
  family: 'ipc',
  summary: 'Make a System V IPC key from a path and a project id (ftok(3))',
  args: [
    { name: 'path', kind: 'word' },
    { name: 'projid', kind: 'int' },
  ],
  help: "Linux's formula (projid in the top byte) with a hash of the path standing for its inode: pVMs share no file system.",
  run(_ctx, a) {
    const projid = intArg(a.pos.projid!, 'projid', -(2 ** 31), 2 ** 31 - 1);
    const key = ftok(a.pos.path!, projid);
    return {
      text: `ftok("${a.pos.path}", ${projid}) = ${hexKey(key)}`,
      data: { key, hex: hexKey(key), path: a.pos.path, projid },
    };
  },
};

const msggetCmd: CommandSpec = {
  name: 'msgget',
  family: 'ipc',
  summary: "Get (or create) the message queue with a key in the pVM's family",
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'key', kind: 'word' },
  ],
  options: [
    { name: 'create', summary: 'IPC_CREAT: create the queue if the family has none with this key' },
    { name: 'excl', summary: 'IPC_EXCL: with --create, fail with EEXIST if it exists' },
  ],
  run(ctx, a) {
    const hv = ctx.hv;
    const d = pvmArg(hv, a.pos.pvm!);
    const key = parseKey(a.pos.key!);
    const g = msgget(hv, hv.ipc, d, { key, create: a.opts.create === true, excl: a.opts.excl === true });
    const q = g.queue;
    return {
      text: `${d.name}: msqid ${q.id} (key ${hexKey(key)}${g.created ? ', created' : ''}; ${q.messages.length} messages, ${q.cbytes}/${q.qbytes} bytes)`,
      data: { msqid: q.id, key, created: g.created, pvm: d.name },
      latencyUs: g.latencyUs,
    };
  },
};

const msgsndCmd: CommandSpec = {
  name: 'msgsnd',
  family: 'ipc',
  summary: 'Send a message of a type (>= 1) to a queue; a full queue blocks the sender',
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'msqid', kind: 'int' },
    { name: 'type', kind: 'int' },
    { name: 'text', kind: 'text' },
  ],
  options: [{ name: 'nowait', summary: 'IPC_NOWAIT: fail with EAGAIN instead of blocking' }],
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const d = pvmArg(hv, a.pos.pvm!);
    const q = queueById(ipc, intArg(a.pos.msqid!, 'msqid', 0, 2 ** 31 - 1));
    const type = intArg(a.pos.type!, 'message type', -(2 ** 31), 2 ** 31 - 1);
    const bytes = utf8(a.pos.text!);
    const s = msgsnd(hv, ipc, d, q, { type, bytes, nowait: a.opts.nowait === true });
    let text: string;
    if (s.blocked)
      text = `${d.name} blocks in msgsnd on queue ${q.id} (state b): ${q.cbytes}/${q.qbytes} bytes used, no room for ${bytes.length}`;
    else if (s.to)
      text = `${d.name} sent ${plural(bytes.length, 'byte')} (type ${type}) to queue ${q.id}: handed to ${s.to}, which was waiting`;
    else
      text = `${d.name} sent ${plural(bytes.length, 'byte')} (type ${type}) to queue ${q.id} (${q.messages.length} messages, ${q.cbytes}/${q.qbytes} bytes)`;
    return {
      text,
      data: {
        msqid: q.id,
        pvm: d.name,
        type,
        bytes: bytes.length,
        blocked: s.blocked,
        to: s.to,
        messages: q.messages.length,
        qbytes_used: q.cbytes,
      },
      latencyUs: s.latencyUs,
    };
  },
};

const msgrcvCmd: CommandSpec = {
  name: 'msgrcv',
  family: 'ipc',
  summary: 'Receive a message: type 0 any, > 0 that type, < 0 the lowest type <= |type|; none blocks',
  usage: '<pvm> <msqid> [type] [--nowait] [--noerror] [--size n]',
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'msqid', kind: 'int' },
    { name: 'type', kind: 'int', optional: true },
  ],
  options: [
    { name: 'nowait', summary: 'IPC_NOWAIT: fail with ENOMSG instead of blocking' },
    { name: 'noerror', summary: 'MSG_NOERROR: cut a message longer than --size instead of failing with E2BIG' },
    { name: 'size', value: 'int', summary: `the receive buffer in bytes (msgsz; default ${MSGMAX}, MSGMAX)` },
  ],
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const d = pvmArg(hv, a.pos.pvm!);
    const q = queueById(ipc, intArg(a.pos.msqid!, 'msqid', 0, 2 ** 31 - 1));
    const type = a.pos.type === undefined ? 0 : intArg(a.pos.type, 'message type', -(2 ** 31), 2 ** 31 - 1);
    const size = typeof a.opts.size === 'string' ? intArg(a.opts.size, '--size', 0, 2 ** 31 - 1) : MSGMAX;
    const r = msgrcv(hv, ipc, d, q, { type, size, nowait: a.opts.nowait === true, noerror: a.opts.noerror === true });
    const base = { msqid: q.id, pvm: d.name, blocked: r.blocked, woke: r.woke };
    if (!r.message) {
      return {
        text: `${d.name} blocks in msgrcv on queue ${q.id} (state b) until a message ${type === 0 ? '' : type > 0 ? `of type ${type} ` : `of type <= ${-type} `}arrives`,
        data: { ...base, message: null },
        latencyUs: r.latencyUs,
      };
    }
    const m = r.message;
    return {
      text: `${d.name} received type ${m.type}, ${plural(m.bytes, 'byte')}${m.truncated ? ' (cut by --noerror)' : ''} from queue ${q.id}: ${JSON.stringify(m.text)}`,
      data: { ...base, message: m },
      latencyUs: r.latencyUs,
    };
  },
};

// ---- shared memory -------------------------------------------------------------------------------

const shmgetCmd: CommandSpec = {
  name: 'shmget',
  family: 'ipc',
  summary: "Get (or create) the shared memory segment with a key in the pVM's family",
  args: [
    { name: 'pvm', kind: 'pvm' },
    { name: 'key', kind: 'word' },
    { name: 'size', kind: 'word' },
  ],
  options: [
    { name: 'create', summary: 'IPC_CREAT: create the segment if the family has none with this key' },
    { name: 'excl', summary: 'IPC_EXCL: with --create, fail with EEXIST if it exists' },
  ],
  help: 'size in bytes or with K/M (64K, 1M); rounded up to whole pages.',
  run(ctx, a) {
    const hv = ctx.hv;
    const d = pvmArg(hv, a.pos.pvm!);
    const key = parseKey(a.pos.key!);
    const g = shmget(hv, hv.ipc, d, {
      key,
      bytes: parseSize(a.pos.size!),
      create: a.opts.create === true,
      excl: a.opts.excl === true,
    });
    const s = g.segment;
    return {
      text: `${d.name}: shmid ${s.id} (key ${hexKey(key)}, ${s.bytes} bytes in ${plural(s.master.pages, 'page')}${g.created ? ', created' : ''})`,
      data: { shmid: s.id, key, bytes: s.bytes, pages: s.master.pages, created: g.created, pvm: d.name },
      latencyUs: g.latencyUs,
    };
  },
};

function attachCmd(name: 'shmat' | 'shmdt', summary: string): CommandSpec {
  return {
    name,
    family: 'ipc',
    summary,
    args: [
      { name: 'pvm', kind: 'pvm' },
      { name: 'shmid', kind: 'int' },
    ],
    run(ctx, a): Result {
      const hv = ctx.hv;
      const ipc = hv.ipc;
      const d = pvmArg(hv, a.pos.pvm!);
      const s = segmentById(ipc, intArg(a.pos.shmid!, 'shmid', 0, 2 ** 31 - 1));
      if (name === 'shmat') {
        const r = shmat(hv, ipc, d, s);
        return {
          text: `${d.name} attached segment ${s.id} as region shm:${s.id} (${plural(s.master.pages, 'page')} shared writable with ${plural(s.attachers.length - 1, 'other pVM')})${firstContactNote(r.firstContact)}`,
          data: {
            shmid: s.id,
            pvm: d.name,
            region: `shm:${s.id}`,
            pages: s.master.pages,
            attached: s.attachers.length,
            first_contact: r.firstContact,
          },
          latencyUs: r.latencyUs,
        };
      }
      const r = shmdt(hv, ipc, d, s);
      return {
        text: `${d.name} detached segment ${s.id}`,
        data: { shmid: s.id, pvm: d.name, attached: s.attachers.length },
        latencyUs: r.latencyUs,
      };
    },
  };
}

export const IPC_COMMANDS: CommandSpec[] = [
  pipe,
  write,
  read,
  close,
  ftokCmd,
  msggetCmd,
  msgsndCmd,
  msgrcvCmd,
  shmgetCmd,
  attachCmd('shmat', 'Attach a shared memory segment: its frames appear as region shm:<id>, shared writable'),
  attachCmd('shmdt', 'Detach a shared memory segment'),
];
