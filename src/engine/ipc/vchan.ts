// A libxenvchan-style ring: a byte ring in a shared page with free-running 32-bit producer and consumer
// counters (data ready = prod - cons, free = size - (prod - cons), both modulo 2^32), and the notify bits
// each side sets when it must wait, so the peer notifies only when someone is waiting.
//
// By default the ring is the 1024-byte one at offset 1024 of the page (libxenvchan's smaller ring).

export const VCHAN_RING_BYTES = 1024;

export interface RingSnapshot {
  size: number;
  prod: number;
  cons: number;
  /** The bytes between cons and prod, as latin1 text. */
  data: string;
  readerWants: boolean;
  writerWants: boolean;
}

export class Ring {
  private buf: Uint8Array;
  prod = 0;
  cons = 0;
  /** Set by the reader when it waits for data (libxenvchan starts with it set: the first write notifies). */
  readerWants = true;
  /** Set by the writer when it waits for space. */
  writerWants = false;

  constructor(readonly size: number = VCHAN_RING_BYTES) {
    this.buf = new Uint8Array(size);
  }

  ready(): number {
    return (this.prod - this.cons) >>> 0;
  }

  free(): number {
    return this.size - this.ready();
  }

  /** Copy in as much of `bytes` as fits; returns how many went in. */
  put(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.free());
    for (let i = 0; i < n; i++) this.buf[(this.prod + i) % this.size] = bytes[i]!;
    this.prod = (this.prod + n) >>> 0;
    return n;
  }

  /** Take up to `max` bytes out. */
  get(max: number): Uint8Array {
    const n = Math.min(max, this.ready());
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.buf[(this.cons + i) % this.size]!;
    this.cons = (this.cons + n) >>> 0;
    return out;
  }

  save(): RingSnapshot {
    const data = latin1(this.peekAll());
    return {
      size: this.size,
      prod: this.prod,
      cons: this.cons,
      data,
      readerWants: this.readerWants,
      writerWants: this.writerWants,
    };
  }

  static load(s: RingSnapshot): Ring {
    const r = new Ring(s.size);
    r.prod = s.prod;
    r.cons = s.cons;
    for (let i = 0; i < s.data.length; i++) r.buf[(s.cons + i) % s.size] = s.data.charCodeAt(i);
    r.readerWants = s.readerWants;
    r.writerWants = s.writerWants;
    return r;
  }

  private peekAll(): Uint8Array {
    const n = this.ready();
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.buf[(this.cons + i) % this.size]!;
    return out;
  }

  check(): string[] {
    const p: string[] = [];
    if (this.ready() > this.size) p.push(`ring holds ${this.ready()} bytes, more than its ${this.size}`);
    if (!Number.isInteger(this.prod) || this.prod < 0 || this.prod > 0xffffffff)
      p.push(`prod ${this.prod} is not a 32-bit counter`);
    if (!Number.isInteger(this.cons) || this.cons < 0 || this.cons > 0xffffffff)
      p.push(`cons ${this.cons} is not a 32-bit counter`);
    return p;
  }
}

// One encoder and decoder for every call (they hold no state between calls without `stream`).
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** UTF-8 bytes of text (what `write` puts in a ring). */
export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text);
}

/** Text of bytes read from a ring; bytes that are not valid UTF-8 show as U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

/** Bytes as a latin1 string (one char per byte), how snapshots carry ring data, messages and blocked writes. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

export function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Bytes for display: their text quoted, long runs cut in the middle. */
export function quote(bytes: Uint8Array): string {
  const t = fromUtf8(bytes);
  const shown = t.length > 40 ? `${t.slice(0, 18)}…${t.slice(-18)}` : t;
  return JSON.stringify(shown);
}
