// The appliances answer: redis's store in its heap pages (fork and BGSAVE copy-on-write), web's HTTP,
// dns's zone, daytime's clock; protocol errors are answers that change nothing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/engine/apps/redis.js';
import { parseZone, ZoneError } from '../../src/engine/apps/zone.js';
import { err, makeShell, ok, resultOf, run, stateOf } from '../helpers.js';

/** A command that the server answers with an error: printed, and nothing in the engine changed. */
function answersWithoutChange(sh: ReturnType<typeof makeShell>, line: string): string {
  const before = stateOf(sh);
  const text = ok(sh, line).text;
  expect(stateOf(sh), `${line} changed the state`).toBe(before);
  return text;
}

describe('redis-cli', () => {
  it("SET's NX, XX and GET as setCommand has them; expiry options refused as not built; INCR over int64", () => {
    const sh = makeShell();
    expect(ok(sh, 'redis-cli redis SET a 1 NX').text).toBe('OK');
    expect(ok(sh, 'redis-cli redis SET a 2 NX').text).toBe('(nil)');
    expect(ok(sh, 'redis-cli redis SET a 3 XX GET').text).toBe('"1"');
    expect(ok(sh, 'redis-cli redis SET b 1 XX').text).toBe('(nil)');
    expect(ok(sh, 'redis-cli redis SET a 1 NX XX').text).toBe('(error) ERR syntax error');
    const before = stateOf(sh);
    expect(ok(sh, 'redis-cli redis SET a 9 EX 10').text).toMatch(
      /^\(error\) ERR SET EX: this model's redis keeps no expiry/,
    );
    expect(stateOf(sh)).toBe(before);
    // Redis's integers are 64-bit (string2ll): the last one increments, the next overflows.
    ok(sh, 'redis-cli redis SET n 9223372036854775806');
    expect(ok(sh, 'redis-cli redis INCR n').text).toBe('(integer) 9223372036854775807');
    expect(ok(sh, 'redis-cli redis INCR n').text).toBe('(error) ERR increment or decrement would overflow');
    expect(ok(sh, 'redis-cli redis SET m 9223372036854775808; redis-cli redis INCR m').text).toBe(
      '(error) ERR value is not an integer or out of range',
    );
  });

  it('prints replies as redis-cli does', () => {
    const sh = makeShell();
    expect(ok(sh, 'redis-cli redis SET a 1').text).toBe('OK');
    expect(ok(sh, 'redis-cli redis GET a').text).toBe('"1"');
    expect(ok(sh, 'redis-cli redis GET nope').text).toBe('(nil)');
    expect(ok(sh, 'redis-cli redis INCR a').text).toBe('(integer) 2');
    expect(ok(sh, 'redis-cli redis SET b "x y"').text).toBe('OK');
    expect(ok(sh, 'redis-cli redis DBSIZE').text).toBe('(integer) 2');
    expect(ok(sh, 'redis-cli redis KEYS *').text).toBe('1) "a"\n2) "b"');
    expect(ok(sh, 'redis-cli redis KEYS z*').text).toBe('(empty array)');
    expect(ok(sh, 'redis-cli redis DEL a a nope').text).toBe('(integer) 1');
    expect(ok(sh, 'redis-cli redis PING').text).toBe('PONG');
    const r = ok(sh, 'redis-cli redis GET b');
    expect(r.data.resp).toBe('$3\r\nx y\r\n');
    expect(r.latencyUs).toBeGreaterThan(0);
  });

  it('answers a bad request with the protocol error and changes nothing', () => {
    const sh = makeShell();
    ok(sh, 'redis-cli redis SET s text');
    expect(answersWithoutChange(sh, 'redis-cli redis FOO x')).toBe(
      "(error) ERR unknown command 'FOO', with args beginning with: 'x' ",
    );
    expect(answersWithoutChange(sh, 'redis-cli redis SET onlykey')).toBe(
      "(error) ERR wrong number of arguments for 'set' command",
    );
    expect(answersWithoutChange(sh, 'redis-cli redis INCR s')).toBe(
      '(error) ERR value is not an integer or out of range',
    );
    expect(ok(sh, 'redis-cli redis GET s').text).toBe('"text"');
  });

  it('refuses what is no redis server, with one line', () => {
    const sh = makeShell();
    expect(err(sh, 'redis-cli web GET a', 'ECONNREFUSED')).toBe(
      'Could not connect to Redis at web:6379: Connection refused (web: it serves http)',
    );
    expect(err(sh, 'redis-cli Domain-0 GET a', 'ECONNREFUSED')).toContain('it runs the toolstack, not an appliance');
    // rdb reads what the server kept: no connection to refuse.
    expect(err(sh, 'rdb web', 'ENOENT')).toBe('web is not a redis appliance (it serves http)');
    expect(err(sh, 'redis-cli rediss GET a', 'ENOENT')).toContain("did you mean 'redis'");
    ok(sh, 'pause redis');
    expect(err(sh, 'redis-cli redis GET a', 'EBUSY')).toContain('unpause redis first');
  });

  it('a SET writes the page of its slot: after fork, the child keeps what was there at fork time', () => {
    const sh = makeShell();
    const outs = run(sh, 'redis-cli redis SET a 1; fork redis 1; redis-cli redis SET a 2; redis-cli redis.1 GET a');
    expect(resultOf(outs[3]).text).toBe('"1"');
    expect(ok(sh, 'redis-cli redis GET a').text).toBe('"2"');
    // The parent's SET broke copy-on-write on one heap page: mem shows it private to each.
    const mem = ok(sh, 'mem redis');
    expect(mem.text).toMatch(/^heap +3520 +3520 +[0-9]+ +3516 +4$/m);
    expect(ok(sh, 'mem redis.1').text).toMatch(/^heap +3520 +3520 +[0-9]+ +3516 +4$/m);
  });

  it('BGSAVE whose child is killed: redis reaps it at its next cron, the save fails, the last snapshot stays', () => {
    const sh = makeShell();
    ok(sh, 'redis-cli redis SET a 1; redis-cli redis BGSAVE; run 1s');
    const before = ok(sh, 'rdb redis').text;
    ok(sh, 'redis-cli redis SET a 2; redis-cli redis BGSAVE; kill redis.2');
    expect(sh.hv.domains.get(5)?.name).toBe('redis.2');
    const events: string[] = [];
    const off = sh.hv.onEvent((e) => {
      if (e.kind === 'bgsave') events.push(e.text);
    });
    ok(sh, 'run 1s'); // serverCron: waitpid finds the killed child
    off();
    expect(sh.hv.list().map((d) => d.name)).not.toContain('redis.2');
    expect(events).toEqual([expect.stringMatching(/^redis: Background saving terminated by signal SIGTERM/)]);
    expect(ok(sh, 'rdb redis').text).toBe(before);
    expect(ok(sh, 'redis-cli redis BGSAVE').text).toBe('Background saving started');
  });

  it('BGSAVE: the snapshot is the data at fork time while the parent keeps taking SETs', () => {
    const sh = makeShell();
    for (let i = 0; i < 20; i++) ok(sh, `redis-cli redis SET k${i} v${i}`);
    const atFork = resultOf(run(sh, 'redis-cli redis KEYS *')[0]).text;
    expect(ok(sh, 'redis-cli redis BGSAVE').text).toBe('Background saving started');
    expect(ok(sh, 'redis-cli redis BGSAVE').text).toBe('(error) ERR Background save already in progress');
    for (let i = 0; i < 20; i++) ok(sh, `redis-cli redis SET k${i} changed${i}`);
    ok(sh, 'redis-cli redis SET late 1');
    expect(err(sh, 'rdb redis', 'ENOENT')).toContain('a BGSAVE is writing one');
    ok(sh, 'run 10ms');
    const dump = ok(sh, 'rdb redis');
    const entries = dump.data.entries as [string, string][];
    expect(entries).toHaveLength(20);
    for (const [k, v] of entries) expect(v).toBe(`v${k.slice(1)}`);
    expect(atFork.split('\n')).toHaveLength(20);
    expect(ok(sh, 'redis-cli redis DBSIZE').text).toBe('(integer) 21');
    // The child wrote, exited and was reaped by its parent.
    expect(ok(sh, 'list').text).not.toContain('redis.1');
  });

  it('a BGSAVE child that is killed leaves no snapshot', () => {
    const sh = makeShell();
    ok(sh, 'redis-cli redis SET a 1; redis-cli redis BGSAVE');
    ok(sh, 'destroy redis.1');
    ok(sh, 'run 10ms');
    expect(err(sh, 'rdb redis', 'ENOENT')).toContain('BGSAVE makes one');
  });

  it('state saves and restores with the data', () => {
    const sh = makeShell();
    ok(sh, 'redis-cli redis SET a 1; fork redis 1; redis-cli redis SET a 2');
    const doc = sh.hv.save();
    const sh2 = makeShell();
    sh2.hv.load(JSON.parse(JSON.stringify(doc)));
    expect(sh2.hv.check()).toEqual([]);
    expect(ok(sh2, 'redis-cli redis.1 GET a').text).toBe('"1"');
    expect(ok(sh2, 'redis-cli redis GET a').text).toBe('"2"');
  });

  it('property: the store is a map, whatever SETs and DELs do, and check() holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'key:1', 'key:2'), fc.nat(99)), {
          maxLength: 25,
        }),
        (ops) => {
          const sh = makeShell();
          const model = new Map<string, string>();
          for (const [del, k, v] of ops) {
            if (del) {
              ok(sh, `redis-cli redis DEL ${k}`);
              model.delete(k);
            } else {
              ok(sh, `redis-cli redis SET ${k} ${v}`);
              model.set(k, String(v));
            }
          }
          for (const k of ['a', 'b', 'c', 'key:1', 'key:2'])
            expect(ok(sh, `redis-cli redis GET ${k}`).text).toBe(model.has(k) ? `"${model.get(k)}"` : '(nil)');
          expect(ok(sh, 'redis-cli redis DBSIZE').text).toBe(`(integer) ${model.size}`);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('KEYS patterns match as Redis globs', () => {
    expect(globMatch('k*', 'key')).toBe(true);
    expect(globMatch('k?y', 'key')).toBe(true);
    expect(globMatch('k[ae]y', 'key')).toBe(true);
    expect(globMatch('k[^e]y', 'key')).toBe(false);
    expect(globMatch('a.b', 'aXb')).toBe(false);
  });
});

