// Usage errors, walking the command table: every command has a line typed wrong (an argument of the
// wrong form, a missing or extra argument, an unknown subcommand or option), which fails with EUSAGE
// naming what is wrong and the command's usage, changing nothing; through the built binary a usage
// error exits 2 and a failed command exits 1.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/commands/args.js';
import { COMMANDS } from '../../src/commands/table.js';
import { err, makeShell, ok } from '../helpers.js';

/** One line per command that is typed wrong, and what the error must say. */
const WRONG: Record<string, [line: string, says: RegExp]> = {
  create: ['create', /missing image/],
  fork: ['fork web abc', /the number of children must be a whole number 1-1000000000, not 'abc'/],
  clone: ['clone redis 0', /the number of clones must be a whole number 1-4096, not '0'/],
  kill: ['kill -BOGUS web', /unknown signal '-BOGUS'/],
  destroy: ['destroy web redis', /unexpected argument 'redis'/],
  exit: ['exit web 1.5', /exit status must be a whole number from -2147483648 to 2147483647, not '1.5'/],
  wait: ['wait web web.1 web.2', /unexpected argument/],
  pause: ['pause', /missing Domain/],
  unpause: ['unpause web --now', /unknown option --now/],
  rename: ['rename web', /missing NewDomainName/],
  pool: ['pool many', /pool size must be a whole number 0-4096, not 'many'/],
  list: ['list web redis', /unexpected argument 'redis'/],
  tree: ['tree web redis', /unexpected argument 'redis'/],
  show: ['show', /missing pvm/],
  info: ['info a b', /unexpected argument 'b'/],
  mem: ['mem web redis', /unexpected argument 'redis'/],
  sharing: ['sharing --all', /unknown option --all/],
  evtchn: ['evtchn web redis', /unexpected argument/],
  grants: ['grants', /missing pvm/],
  ipcs: ['ipcs web', /unexpected argument 'web'/],
  pipe: ['pipe web web.1 --ring big', /ring size must be a whole number 1-1073741824, not 'big'/],
  write: ['write nine hello', /'nine' is not a pipe/],
  read: ['read 1 -1', /read size must be a whole number 0-1073741824, not '-1'/],
  close: ['close 1 sideways', /'sideways' is not a pipe end/],
  ftok: ['ftok /srv/q seven', /projid must be a whole number/],
  msgget: ['msgget web nokey', /'nokey' is not a key/],
  msgsnd: ['msgsnd web 1 one hello', /message type must be a whole number/],
  msgrcv: ['msgrcv web q1', /msqid must be a whole number/],
  shmget: ['shmget web 0x9 lots --create', /'lots' is not a size/],
  shmat: ['shmat web first', /shmid must be a whole number/],
  shmdt: ['shmdt web', /missing shmid/],
  touch: ['touch web heap -5', /pages must be a whole number from 1, or all, not '-5'/],
  peek: ['peek web heap first', /page must be a whole number/],
  link: ['link web libm@x', /'x' in 'libm@x' is not a version/],
  unlink: ['unlink web lib/m', /'lib\/m' is not a library/],
  call: ['call web libm', /'libm' is not <lib>\.<function>/],
  update: ['update web libm', /'libm' needs a version/],
  verify: ['verify "libm 1.18"', /is not a library/],
  libs: ['libs web redis', /unexpected argument/],
  run: ['run abc', /'abc' is not a duration/],
  'vcpu-list': ['vcpu-list --all', /unknown option --all/],
  'vcpu-pin': ['vcpu-pin web first 0', /vcpu must be a whole number/],
  'sched-credit': ['sched-credit -d web -w heavy', /--weight must be a whole number, not 'heavy'/],
  'sched-credit2': ['sched-credit2 -d web -c half', /--cap must be a whole number, not 'half'/],
  uptime: ['uptime --since', /unknown option --since/],
  top: ['top -bi0', /iterations must be a whole number 1-100, not '0'/],
  help: ['help fork run', /unexpected argument 'run'/],
  history: ['history 10', /unexpected argument '10'/],
  source: ['source', /missing file/],
  echo: ['echo --loud hi', /unknown option --loud/],
  say: ['say', /missing text/],
  try: ['try', /missing command/],
  sleep: ['sleep 1s', /ms must be a whole number 0-60000, not '1s'/],
  save: ['save web', /missing CheckpointFile/],
  snapshot: ['snapshot load s.json', /expected save or restore, not 'load'/],
  host: ['host web', /unexpected argument 'web'/],
  domid: ['domid', /missing DomainName/],
  domname: ['domname 1 2', /unexpected argument '2'/],
  shutdown: ['shutdown web redis', /unexpected argument 'redis'/],
  reboot: ['reboot --now', /unknown option --now/],
  'vcpu-set': ['vcpu-set web many', /vCPUs must be a whole number 1-128, not 'many'/],
  'mem-set': ['mem-set web lots', /'lots' is not a memory size/],
  'mem-max': ['mem-max web', /missing Mem/],
  'cpupool-list': ['cpupool-list Pool-0 b', /unexpected argument 'b'/],
  dmesg: ['dmesg now', /unexpected argument 'now'/],
  'debug-keys': ['debug-keys', /missing Keys/],
  restore: ['restore a b', /unexpected argument 'b'/],
  'xenstore-ls': ['xenstore-ls / /b', /unexpected argument '\/b'/],
  'xenstore-read': ['xenstore-read', /missing path/],
  'xenstore-write': ['xenstore-write', /missing path value/],
  'redis-cli': ['redis-cli redis', /missing command/],
  rdb: ['rdb', /missing pvm/],
  http: ['http web', /missing method\|path/],
  dig: ['dig dns', /missing name/],
  daytime: ['daytime', /missing pvm/],
  costs: ['costs a b', /unexpected argument 'b'/],
  cost: ['cost page_share=fast', /page_share must be a number of µs from 0, not "fast"/],
  bench: [
    'bench nope',
    /expected boot, fork, ipc, memory, update, apps, fig5, recycle, table3, fig6, fig7, all or sweep, not 'nope'/,
  ],
  export: ['export trees', /expected tree or sharing, not 'trees' \(did you mean 'tree'\?\)/],
  clock: ['clock fast', /expected on or off, not 'fast'/],
  play: ['play', /missing file/],
  reset: ['reset now', /unexpected argument 'now'/],
  animate: ['animate fast', /expected on, off or a slow-down factor from 1 to 100000/],
};

