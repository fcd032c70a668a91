// Finding a command by the word typed, as xl's cmdtable_lookup (xl_cmdtable.c) does: an exact name
// wins, else a prefix that names exactly one command. xl's commands are matched against xl's OWN table
// (every name of Xen 4.11's xl, implemented here or not), so the prefixes an xl user types mean what
// they mean in xl (`li` list, `i` info, `to` top, `up` uptime, `un` unpause) and a prefix xl finds
// ambiguous (`s`, `sh`) is not a command here either. KylinX's own commands (fork, tree, pipe, ...)
// take part only where xl has nothing: by exact name, or by a prefix that begins no xl command and
// names one KylinX command (`fo` fork, `tre` tree; not `t`, which begins xl's top).

import { fail } from '../engine/errors.js';
import { suggest } from '../engine/suggest.js';
import type { AnyCommand } from './types.js';

/** Every command of xl 4.11's xl_cmdtable.c, in its order. */
export const XL_COMMANDS: readonly string[] = [
  'create', 'config-update', 'list', 'destroy', 'shutdown', 'reboot', 'pci-attach', 'pci-detach', 'pci-list',
  'pci-assignable-add', 'pci-assignable-remove', 'pci-assignable-list', 'pause', 'unpause', 'console',
  'vncviewer', 'save', 'migrate', 'restore', 'migrate-receive', 'dump-core', 'cd-insert', 'cd-eject',
  'mem-max', 'mem-set', 'button-press', 'vcpu-list', 'vcpu-pin', 'vcpu-set', 'vm-list', 'info', 'sharing',
  'sched-credit', 'sched-credit2', 'sched-rtds', 'domid', 'domname', 'rename', 'trigger', 'sysrq',
  'debug-keys', 'set-parameters', 'dmesg', 'top', 'network-attach', 'network-list', 'network-detach',
  'channel-list', 'block-attach', 'block-list', 'block-detach', 'vtpm-attach', 'vtpm-list', 'vtpm-detach',
  'vdispl-attach', 'vdispl-list', 'vdispl-detach', 'uptime', 'claims', 'tmem-list', 'tmem-freeze',
  'tmem-thaw', 'tmem-set', 'tmem-shared-auth', 'tmem-freeable', 'cpupool-create', 'cpupool-list',
  'cpupool-destroy', 'cpupool-rename', 'cpupool-cpu-add', 'cpupool-cpu-remove', 'cpupool-migrate',
  'cpupool-numa-split', 'getenforce', 'setenforce', 'loadpolicy', 'remus', 'devd', 'psr-hwinfo',
  'psr-cmt-attach', 'psr-cmt-detach', 'psr-cmt-show', 'psr-cat-set', 'psr-cat-show', 'psr-mba-set',
  'psr-mba-show', 'usbctrl-attach', 'usbctrl-detach', 'usbdev-attach', 'usbdev-detach', 'usb-list',
  'qemu-monitor-command',
]; // prettier-ignore

/** The names that mean another command ('quit' leaves the shell as 'exit' alone does). */
const ALIASES: Record<string, string> = { quit: 'exit' };

/** cmdtable_lookup over `names`: the exact name, else the one name `word` begins, else undefined. */
function cmdtableLookup(names: readonly string[], word: string): string | undefined {
  let hit: string | undefined;
  let count = 0;
  for (const n of names) {
    if (!n.startsWith(word)) continue;
    if (n.length === word.length) return n;
    hit = n;
    count++;
  }
  return count === 1 ? hit : undefined;
}

export class CommandLookup {
  private readonly byName: Map<string, AnyCommand>;
  private readonly kylinx: string[];

  constructor(private readonly commands: readonly AnyCommand[]) {
    this.byName = new Map(commands.map((c) => [c.name, c]));
    this.kylinx = commands.filter((c) => !XL_COMMANDS.includes(c.name)).map((c) => c.name);
  }

  /** The command `word` names, or undefined. */
  find(word: string): AnyCommand | undefined {
    const exact = this.byName.get(word) ?? this.byName.get(ALIASES[word] ?? '');
    if (exact) return exact;
    if (word === '') return undefined;
    if (XL_COMMANDS.some((n) => n.startsWith(word))) {
      const xl = cmdtableLookup(XL_COMMANDS, word);
      return xl === undefined ? undefined : this.byName.get(xl);
    }
    const own = cmdtableLookup(this.kylinx, word);
    return own === undefined ? undefined : this.byName.get(own);
  }

  /**
   * The command, or xl's "command not implemented" (exit status 1, as xl) with what the word could be:
   * the commands it begins when it is ambiguous, the nearest name when it is a slip, or an xl command
   * this model does not have.
   */
  findOrFail(word: string): AnyCommand {
    const c = this.find(word);
    if (c) return c;
    const begins = this.commands.filter((x) => x.name.startsWith(word)).map((x) => x.name);
    const xlOnly = cmdtableLookup(XL_COMMANDS, word);
    let hint: string;
    if (xlOnly !== undefined) hint = `xl's '${xlOnly}' is not modelled here (type help for the list)`;
    else if (begins.length > 1) hint = `'${word}' begins ${begins.join(', ')}: type more letters`;
    else {
      const near = suggest(word, this.byName.keys());
      hint = near ? `did you mean '${near}'?` : 'type help for the list';
    }
    fail('ENOSYS', `command not implemented: '${word}' (${hint})`);
  }

  all(): readonly AnyCommand[] {
    return this.commands;
  }
}
