// IpC commands (KylinX Table 2): pipe, write, read, close; ftok, msgget, msgsnd, msgrcv; shmget, shmat,
// shmdt. Each names the calling pVM (or the pipe, which names its writer and reader) and reports the
// modeled latency; a call that must wait leaves its pVM blocked (state b) and says on what.

import type { Engine } from '../engine/index.js';
import { ftok, hexKey } from '../engine/ipc/keys.js';
import { msgget, msgrcv, msgsnd, queueById, MSGMAX } from '../engine/ipc/msg.js';
import { close as closePipe, write as writePipe } from '../engine/ipc/calls.js';
import { createPipe, type End, parseEnd, readPipe, RING_MAX } from '../engine/ipc/pipe.js';
import { fail } from '../engine/errors.js';
import { segmentById, shmat, shmdt, shmget } from '../engine/ipc/shm.js';
import { nameOf as ipcName } from '../engine/ipc/state.js';
import { quote, utf8 } from '../engine/ipc/vchan.js';
import { flag, maybe, one, option } from './args.js';
import { formOf, int, ipcKey, type Kind, pipe as pipeArg, pvm, size, text, word } from './kinds.js';
import { latency, plural } from './format.js';
import { command, type AnyCommand } from './types.js';

/** The most one write carries (RING_MAX): a blocked writer's rest is held, and moved, in the model. */
const WRITE_MAX = RING_MAX;

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** A pipe's end: read or write (r, reader, in; w, writer, out). */
const pipeEnd: Kind<End> = { kind: 'choice', choices: ['read', 'write'], parse: (w) => formOf(() => parseEnd(w)) };

const firstContactNote = (first: boolean): string =>
  first ? ' (first contact: trust verified, channel and page set up)' : '';

function nameOf(hv: Engine, domid: number): string {
  return ipcName(hv.domains, hv.ipc, domid);
}

// ---- pipes ---------------------------------------------------------------------------------------

const pipe = command({
  name: 'pipe',
  family: 'ipc',
  summary: 'Open a pipe from a writer pVM to a reader pVM (a vchan ring in granted pages)',
  args: { writer: one(pvm), reader: one(pvm) },
  options: {
    ring: option(int(1, 1 << 30, 'ring size'), 'ring size in bytes, a power of two from 1024 (default) to 1048576'),
  },
  help: 'Both pVMs must be of one family. Prints the pipe number that write, read and close take (3 or pipe:3).',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const w = a.writer;
    const r = a.reader;
    const c = createPipe(hv, ipc, w, r, o.ring);
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
});

const write = command({
  name: 'write',
  family: 'ipc',
  summary: "The pipe's writer writes data; a full ring blocks it until the reader drains it",
  help: [
    'A write blocked on a full ring whose reader then closes returns the bytes it wrote so far (EPIPE if',
    'none) once SIGPIPE has not ended the writer (sig_ignore or sig_handlers), as pipe(7). Stricter than',
    'Linux on purpose: one write carries at most 1 MiB (the largest ring), and a write to a pipe whose',
    'reader is gone with SIGPIPE caught or ignored fails without running the handler.',
  ].join('\n'),
  args: { pipe: one(pipeArg), data: one(text) },
  options: {
    repeat: option(int(1, 1 << 20), 'write the data this many times over (write 1 x --repeat 5000 writes 5000 bytes)'),
  },
  run(ctx, a, o) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = a.pipe;
    const times = o.repeat ?? 1;
    // Checked before the data is built: a long text repeated would otherwise pass V8's string limit.
    const total = utf8(a.data).length * times;
    if (total > WRITE_MAX)
      fail(
        'EINVAL',
        `a write carries at most ${WRITE_MAX} bytes (1 MiB, the largest ring), not ${total}; write in parts`,
      );
    const text = a.data.repeat(times);
    const bytes = utf8(text);
    // Named before the write: a writer SIGPIPE ends is reaped at once, and the pipe may go with it.
    const writer = nameOf(hv, p.writer);
    const reader = nameOf(hv, p.reader);
    const w = writePipe(hv, ipc, p, bytes);
    const base = {
      pipe: p.id,
      writer,
      reader,
      bytes: bytes.length,
      written: w.written,
      blocked: w.blocked,
      ring_used: p.ring.ready(),
      ring_bytes: p.ring.size,
    };
    if (w.raised) {
      return {
        text: `write on pipe ${p.id}: EPIPE, its reader is gone; SIGPIPE terminated ${writer} (killed by SIGPIPE)`,
        data: { ...base, errno: 'EPIPE', signal: 'SIGPIPE', terminated: true },
        latencyUs: w.latencyUs,
      };
    }
    const text2 = w.blocked
      ? `${writer} wrote ${w.written} of ${plural(bytes.length, 'byte')} to pipe ${p.id}; the ring is full: ${writer} blocks in write on pipe ${p.id} (state b) until ${base.reader} reads`
      : `${writer} wrote ${plural(bytes.length, 'byte')} to pipe ${p.id} (${p.ring.ready()}/${p.ring.size} in the ring${p.ring.ready() < bytes.length ? `; ${base.reader} was waiting and took ${bytes.length - p.ring.ready()}` : ''})`;
    return { text: text2, data: base, latencyUs: w.latencyUs };
  },
});

