// The Redis appliance's commands over its heap pages (pages.ts): a SET writes the page of its key's slot,
// a GET reads it. Replies and errors are Redis's own (src/server.c, t_string.c, db.c); a command that
// fails replies with its error and writes nothing. BGSAVE is the subsystem's (it forks: subsystem.ts).

import { type Entry, entryBytes, lookup, type Page, PAGE_BYTES, pageBytes, pageOf, withEntry } from './pages.js';
import { bulk, error, integer, ok, type RespReply, status } from './resp.js';

/** What a command may do to the store: read pages, and write one (through copy-on-write). */
export interface RedisStore {
  readonly pages: ReadonlyMap<number, Page>;
  readonly heapPages: number;
  write(page: number, next: Entry[]): void;
}

const ARITY: Record<string, number> = {
  ping: -1,
  echo: 2,
  set: -3,
  get: 2,
  del: -2,
  exists: -2,
  incr: 2,
  decr: 2,
  dbsize: 1,
  keys: 2,
  bgsave: 1,
  lastsave: 1,
};

/** Redis's error for a name it does not know (processCommand: the first args, quoted, up to 128 bytes). */
function unknown(argv: readonly string[]): RespReply {
  const args = argv
    .slice(1)
    .map((a) => `'${a.slice(0, 128)}' `)
    .join('');
  return error(`ERR unknown command '${argv[0]}', with args beginning with: ${args}`);
}

/** Checks a command's name and arity as processCommand does; null when it may run. */
export function admitCommand(argv: readonly string[]): RespReply | null {
  const name = (argv[0] ?? '').toLowerCase();
  const arity = ARITY[name];
  if (arity === undefined) return unknown(argv);
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    return error(`ERR wrong number of arguments for '${name}' command`);
  return null;
}

const esc = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Glob matching as stringmatchlen does for KEYS (*, ?, [abc], \x). */
export function globMatch(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < pattern.length) re += esc(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += esc(c);
  }
  return new RegExp(`${re}$`, 's').test(s);
}

function set(st: RedisStore, key: string, value: string | undefined): RespReply | null {
  const page = pageOf(key, st.heapPages);
  const next = withEntry(st.pages.get(page), key, value);
  if (pageBytes(next) > PAGE_BYTES) return error("OOM command not allowed when used memory > 'maxmemory'.");
  st.write(page, next);
  return null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** INCR and DECR over Redis's 64-bit signed integers (string2ll, then the overflow check of incrDecrCommand). */
function incrBy(st: RedisStore, key: string, by: bigint): RespReply {
  const old = lookup(st.pages, st.heapPages, key) ?? '0';
  if (!/^-?(0|[1-9][0-9]*)$/.test(old)) return error('ERR value is not an integer or out of range');
  const v = BigInt(old);
  if (v < INT64_MIN || v > INT64_MAX) return error('ERR value is not an integer or out of range');
  const n = v + by;
  if (n < INT64_MIN || n > INT64_MAX) return error('ERR increment or decrement would overflow');
  return set(st, key, String(n)) ?? integer(n);
}

/** Options of SET that change what an expiry would: the model keeps no expiry times. */
const EXPIRY_OPTIONS = new Set(['ex', 'px', 'exat', 'pxat', 'keepttl']);

/** SET key value [NX|XX] [GET], as setCommand parses them; expiry options are refused as not built. */
function setCommand(st: RedisStore, a: readonly string[]): RespReply {
  const key = a[0]!;
  let nx = false;
  let xx = false;
  let get = false;
  for (const o of a.slice(2).map((x) => x.toLowerCase())) {
    if (o === 'nx' && !xx) nx = true;
    else if (o === 'xx' && !nx) xx = true;
    else if (o === 'get') get = true;
    else if (EXPIRY_OPTIONS.has(o))
      return error(`ERR SET ${o.toUpperCase()}: this model's redis keeps no expiry times (NX, XX and GET are built)`);
    else return error('ERR syntax error');
  }
  const old = lookup(st.pages, st.heapPages, key);
  if ((nx && old !== undefined) || (xx && old === undefined)) return bulk(get ? (old ?? null) : null);
  return set(st, key, a[1]!) ?? (get ? bulk(old ?? null) : ok());
}

/** Run one command other than BGSAVE and LASTSAVE (the subsystem's); argv admitted by admitCommand. */
export function runRedis(st: RedisStore, argv: readonly string[]): RespReply {
  const a = argv.slice(1);
  switch (argv[0]!.toLowerCase()) {
    case 'ping':
      if (a.length > 1) return error("ERR wrong number of arguments for 'ping' command");
      return a.length === 1 ? bulk(a[0]!) : status('PONG');
    case 'echo':
      return bulk(a[0]!);
    case 'set':
      return setCommand(st, a);
    case 'get':
      return bulk(lookup(st.pages, st.heapPages, a[0]!) ?? null);
    case 'del': {
      let n = 0;
      for (const k of new Set(a))
        if (lookup(st.pages, st.heapPages, k) !== undefined) {
          set(st, k, undefined);
          n++;
        }
      return integer(n);
    }
    case 'exists':
      return integer(a.filter((k) => lookup(st.pages, st.heapPages, k) !== undefined).length);
    case 'incr':
      return incrBy(st, a[0]!, 1n);
    case 'decr':
      return incrBy(st, a[0]!, -1n);
    case 'dbsize': {
      let n = 0;
      for (const p of st.pages.values()) n += p.length;
      return integer(n);
    }
    case 'keys': {
      const out: string[] = [];
      for (const p of st.pages.values()) for (const e of p) if (globMatch(a[0]!, e[0])) out.push(e[0]);
      return { type: 'array', items: out.sort().map((k) => bulk(k)) };
    }
    default:
      return unknown(argv);
  }
}

/** Whether a command writes (a write never reaches a BGSAVE child: it only saves). */
export function isWrite(argv: readonly string[]): boolean {
  return ['set', 'del', 'incr', 'decr'].includes((argv[0] ?? '').toLowerCase());
}

/** Bytes of a snapshot (the model's RDB: each entry's key and value with its header). */
export function snapshotBytes(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += entryBytes(e);
  return n;
}
