// The appliances' clients, run from the shell in Domain-0: redis-cli (replies as redis-cli prints them
// in a terminal), http (the response as it travels, like curl -i), dig (its sections), daytime (RFC 867)
// and rdb (what the last BGSAVE wrote). Each request travels the network path (engine/net/path.ts) and
// its latency is modeled. A protocol error (-ERR, 404, NXDOMAIN) is the server's answer: the command
// succeeds, prints it, and the request changed nothing. Reaching no server is the command's failure.

import type { Domain } from '../engine/domain.js';
import { fail } from '../engine/errors.js';
import type { Engine } from '../engine/index.js';
import { type DnsAnswer, isRrType, resolve } from '../engine/apps/dns.js';
import { responseText, serveHttp } from '../engine/apps/http.js';
import { type Entry, lookup, type Page, slotOf } from '../engine/apps/pages.js';
import { admitCommand, runRedis } from '../engine/apps/redis.js';
import { encode, formatTTY, integer, type RespReply, status } from '../engine/apps/resp.js';
import type { AppData } from '../engine/apps/subsystem.js';
import { daytimeText } from '../engine/apps/vclock.js';
import { dataRegion } from '../engine/apps/pages.js';
import { shellRequestUs } from '../engine/net/path.js';
import type { Rr } from '../engine/apps/zone.js';
import { many, maybe, one } from './args.js';
import { pvm, text as textArg, word } from './kinds.js';
import { command, type AnyCommand } from './types.js';

// ---- redis-cli -----------------------------------------------------------------------------------

function redisRequest(hv: Engine, d: Domain, a: AppData, argv: string[]): { reply: RespReply; latencyUs: number } {
  const bad = admitCommand(argv);
  const latencyUs = shellRequestUs(hv.cost, 'redis');
  if (bad) return { reply: bad, latencyUs };
  const name = argv[0]!.toLowerCase();
  if (name === 'bgsave') {
    if (a.bgsave) return { reply: { type: 'error', text: 'ERR Background save already in progress' }, latencyUs };
    const b = hv.apps.bgsave(d, a);
    return { reply: status('Background saving started'), latencyUs: latencyUs + b.latencyUs };
  }
  if (name === 'lastsave') return { reply: integer(Math.floor((a.rdb?.savedNs ?? 0) / 1e9)), latencyUs };
  const heap = dataRegion(d);
  const store = {
    pages: a.pages as ReadonlyMap<number, Page>,
    heapPages: heap.pages,
    write: (page: number, next: Entry[]): void => {
      hv.apps.writePage(d, a, page, next);
    },
  };
  return { reply: runRedis(store, argv), latencyUs };
}

const redisCli = command({
  name: 'redis-cli',
  family: 'inspect',
  summary:
    'Send a command to a redis pVM and print the reply as redis-cli does (SET, GET, DEL, INCR, DBSIZE, KEYS, BGSAVE, ...)',
  usage: '<pvm> <command> [arg...]',
  args: { server: one(pvm, 'pvm'), argv: many(textArg, { label: 'command' }) },
  help: 'Example: redis-cli redis SET a 1; redis-cli redis GET a. BGSAVE forks the pVM (guest-initiated): the child writes the snapshot (rdb shows it) while the parent serves.',
  run(ctx, a) {
    const hv = ctx.hv;
    hv.apps.settle();
    const app = hv.apps.require(a.server, 'redis', `Could not connect to Redis at ${a.server.name}:6379`);
    const { reply, latencyUs } = redisRequest(hv, a.server, app, a.argv);
    return {
      text: formatTTY(reply),
      data: { server: a.server.name, command: a.argv, reply, resp: encode(reply) },
      latencyUs,
    };
  },
});

