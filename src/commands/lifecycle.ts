// Lifecycle commands: create, fork, kill, destroy, exit, wait, pause, unpause, rename, pool.

import { DOM0, pagesOf } from '../engine/domain.js';
import { endingText } from '../engine/ending.js';
import { fail } from '../engine/errors.js';
import { imageFromCfg, imageWithKeys } from '../engine/config.js';
import { forkCost } from '../engine/cost-model.js';
import { forkSteps } from '../engine/fork-steps.js';
import { Cfg, type ImageConfig, parseOverrides } from '../engine/image.js';
import { suggest } from '../engine/suggest.js';
import * as life from '../engine/lifecycle.js';
import { reapsAtOnce } from '../engine/lifecycle.js';
import { ipcExit, ipcWait } from '../engine/ipc/exit.js';
import { many, maybe, one, flag, usageError } from './args.js';
import { STATIC_LIBRARIES, staticImage } from '../engine/dl/static.js';
import { image as imageArg, int, pvm, word } from './kinds.js';
import { latency, plural, sizeKiB } from './format.js';
import { kill } from './signal.js';
import { command, type AnyCommand, type Ctx } from './types.js';
import { createRecycled } from './libs.js';
import type { Domain } from '../engine/domain.js';
import { nepheleClone, vmFork } from '../engine/baselines.js';
import { maxClones } from '../engine/clone.js';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** The image named, with create's key=value overrides applied and validated like a file. */
function imageWithOverrides(
  ctx: Ctx,
  name: string,
  pairs: string[],
  warnings: string[],
): { image: ReturnType<typeof imageFromCfg>; pvmName?: string } {
  const base = ctx.images.get(name);
  if (!base) {
    const near = suggest(name, ctx.images.keys());
    fail(
      'ENOENT',
      `no image named '${name}'${near ? ` (did you mean '${near}'?)` : ` (images: ${[...ctx.images.keys()].join(', ')})`}`,
    );
  }
  if (pairs.length === 0) return { image: base };
  const over = parseOverrides(pairs, 'create', (w) => warnings.push(w));
  const pvmName = over.get('name')?.value;
  over.delete('name');
  if (pvmName !== undefined && typeof pvmName !== 'string') fail('EINVAL', 'name must be a word');
  return { image: imageWithKeys(base, over, `create ${name}`), pvmName: pvmName as string | undefined };
}

/** An image with some of its keys set otherwise (create's key=value, a sweep's image.NAME.KEY), validated as a file. */
export function overriddenImage(base: ImageConfig, over: Cfg, where: string): ImageConfig {
  return imageWithKeys(base, over, where);
}

const create = command({
  name: 'create',
  family: 'lifecycle',
  summary: 'Create a pVM from an image (key=value overrides any image key)',
  args: { image: one(imageArg), pairs: many(word, { optional: true, label: 'key=value' }) },
  options: {
    paused: flag('Leave the domain paused after it is created.', 'p'),
    recycle: flag('restore a checkpointed empty domain and link the application as a library'),
    static: flag('MiniOS: the libraries linked into the image at build time, loaded and relocated at boot'),
  },
  help: 'Example: create web memory=16 name=web2; create -p web (paused: unpause starts it). All of the memory is populated at create, as on Xen. create --static redis boots the MiniOS way: a copy of every library per pVM, linked at boot.',
  differs:
    "The image is named, not a config file's path (images/<name>.cfg); the line it prints is the model's (xl prints 'Parsing config from ...' on stderr).",
  run(ctx, a, o) {
    const warnings: string[] = [];
    const { image: given, pvmName } = imageWithOverrides(ctx, a.image, a.pairs, warnings);
    if (o.recycle && o.static) usageError(ctx.spec('create')!, '--recycle and --static do not go together');
    if (o.recycle) {
      if (o.paused) fail('EINVAL', '-p and --recycle: a recycled pVM starts at once (unpause is its last stage)');
      return createRecycled(ctx, given, pvmName);
    }
    const image = o.static ? staticImage(ctx.hv.dl, given) : given;
    const c = life.create(ctx.hv, image, { name: pvmName });
    const d = c.domain;
    let latencyUs = c.latencyUs;
    if (o.paused) latencyUs += life.pause(ctx.hv, d).latencyUs;
    const libs = o.static ? (image.raw[STATIC_LIBRARIES] as string[]) : [];
    const how = o.static
      ? `, MiniOS-style with ${libs.length > 0 ? libs.join(', ') : 'no libraries'} in the image`
      : '';
    return {
      text: [
        ...warnings,
        `created ${d.name} (domid ${d.domid}) from ${image.name}${how}: ${image.memory} MiB, ${plural(image.vcpus, 'vCPU')}, modeled boot ${latency(c.latencyUs)}${c.fromPool ? ' (shell from the pool)' : ''}${o.paused ? ', paused' : ''}`,
      ].join('\n'),
      data: {
        name: d.name,
        domid: d.domid,
        image: image.name,
        mem_mib: image.memory,
        from_pool: c.fromPool,
        paused: d.paused,
        ...(o.static ? { static_libraries: libs } : {}),
      },
      latencyUs,
    };
  },
});

