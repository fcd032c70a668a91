// --record FILE: the terminal session as an asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/),
// which `asciinema play FILE` replays: a header line {"version": 2, "width", "height", "timestamp",
// "env"}, then one event per line, [seconds since the start, "o", what was written] for output and
// [t, "r", "COLSxROWS"] for a resize. Everything written to the terminal goes through
// process.stdout.write (ink, the dashboard's blessed, the alternate-screen codes), so the recorder
// listens there. Each event is written at once (synchronously), so the file is whole up to the last
// event even if the session is killed.

import { closeSync, openSync, writeSync } from 'node:fs';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  env: { SHELL?: string; TERM?: string };
  title?: string;
}

export class Recorder {
  private readonly fd: number;
  private readonly t0: number;
  private closed = false;

  constructor(
    readonly path: string,
    width: number,
    height: number,
    env: NodeJS.ProcessEnv = process.env,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = now();
    this.fd = openSync(path, 'w');
    const header: CastHeader = {
      version: 2,
      width,
      height,
      timestamp: Math.floor(Date.now() / 1000),
      env: { SHELL: env.SHELL ?? '/bin/sh', TERM: env.TERM ?? 'xterm-256color' },
      title: 'kylinx-sh',
    };
    this.line(header);
  }

  private line(x: unknown): void {
    if (!this.closed) writeSync(this.fd, JSON.stringify(x) + '\n');
  }

  private t(): number {
    return Math.round(this.now() - this.t0) / 1000;
  }

  output(data: string | Uint8Array): void {
    if (data.length === 0) return;
    this.line([this.t(), 'o', typeof data === 'string' ? data : Buffer.from(data).toString('utf8')]);
  }

  resize(width: number, height: number): void {
    this.line([this.t(), 'r', `${width}x${height}`]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Record everything written to `out` (and its resizes) until the returned function is called. */
export function recordTerminal(out: NodeJS.WriteStream, path: string): () => void {
  const rec = new Recorder(path, out.columns || 80, out.rows || 24);
  const write = out.write;
  out.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) rec.output(chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof out.write;
  const onResize = (): void => rec.resize(out.columns || 80, out.rows || 24);
  out.on('resize', onResize);
  return () => {
    out.write = write;
    out.off('resize', onResize);
    rec.close();
  };
}