const read = command({
  name: 'read',
  family: 'ipc',
  summary: "The pipe's reader reads up to n bytes (default: all ready); an empty ring blocks it",
  args: { pipe: one(pipeArg), n: maybe(int(0, 1 << 30, 'read size')) },
  help: 'read 1 0 returns 0 bytes at once, as read(2) of 0 bytes does. A stopped or paused reader takes what was written only when it runs again.',
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = a.pipe;
    const r = readPipe(hv, ipc, p, a.n);
    const reader = nameOf(hv, p.reader);
    const writer = nameOf(hv, p.writer);
    let text: string;
    if (r.eof) text = `${reader}: read on pipe ${p.id} returned EOF (${writer} closed the write end)`;
    else if (a.n === 0) text = `${reader} read 0 bytes from pipe ${p.id} (a read of 0 bytes returns at once)`;
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
});

const close = command({
  name: 'close',
  family: 'ipc',
  summary: "Close a pipe's read or write end (its holder closes it)",
  args: { pipe: one(pipeArg), end: one(pipeEnd) },
  help: 'close 3 write: the reader drains what is left, then reads EOF. close 3 read: the writer gets EPIPE and SIGPIPE.',
  run(ctx, a) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const p = a.pipe;
    const end = a.end;
    const holder = nameOf(hv, end === 'write' ? p.writer : p.reader);
    const c = closePipe(hv, ipc, p, end);
    return {
      text: `${holder} closed the ${end} end of pipe ${p.id}${c.removed ? '; both ends are closed, the pipe is gone' : ''}`,
      data: { pipe: p.id, end, by: holder, removed: c.removed },
      latencyUs: c.latencyUs,
    };
  },
});

// ---- message queues ------------------------------------------------------------------------------

const ftokCmd = command({
  name: 'ftok',
  family: 'ipc',
  summary: 'Make a System V IPC key from a path and a project id (ftok(3))',
  args: { path: one(word), projid: one(int(INT32_MIN, INT32_MAX)) },
  help: "Linux's formula (projid in the top byte) with a hash of the path standing for its inode: pVMs share no file system.",
  run(_ctx, a) {
    const projid = a.projid;
    const key = ftok(a.path, projid);
    return {
      text: `ftok("${a.path}", ${projid}) = ${hexKey(key)}`,
      data: { key, hex: hexKey(key), path: a.path, projid },
    };
  },
});

const msggetCmd = command({
  name: 'msgget',
  family: 'ipc',
  summary: "Get (or create) the message queue with a key in the pVM's family",
  args: { pvm: one(pvm), key: one(ipcKey) },
  options: {
    create: flag('IPC_CREAT: create the queue if the family has none with this key'),
    excl: flag('IPC_EXCL: with --create, fail with EEXIST if it exists'),
  },
  run(ctx, a, o) {
    const hv = ctx.hv;
    const d = a.pvm;
    const key = a.key;
    const g = msgget(hv, hv.ipc, d, { key, create: o.create, excl: o.excl });
    const q = g.queue;
    return {
      text: `${d.name}: msqid ${q.id} (key ${hexKey(key)}${g.created ? ', created' : ''}; ${q.messages.length} messages, ${q.cbytes}/${q.qbytes} bytes)`,
      data: { msqid: q.id, key, created: g.created, pvm: d.name },
      latencyUs: g.latencyUs,
    };
  },
});

