// The hypervisor's console ring (Xen's conring, read by `xl dmesg`): a bounded log of what the
// hypervisor did, each line stamped with virtual time. Boot warnings (a host-file value Xen would clamp)
// and the engine's events after each command go in; the oldest lines fall out past CONRING_BYTES, as
// Xen's ring overwrites its oldest text. It is part of the state: saved, loaded and checked.

import type { EngineEvent, Subsystem } from './hypervisor.js';
import { arrOf, record } from './validate.js';

/** Xen's default console ring: 16 KiB (conring_size). */
export const CONRING_BYTES = 16384;

/** Events too many to log one by one (a copy-on-write break per page written). */
const UNLOGGED = new Set(['cow']);

export class ConsoleRing implements Subsystem {
  readonly name = 'conring';
  private lines: string[] = [];
  private bytes = 0;

  /** printk: one line at virtual time `t` (ns). */
  printk(t: number, text: string): void {
    const line = `(XEN) [${stamp(t)}] ${text}`;
    this.lines.push(line);
    this.bytes += line.length + 1;
    while (this.bytes > CONRING_BYTES && this.lines.length > 1) this.bytes -= this.lines.shift()!.length + 1;
  }

  onPrintk(t: number, text: string): void {
    this.printk(t, text);
  }

  /** The events a command caused, as the toolstack's hypercalls would have Xen log them. */
  logEvents(events: readonly EngineEvent[]): void {
    for (const e of events) if (!UNLOGGED.has(e.kind)) this.printk(e.t, e.text);
  }

  read(): readonly string[] {
    return this.lines;
  }

  /** xl dmesg -c. */
  clear(): void {
    this.lines = [];
    this.bytes = 0;
  }

  save(): { lines: string[] } {
    return { lines: [...this.lines] };
  }

  load(data: unknown): void {
    this.clear();
    // A state saved before the ring existed has none: an empty ring.
    if (data === undefined) return;
    const lines = arrOf(record(data, 'conring'), 'lines', 'str', 'conring') as string[];
    for (const l of lines) {
      this.lines.push(l);
      this.bytes += l.length + 1;
    }
  }

  check(): string[] {
    let n = 0;
    for (const l of this.lines) n += l.length + 1;
    return n === this.bytes ? [] : [`the ring counts ${this.bytes} bytes, its lines hold ${n}`];
  }
}

/** Seconds since boot as "%5lu.%06lu" (Xen's console_timestamps=boot). */
function stamp(t: number): string {
  const us = Math.floor(t / 1000);
  return `${String(Math.floor(us / 1e6)).padStart(5)}.${String(us % 1e6).padStart(6, '0')}`;
}