const fork = command({
  name: 'fork',
  family: 'lifecycle',
  summary: 'Fork a pVM n times: code shared read-only, everything writable copy-on-write',
  args: { pvm: one(pvm), n: maybe(int(1, 1_000_000_000, 'the number of children')) },
  options: { xen: flag("Xen's VM fork (mem_sharing) instead: the child's p2m starts empty, the parent stays paused") },
  help: "fork --xen web 2: Xen's VM fork, the baseline of the paper's related work (about 0.7 ms): nothing is shared at fork, the children fill their memory on fault, and web is paused while they exist.",
  run(ctx, a, o) {
    const parent = a.pvm;
    const n = a.n ?? 1;
    if (o.xen) return xenForkReply(ctx, parent, n);
    if (ctx.hv.memSharing.forks.has(parent.domid))
      fail(
        'EINVAL',
        `${parent.name} is a VM fork (mem_sharing): its memory fills on fault from ${ctx.hv.domains.get(ctx.hv.memSharing.forks.get(parent.domid)!)?.name ?? 'its parent'}; it cannot fork the KylinX way`,
      );
    const live = ctx.hv.liveCount;
    const f = life.fork(ctx.hv, parent, n);
    const pages = pagesOf(parent);
    const ro = parent.regions.filter((r) => r.kind === 'ro').reduce((s, r) => s + r.pages, 0);
    const shared = parent.regions.filter((r) => r.kind === 'shared').reduce((s, r) => s + r.pages, 0);
    const lines = [
      `${parent.name} (domid ${parent.domid}) forked ${plural(n, 'child', 'children')} in ${latency(f.latencyUs)} (modeled${n > 1 ? `, ${latency(f.latencyUs / n)} each` : ''}):`,
      ...f.children.map((c) => `  ${c.domain.name}  domid ${c.domain.domid}`),
      `each child maps all ${pages} pages (${sizeKiB(pages * 4)}) of ${parent.name}: ${ro} read-only (code), ${pages - ro - shared} copy-on-write${shared ? `, ${shared} shared writable (shm)` : ''}; 0 copied`,
    ];
    return {
      text: lines.join('\n'),
      data: {
        parent: { name: parent.name, domid: parent.domid },
        children: f.children.map((c) => ({
          name: c.domain.name,
          domid: c.domain.domid,
          latency_us: c.latencyUs,
          from_pool: c.fromPool,
        })),
        shared_pages: pages,
      },
      latencyUs: f.latencyUs,
      effect: {
        kind: 'animate',
        animation: {
          mechanism: 'fork-steps',
          parent: parent.name,
          // The first child's steps; the live count is the one its shell was made with (fork makes one child at a time).
          steps: firstChildSteps(ctx, parent, live, f.children[0]!),
          children: f.children.map((c) => ({ name: c.domain.name, domid: c.domain.domid, us: c.latencyUs })),
        },
      },
    };
  },
});

/** The first child's do_fork steps: the toolstack's share is what its latency adds to forkCost's. */
function firstChildSteps(ctx: Ctx, parent: Domain, live: number, c: { latencyUs: number; fromPool: boolean }) {
  const base = ctx.hv.cost.background(() => forkCost(ctx.hv.cost, pagesOf(parent), c.fromPool));
  const toolstackUs = Math.max(0, Math.round((c.latencyUs - base) * 10) / 10);
  return forkSteps(ctx.hv.cost, parent, { live, fromPool: c.fromPool, toolstackUs });
}

