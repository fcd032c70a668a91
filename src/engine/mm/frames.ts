// Machine frames: the host's physical memory, one 4 KiB frame per index.
//
// Like Xen's frame table, every frame has a reference count; here it counts the p2m chunks that hold
// the frame (see p2m.ts: a chunk shared by several pVMs is one holder). A frame with count 0 is free.
// Each frame also has a content token that changes on every write, so tests can prove isolation: a
// child's write never changes the token its parent reads.
//
// Frames that were never handed out are not on the free list: `nextFresh` marks where they start, so a
// 16 GiB host costs nothing to set up. Returned frames go on a LIFO free stack and are reused first.

import { fail } from '../errors.js';
import { hashInts } from '../hash.js';
import { nat, natList, record } from '../validate.js';

export const PAGE_SIZE = 4096;
export const PAGE_KIB = 4;

export interface FrameSnapshot {
  total: number;
  nextFresh: number;
  freeStack: number[];
  nextToken: number;
  tokens: number[]; // tokens of frames [0, nextFresh)
}

export class FrameTable {
  readonly total: number;
  /** Holders of each frame (p2m chunks); 0 means free. */
  readonly refs: Uint32Array;
  /** Content token of each frame; changes on every write. */
  readonly token: Uint32Array;
  private freeStack: Int32Array;
  private freeTop = 0;
  private nextFresh = 0;
  private nextToken = 1;

  constructor(totalFrames: number) {
    this.total = totalFrames;
    this.refs = new Uint32Array(totalFrames);
    this.token = new Uint32Array(totalFrames);
    this.freeStack = new Int32Array(1024);
  }

  get free(): number {
    return this.total - this.nextFresh + this.freeTop;
  }

  get used(): number {
    return this.total - this.free;
  }

  /** Take a free frame holding fresh content. The caller checked `free` first (ENOMEM is theirs to raise). */
  alloc(): number {
    let f: number;
    if (this.freeTop > 0) f = this.freeStack[--this.freeTop]!;
    else if (this.nextFresh < this.total) f = this.nextFresh++;
    else fail('ENOMEM', 'out of machine frames');
    this.refs[f] = 1;
    this.token[f] = this.nextToken++;
    return f;
  }

  /** Drop one holder; the frame returns to the free stack when none is left. */
  put(f: number): void {
    if (--this.refs[f]! === 0) {
      this.token[f] = 0;
      if (this.freeTop === this.freeStack.length) {
        const bigger = new Int32Array(this.freeStack.length * 2);
        bigger.set(this.freeStack);
        this.freeStack = bigger;
      }
      this.freeStack[this.freeTop++] = f;
    }
  }

  get(f: number): void {
    this.refs[f]!++;
  }

  /** A write: the frame's content becomes new. */
  write(f: number): void {
    this.token[f] = this.nextToken++;
  }

  /** Copy content from one frame to another (the copy half of a CoW break). */
  copy(from: number, to: number): void {
    this.token[to] = this.token[from]!;
  }

  /** Frames ever handed out: [0, highWater) holds every used frame. */
  get highWater(): number {
    return this.nextFresh;
  }

  isFree(f: number): boolean {
    return this.refs[f] === 0;
  }

  save(): FrameSnapshot {
    return {
      total: this.total,
      nextFresh: this.nextFresh,
      freeStack: Array.from(this.freeStack.subarray(0, this.freeTop)),
      nextToken: this.nextToken,
      tokens: Array.from(this.token.subarray(0, this.nextFresh)),
    };
  }

  fingerprint(): string {
    return `${this.nextFresh}:${this.nextToken}:${hashInts(this.freeStack.subarray(0, this.freeTop))}:${hashInts(this.token.subarray(0, this.nextFresh))}`;
  }

  /**
   * Restore allocation state and contents from a saved FrameSnapshot, checked as it is read; reference
   * counts are rebuilt by the p2m from its chunks.
   */
  static load(v: unknown): FrameTable {
    const s = record(v, 'frames');
    const total = s.total;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0)
      fail('EINVAL', `state: the host has ${String(total)} frames`);
    // The document lists a token per frame handed out, so nextFresh is bounded by its size; a hand-edited
    // one past that would make check() walk (and report) up to `total` frames (10^9 ran out of heap).
    const listed = Array.isArray(s.tokens) ? s.tokens.length : null;
    if (listed === null || s.nextFresh !== listed || listed > total) {
      fail(
        'EINVAL',
        `state: ${String(s.nextFresh)} frames handed out, but ${listed ?? 'no'} content tokens listed (of ${total} frames)`,
      );
    }
    const freeStack = natList(s, 'freeStack', 'frames');
    const t = new FrameTable(total);
    t.nextFresh = listed;
    t.nextToken = nat(s, 'nextToken', 'frames');
    t.freeStack = new Int32Array(Math.max(1024, freeStack.length * 2));
    t.freeStack.set(freeStack);
    t.freeTop = freeStack.length;
    t.token.set(natList(s, 'tokens', 'frames'));
    return t;
  }

  /** Problems found by the invariant check: free frames must hold nothing, every free frame listed once. */
  check(): string[] {
    const problems: string[] = [];
    const onStack = new Uint8Array(this.nextFresh);
    for (let i = 0; i < this.freeTop; i++) {
      const f = this.freeStack[i]!;
      if (f < 0 || f >= this.nextFresh) problems.push(`free stack holds frame ${f} that was never handed out`);
      else if (onStack[f]) problems.push(`frame ${f} is on the free stack twice`);
      else onStack[f] = 1;
      if (this.refs[f] !== 0) problems.push(`free frame ${f} still has ${this.refs[f]} holders`);
    }
    for (let f = 0; f < this.nextFresh; f++) {
      if (this.refs[f] === 0 && !onStack[f]) problems.push(`frame ${f} has no holder but is not free (leaked)`);
    }
    for (let f = this.nextFresh; f < this.total && f < this.nextFresh + 1; f++) {
      if (this.refs[f] !== 0) problems.push(`fresh frame ${f} has holders`);
    }
    return problems;
  }
}