describe('usage errors', () => {
  it('the table has a wrong line for every command, and nothing for commands it does not have', () => {
    expect(Object.keys(WRONG).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  for (const spec of COMMANDS) {
    it(`${spec.name}: a line typed wrong is EUSAGE with the usage, and changes nothing`, () => {
      const sh = makeShell();
      // A pipe, a queue and a segment exist, so only the argument typed wrong is wrong.
      ok(sh, 'fork web 2; pipe web web.1; msgget web 0x1 --create; shmget web 0x2 4096 --create');
      const [line, says] = WRONG[spec.name]!;
      const msg = err(sh, line, 'EUSAGE');
      expect(msg).toMatch(says);
      if (spec.name !== 'try') expect(msg).toContain(`(usage: ${usageOf(spec)})`);
    });
  }
});

describe('exit status through the built binary', () => {
  const ROOT = resolve(import.meta.dirname, '..', '..');
  const status = (cmd: string) =>
    spawnSync(process.execPath, [join(ROOT, 'bin', 'kylinx-sh.js'), '-c', cmd], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });

  it('2 for a usage error: a bad argument type, a bad duration, an unknown subcommand', () => {
    for (const cmd of ['fork web abc', 'run abc', 'bench nope', 'export trees', 'kill -BOGUS web', 'top -n 0']) {
      const r = status(cmd);
      expect(r.status, cmd).toBe(2);
      expect(r.stderr.trim().split('\n'), cmd).toHaveLength(1);
      expect(r.stderr, cmd).toMatch(/\(usage: /);
    }
  });

  it('1 for a command that fails, and for a command that is not one (as xl: "command not implemented")', () => {
    for (const cmd of ['fork wbe', 'touch web text 1', 'clock on', 'peek web heap 99999', 'frobnicate', 's'])
      expect(status(cmd).status, cmd).toBe(1);
  });
});