describe('http', () => {
  it('serves a status line, headers and a body', () => {
    const sh = makeShell();
    const r = ok(sh, 'http web GET /');
    expect(r.text.split('\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(r.text).toContain('Content-Type: text/html');
    expect(r.text).toContain('<h1>It works!</h1>');
    expect(ok(sh, 'http web /status').text).toMatch(/requests: 2$/);
  });

  it('404 and 405 are answers that change nothing', () => {
    const sh = makeShell();
    expect(answersWithoutChange(sh, 'http web GET /nope').split('\n')[0]).toBe('HTTP/1.1 404 Not Found');
    const t = answersWithoutChange(sh, 'http web DELETE /');
    expect(t.split('\n')[0]).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(t).toContain('Allow: GET, HEAD');
    expect(answersWithoutChange(sh, 'http web GET nopath').split('\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });
});

describe('dig', () => {
  it('answers from the zone in the image', () => {
    const sh = makeShell();
    const t = ok(sh, 'dig dns example.org').text;
    expect(t).toContain('status: NOERROR');
    expect(t).toContain(';; ANSWER SECTION:\nexample.org.\t\t3600\tIN\tA\t93.184.215.14');
    expect(ok(sh, 'dig dns example.org MX').text).toContain('IN\tMX\t10 mail.example.org.');
    const cname = ok(sh, 'dig dns www.example.org').data.answer as { type: string }[];
    expect(cname.map((a) => a.type)).toEqual(['CNAME', 'A']);
  });

  it('NXDOMAIN with the SOA, REFUSED outside the zone, and nothing changes', () => {
    const sh = makeShell();
    const t = answersWithoutChange(sh, 'dig dns nosuch.example.org');
    expect(t).toContain('status: NXDOMAIN');
    expect(t).toContain(';; AUTHORITY SECTION:\nexample.org.\t\t3600\tIN\tSOA\tns1.example.org.');
    expect(answersWithoutChange(sh, 'dig dns example.com')).toContain('status: REFUSED');
    expect(err(sh, 'dig dns example.org BOGUS', 'EUSAGE')).toContain('not a query type');
  });

  it('zone files parse as RFC 1035 master files, and bad ones name the line', () => {
    const z = parseZone([
      '$ORIGIN a.test.',
      '$TTL 60',
      '@ IN SOA ns h ( 1 2',
      '3 4 5 )',
      ' IN A 10.0.0.1',
      'x 5 CNAME @',
    ]);
    expect(z.records.map((r) => [r.owner, r.ttl, r.type])).toEqual([
      ['a.test.', 60, 'SOA'],
      ['a.test.', 60, 'A'],
      ['x.a.test.', 5, 'CNAME'],
    ]);
    expect(() => parseZone(['$ORIGIN a.test.', '@ 60 IN SOA ns h 1 2 3 4 5', 'b IN A 300.1.1.1'])).toThrow(ZoneError);
    expect(() => parseZone(['$ORIGIN a.test.', 'b 60 IN A 1.1.1.1'])).toThrow(/no SOA/);
  });
});

describe('daytime', () => {
  it('answers the virtual clock', () => {
    const sh = makeShell();
    ok(sh, 'create daytime');
    expect(ok(sh, 'daytime daytime').text).toBe('Thursday, January 1, 1970 00:00:00-UTC');
    ok(sh, 'run 90s');
    expect(ok(sh, 'daytime daytime').text).toBe('Thursday, January 1, 1970 00:01:30-UTC');
  });
});

describe('workers', () => {
  it('an appliance with workers = N forks them itself at boot, sharing its pages', () => {
    const sh = makeShell();
    const r = ok(sh, 'create web workers=3 name=site');
    expect(r.text).toContain('created site');
    const tree = ok(sh, 'tree site').text;
    for (const k of [1, 2, 3]) expect(tree).toContain(`site.${k}`);
    expect(ok(sh, 'http site.2 GET /hello.txt').text).toContain('hello from a pVM');
  });

  it('refuses, changing nothing, when the workers would not fit', () => {
    const sh = makeShell({ max_domains: 5 });
    expect(err(sh, 'create web workers=3 name=site', 'ENOSPC')).toContain('forks 3 workers at boot');
  });
});

describe('the fork baselines carry the data too', () => {
  it("a Nephele clone and a Xen VM fork start with the parent's data; what they write is their own", () => {
    const sh = makeShell();
    ok(sh, 'create redis name=r max_clones=2; redis-cli r SET b 2; clone r; fork --xen r');
    expect(ok(sh, 'redis-cli r.1 GET b').text).toBe('"2"');
    expect(ok(sh, 'redis-cli r.2 GET b').text).toBe('"2"');
    ok(sh, 'redis-cli r.2 SET b 3');
    expect(ok(sh, 'redis-cli r.2 GET b').text).toBe('"3"');
    expect(ok(sh, 'redis-cli r.1 GET b').text).toBe('"2"');
  });
});
