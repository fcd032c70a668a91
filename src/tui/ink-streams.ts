// What ink uses of its streams, declared as interfaces, and views that give ink those members where
// its types ask for a whole NodeJS.WriteStream / ReadStream. A view is a Proxy of a real stream with
// our members in front: ink reads and calls only those (columns, rows, write, isTTY, the listeners;
// raw mode and reading on stdin), and the Proxy is of the real stream's type, so no cast is needed.
// Ink sees the real stream's writable state through the view, so it waits for write's callback.

import type { EventEmitter } from 'node:events';

/** The stdout ink writes a frame to. */
export interface InkStdout extends EventEmitter {
  readonly isTTY: boolean;
  readonly columns: number;
  readonly rows: number;
  /** `done` runs once the text is written: ink's barrier before it resolves an unmount. */
  write(s: string, done?: () => void): boolean;
}

/** The stdin ink reads keys from. */
export interface InkStdin extends EventEmitter {
  readonly isTTY: boolean;
  setEncoding(encoding: BufferEncoding): void;
  setRawMode(mode: boolean): void;
  ref(): void;
  unref(): void;
  resume(): void;
  pause(): void;
  read(): string | null;
}

/** `base` with `front`'s members in front of its own (methods bound to `front`). */
function view<T extends object>(base: T, front: object): T {
  return new Proxy(base, {
    get(target, key) {
      if (!(key in front)) return Reflect.get(target, key);
      const v: unknown = Reflect.get(front, key);
      return typeof v === 'function' ? v.bind(front) : v;
    },
  });
}

export function inkStdout(front: InkStdout, base: NodeJS.WriteStream = process.stdout): NodeJS.WriteStream {
  return view(base, front);
}

export function inkStdin(front: InkStdin, base: NodeJS.ReadStream = process.stdin): NodeJS.ReadStream {
  return view(base, front);
}