/** fork --xen: n VM forks; the children inherit their vCPUs, the parent's libraries and shm attachments. */
function xenForkReply(ctx: Ctx, parent: Domain, n: number) {
  const hv = ctx.hv;
  const f = vmFork(hv, parent, n);
  const lines = [
    `${parent.name} (domid ${parent.domid}) VM-forked ${plural(n, 'child', 'children')} (Xen mem_sharing) in ${latency(f.latencyUs)} (modeled${n > 1 ? `, ${latency((f.latencyUs - (f.paused ? hv.cost.value('pause') : 0)) / n)} each` : ''}); ${parent.name} ${f.paused ? 'is paused' : 'stays paused'} while they exist:`,
    ...f.children.map((c) => `  ${c.name}  domid ${c.domid}`),
    `each child's p2m starts empty (Rss 0): a page fills on first access, a read sharing ${parent.name}'s frame, a write copying it`,
  ];
  return {
    text: lines.join('\n'),
    data: {
      parent: { name: parent.name, domid: parent.domid, paused: true },
      children: f.children.map((c) => ({ name: c.name, domid: c.domid })),
      xen: true,
    },
    latencyUs: f.latencyUs,
  };
}

const cloneCmd = command({
  name: 'clone',
  family: 'lifecycle',
  summary: "Nephele's clone: the pVM clones itself n times (CoW memory; xencloned clones its XenStore entries)",
  args: { pvm: one(pvm), n: maybe(int(1, 4096, 'the number of clones')) },
  help: "The guest issues the clone hypercall, so it must be running; its image's max_clones (0 by default: off) bounds the clones of its family: create redis max_clones=8; clone redis 4.",
  run(ctx, a) {
    const hv = ctx.hv;
    const parent = a.pvm;
    const n = a.n ?? 1;
    const c = nepheleClone(hv, parent, n);
    const lines = [
      `${parent.name} (domid ${parent.domid}) cloned itself ${plural(n, 'time')} (Nephele) in ${latency(c.latencyUs)} (modeled${n > 1 ? `, ${latency(c.latencyUs / n)} each` : ''}); ${hv.clones.inFamily(parent.family)} of ${maxClones(parent)} clones in its family:`,
      ...c.children.map((x) => `  ${x.domain.name}  domid ${x.domain.domid}`),
      hv.xs.on
        ? `xencloned cloned ${parent.name}'s XenStore entries (devices, console) for each clone`
        : 'no XenStore on this host (noxs): nothing for xencloned to clone',
    ];
    return {
      text: lines.join('\n'),
      data: {
        parent: { name: parent.name, domid: parent.domid },
        children: c.children.map((x) => ({ name: x.domain.name, domid: x.domain.domid, latency_us: x.latencyUs })),
        clones_in_family: hv.clones.inFamily(parent.family),
        max_clones: maxClones(parent),
      },
      latencyUs: c.latencyUs,
    };
  },
});

const destroy = command({
  name: 'destroy',
  family: 'lifecycle',
  summary: 'Terminate a domain immediately',
  xl: true,
  usage: '[options] <Domain>',
  args: { pvm: one(pvm, 'Domain') },
  options: {
    force: flag('Permit destroying domain 0 (refused here: Domain-0 is the hardware domain)', 'f'),
  },
  help: 'Every frame the pVM alone held is freed; frames others still map stay. Its children are orphaned to its family root (or Domain-0).',
  run(ctx, a, o) {
    const d = a.pvm;
    if (d.domid === DOM0 && !o.force) fail('EPERM', 'Not destroying domain 0; use -f to force.');
    if (d.domid === DOM0) fail('EPERM', 'destroy failed: Domain-0 is the hardware domain here and runs the toolstack');
    const before = ctx.hv.frames.free;
    const t = life.destroy(ctx.hv, d);
    const freed = ctx.hv.frames.free - before;
    return {
      text: `destroyed ${d.name} (domid ${d.domid}): ${plural(freed, 'frame')} (${sizeKiB(freed * 4)}) freed, the rest still mapped by others`,
      data: { name: d.name, domid: d.domid, frames_freed: freed },
      latencyUs: t.latencyUs,
      confirmation: true,
    };
  },
});

const exitCmd = command({
  name: 'exit',
  family: 'lifecycle',
  summary: 'A pVM exits with a status (a zombie until its parent waits); alone: leave the shell',
  args: { pvm: one(pvm), status: maybe(int(INT32_MIN, INT32_MAX, 'exit status')) },
  help: 'As _exit(2), only the low 8 bits of the status reach the parent: exit web 256 exits with status 0.',
  run(ctx, a) {
    const d = a.pvm;
    const given = a.status ?? 0;
    const parent = ctx.hv.domains.get(d.parent)!;
    const t = ipcExit(ctx.hv, d, given);
    const status = t.status;
    const low = status === given ? '' : ` (${given} & 0xff)`;
    const gone = !ctx.hv.domains.has(d.domid);
    const how =
      parent.domid === DOM0
        ? `${parent.name} reaped it`
        : reapsAtOnce(parent)
          ? `no zombie: ${parent.name} ignores SIGCHLD`
          : `${parent.name} was waiting and reaped it`;
    const text = gone
      ? `${d.name} exited with status ${status}${low}; ${how}`
      : `${d.name} exited with status ${status}${low}: a zombie until ${parent.name} waits for it`;
    return {
      text,
      data: { name: d.name, domid: d.domid, status, zombie: !gone, parent: parent.name },
      latencyUs: t.latencyUs,
    };
  },
});