const rdb = command({
  name: 'rdb',
  family: 'inspect',
  summary: "Show the snapshot a redis pVM's last BGSAVE wrote (its keys and values, and when it was forked)",
  args: { server: one(pvm, 'pvm') },
  run(ctx, a) {
    const hv = ctx.hv;
    hv.apps.settle();
    const app = hv.apps.require(a.server, 'redis', null);
    const r = app.rdb;
    if (!r)
      fail(
        'ENOENT',
        `${a.server.name} has no snapshot yet${app.bgsave ? ' (a BGSAVE is writing one: run lets it finish)' : ` (redis-cli ${a.server.name} BGSAVE makes one)`}`,
      );
    const head = `dump of ${a.server.name}: ${r.entries.length} key${r.entries.length === 1 ? '' : 's'}, forked at ${(r.forkedNs / 1e9).toFixed(6)} s, written by ${(r.savedNs / 1e9).toFixed(6)} s`;
    return {
      text: [head, ...r.entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`)].join('\n'),
      data: { server: a.server.name, forked_ns: r.forkedNs, saved_ns: r.savedNs, entries: r.entries },
    };
  },
});

// ---- http ----------------------------------------------------------------------------------------

const http = command({
  name: 'http',
  family: 'inspect',
  summary: 'Send an HTTP/1.1 request to a web pVM and print the response (status line, headers, body)',
  usage: '<pvm> [method] <path>',
  args: { server: one(pvm, 'pvm'), first: one(word, 'method|path'), second: maybe(word, 'path') },
  help: 'Example: http web GET /; http web /hello.txt; http web GET /status (the requests it has served).',
  run(ctx, a) {
    const hv = ctx.hv;
    const app = hv.apps.require(a.server, 'http', `Failed to connect to ${a.server.name} port 80`);
    const [method, target] = a.second === undefined ? ['GET', a.first] : [a.first, a.second];
    const res = serveHttp(method, target, app.served, hv.nowNs);
    if (res.counts) hv.apps.countRequest(a.server, app);
    const wire = responseText(res);
    return {
      text: wire.replace(/\r\n/g, '\n').replace(/\n$/, ''),
      data: { server: a.server.name, method, path: target, status: res.status, headers: res.headers, body: res.body },
      latencyUs: shellRequestUs(hv.cost, 'http'),
    };
  },
});

// ---- dig -----------------------------------------------------------------------------------------

function rrLine(r: Rr): string {
  return `${r.owner}\t\t${r.ttl}\tIN\t${r.type}\t${r.rdata}`;
}

/** `asked`: the name as typed; dig prints it so in the question (the server's answer keeps its case). */
function digText(server: string, q: DnsAnswer, asked: string, id: number, ms: number): string {
  const flags = ['qr', ...(q.aa ? ['aa'] : []), 'rd'].join(' ');
  const name = asked.replace(/\.$/, '');
  const lines = [
    `; <<>> DiG 9.18 <<>> @${server} ${name} ${q.type}`,
    '; (1 server found)',
    ';; global options: +cmd',
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: QUERY, status: ${q.rcode}, id: ${id}`,
    `;; flags: ${flags}; QUERY: 1, ANSWER: ${q.answer.length}, AUTHORITY: ${q.authority.length}, ADDITIONAL: 0`,
  ];
  if (q.rcode === 'REFUSED' || !q.aa) lines.push(';; WARNING: recursion requested but not available');
  lines.push('', ';; QUESTION SECTION:', `;${name}.\t\t\tIN\t${q.type}`);
  if (q.answer.length > 0) lines.push('', ';; ANSWER SECTION:', ...q.answer.map(rrLine));
  if (q.authority.length > 0) lines.push('', ';; AUTHORITY SECTION:', ...q.authority.map(rrLine));
  lines.push('', `;; Query time: ${ms} msec`, `;; SERVER: ${server}#53(${server}) (UDP)`);
  return lines.join('\n');
}

const dig = command({
  name: 'dig',
  family: 'inspect',
  summary: 'Ask a dns pVM for a name (A unless a type is given) and print the answer as dig does',
  usage: '<pvm> <name> [type]',
  args: { server: one(pvm, 'pvm'), name: one(word, 'name'), type: maybe(word, 'type') },
  help: 'Example: dig dns example.org; dig dns example.org MX; dig dns nosuch.example.org (NXDOMAIN).',
  run(ctx, a) {
    const hv = ctx.hv;
    const app = hv.apps.require(a.server, 'dns', `;; communications error to ${a.server.name}#53`);
    const type = (a.type ?? 'A').toUpperCase();
    if (!isRrType(type))
      fail('EUSAGE', `'${a.type}' is not a query type this server answers (A, AAAA, CNAME, MX, NS, SOA, TXT)`);
    if (!/^[A-Za-z0-9_.-]+$/.test(a.name) || a.name.includes('..')) fail('EUSAGE', `'${a.name}' is not a domain name`);
    const heap = dataRegion(a.server);
    const q = resolve((k) => lookup(app.pages, heap.pages, k), zoneOrigin(app), a.name, type);
    // dig picks a message id at random: here one from the question and the count of queries answered, so
    // that an NXDOMAIN or REFUSED (which changes nothing, the count included) does not repeat the last id.
    const id = (slotOf(`${a.name.toLowerCase()} ${type}`) + app.served + 1) & 0xffff;
    if (q.rcode === 'NOERROR') hv.apps.countRequest(a.server, app);
    const latencyUs = shellRequestUs(hv.cost, 'dns');
    return {
      text: digText(a.server.name, q, a.name, id, Math.round(latencyUs / 1000)),
      data: { server: a.server.name, id, ...q },
      latencyUs,
    };
  },
});

/** The zone's origin: the owner of its SOA (the one RRset of type SOA). */
function zoneOrigin(a: AppData): string {
  for (const p of a.pages.values()) for (const [k] of p) if (k.endsWith(' SOA')) return k.slice(0, -4);
  return '.';
}

// ---- daytime -------------------------------------------------------------------------------------

const daytime = command({
  name: 'daytime',
  family: 'inspect',
  summary: "Ask a daytime pVM the time (RFC 867): the virtual clock's, as calendar time from the epoch",
  args: { server: one(pvm, 'pvm') },
  run(ctx, a) {
    const hv = ctx.hv;
    const app = hv.apps.require(a.server, 'daytime', `connect to ${a.server.name} port 13 failed`);
    hv.apps.countRequest(a.server, app);
    const t = daytimeText(hv.nowNs);
    return {
      text: t,
      data: { server: a.server.name, now_ns: hv.nowNs, daytime: t },
      latencyUs: shellRequestUs(hv.cost, 'daytime'),
    };
  },
});

export const APPS: AnyCommand[] = [redisCli, rdb, http, dig, daytime];