const msgsndCmd = command({
  name: 'msgsnd',
  family: 'ipc',
  summary: 'Send a message of a type (>= 1) to a queue; a full queue blocks the sender',
  args: {
    pvm: one(pvm),
    msqid: one(int(0, INT32_MAX)),
    type: one(int(INT32_MIN, INT32_MAX, 'message type')),
    text: one(text),
  },
  options: { nowait: flag('IPC_NOWAIT: fail with EAGAIN instead of blocking') },
  run(ctx, a, o) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const d = a.pvm;
    const q = queueById(ipc, a.msqid);
    const type = a.type;
    const bytes = utf8(a.text);
    const s = msgsnd(hv, ipc, d, q, { type, bytes, nowait: o.nowait });
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
});

const msgrcvCmd = command({
  name: 'msgrcv',
  family: 'ipc',
  summary: 'Receive a message: type 0 any, > 0 that type, < 0 the lowest type <= |type|; none blocks',
  usage: '<pvm> <msqid> [type] [--nowait] [--noerror] [--size n]',
  args: { pvm: one(pvm), msqid: one(int(0, INT32_MAX)), type: maybe(int(INT32_MIN, INT32_MAX, 'message type')) },
  options: {
    nowait: flag('IPC_NOWAIT: fail with ENOMSG instead of blocking'),
    noerror: flag('MSG_NOERROR: cut a message longer than --size instead of failing with E2BIG'),
    size: option(int(0, INT32_MAX), `the receive buffer in bytes (msgsz; default ${MSGMAX}, MSGMAX)`),
  },
  run(ctx, a, o) {
    const hv = ctx.hv;
    const ipc = hv.ipc;
    const d = a.pvm;
    const q = queueById(ipc, a.msqid);
    const type = a.type ?? 0;
    const r = msgrcv(hv, ipc, d, q, { type, size: o.size ?? MSGMAX, nowait: o.nowait, noerror: o.noerror });
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
});

// ---- shared memory -------------------------------------------------------------------------------

const shmgetCmd = command({
  name: 'shmget',
  family: 'ipc',
  summary: "Get (or create) the shared memory segment with a key in the pVM's family",
  args: { pvm: one(pvm), key: one(ipcKey), size: one(size) },
  options: {
    create: flag('IPC_CREAT: create the segment if the family has none with this key'),
    excl: flag('IPC_EXCL: with --create, fail with EEXIST if it exists'),
  },
  help: 'size in bytes or with K/M (64K, 1M); rounded up to whole pages.',
  run(ctx, a, o) {
    const hv = ctx.hv;
    const d = a.pvm;
    const key = a.key;
    const g = shmget(hv, hv.ipc, d, { key, bytes: a.size, create: o.create, excl: o.excl });
    const s = g.segment;
    return {
      text: `${d.name}: shmid ${s.id} (key ${hexKey(key)}, ${s.bytes} bytes in ${plural(s.master.pages, 'page')}${g.created ? ', created' : ''})`,
      data: { shmid: s.id, key, bytes: s.bytes, pages: s.master.pages, created: g.created, pvm: d.name },
      latencyUs: g.latencyUs,
    };
  },
});

function attachCmd(name: 'shmat' | 'shmdt', summary: string): AnyCommand {
  return command({
    name,
    family: 'ipc',
    summary,
    args: { pvm: one(pvm), shmid: one(int(0, INT32_MAX)) },
    run(ctx, a) {
      const hv = ctx.hv;
      const ipc = hv.ipc;
      const d = a.pvm;
      const s = segmentById(ipc, a.shmid);
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
  });
}

export const IPC_COMMANDS: AnyCommand[] = [
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