const wait = command({
  name: 'wait',
  family: 'lifecycle',
  summary: 'A pVM waits for a child (any, or the one named) to exit, and reaps it',
  args: { pvm: one(pvm), child: maybe(pvm) },
  help: [
    'It tells how the child ended as waitpid(2) does: exited with status N (WEXITSTATUS), or killed by a',
    'signal (WTERMSIG); --json data has {"exited": N} or {"signal": "TERM"}. A pVM whose image ignores',
    'SIGCHLD (sig_ignore) leaves no zombies: its wait blocks until its children are gone, then ECHILD.',
    'A paused or stopped parent reaps only when it runs again. A child destroyed while its parent waits',
    'for it is returned as killed by SIGKILL; stricter than Linux, one destroyed while nobody waits is',
    'gone at once, and a later wait does not see it.',
  ].join('\n'),
  run(ctx, a) {
    const d = a.pvm;
    const child = a.child;
    const w = ipcWait(ctx.hv, d, child);
    if (w.reaped) {
      const r = w.reaped;
      return {
        text: `${d.name}: wait returned ${r.name} (domid ${r.domid}), ${endingText(r.ending)}`,
        data: { pvm: d.name, blocked: false, child: r.name, domid: r.domid, ...r.ending },
        latencyUs: w.latencyUs,
      };
    }
    return {
      text: `${d.name} blocks in wait for ${child ? child.name : 'a child'} to exit (state b)`,
      data: { pvm: d.name, blocked: true, child: child?.name ?? null },
      latencyUs: w.latencyUs,
    };
  },
});

function simple(name: 'pause' | 'unpause', summary: string, help: string): AnyCommand {
  return command({
    name,
    family: 'lifecycle',
    summary,
    help,
    xl: true,
    usage: '<Domain>',
    args: { pvm: one(pvm, 'Domain') },
    run(ctx, a) {
      const d = a.pvm;
      const t = life[name](ctx.hv, d);
      const still = d.stopped ? `; ${d.name} is stopped by a signal (state p until SIGCONT)` : '';
      return {
        text: `${name}d ${d.name}${name === 'unpause' ? still : ''}`,
        data: { name: d.name, domid: d.domid, paused: d.paused, stopped: d.stopped },
        latencyUs: t.latencyUs,
        confirmation: true,
      };
    },
  });
}

const rename = command({
  name: 'rename',
  family: 'lifecycle',
  summary: 'Rename a domain',
  xl: true,
  usage: '<Domain> <NewDomainName>',
  args: { pvm: one(pvm, 'Domain'), newName: one(word, 'NewDomainName') },
  run(ctx, a) {
    const d = a.pvm;
    const old = d.name;
    const t = life.rename(ctx.hv, d, a.newName);
    return {
      text: `renamed ${old} (domid ${d.domid}) to ${d.name}`,
      data: { old, name: d.name, domid: d.domid },
      latencyUs: t.latencyUs,
      confirmation: true,
    };
  },
});

const pool = command({
  name: 'pool',
  family: 'lifecycle',
  summary: 'Show or set the pool of pre-created empty domain shells (takes shell creation off fork)',
  args: { n: maybe(int(0, life.POOL_MAX, 'pool size')) },
  run(ctx, a) {
    const n = a.n;
    if (n === undefined) {
      return { text: `pool: ${plural(ctx.hv.pool, 'shell')} ready`, data: { pool: ctx.hv.pool } };
    }
    const before = ctx.hv.pool;
    const t = life.setPool(ctx.hv, n);
    return {
      text: `pool: ${before} -> ${plural(n, 'shell')} ready (modeled ${latency(t.latencyUs)} to create ${Math.max(0, n - before)})`,
      data: { pool: n, created: Math.max(0, n - before) },
      latencyUs: t.latencyUs,
    };
  },
});

export const LIFECYCLE: AnyCommand[] = [
  create,
  fork,
  cloneCmd,
  kill,
  destroy,
  exitCmd,
  wait,
  simple('pause', 'Pause execution of a domain', 'Its vCPUs leave the run queues.'),
  simple(
    'unpause',
    'Unpause a paused domain',
    'Undoes pause; a pVM stopped by SIGSTOP stays held (state p) until SIGCONT.',
  ),
  rename,
  pool,
];
