// Virtual time and the timer queue. Time is an integer-valued number of nanoseconds (hv.nowNs) that only
// `run` moves; the scheduler pops timers in (time, sequence) order and jumps from one to the next, so an
// idle host costs nothing per millisecond and a busy one costs per event.
//
// A timer is plain data (when, kind, target) rather than a closure so the queue serialises with the rest
// of the engine: a restored engine fires the same timers in the same order. Cancelling is lazy, as in
// many kernels' timer wheels: the owner remembers the sequence number of its one live timer and ignores
// any other that fires (see Timer.seq).

export interface Timer {
  /** Virtual time at which it fires, ns. */
  at: number;
  /** Unique, increasing: breaks ties deterministically (first armed, first fired) and names the timer. */
  seq: number;
  /** What to do: the owner's small integer code. */
  kind: number;
  /** Whom it concerns: a pCPU number, a vCPU id, ... */
  target: number;
}

export interface TimerQueueSnapshot {
  nextSeq: number;
  /** Flattened [at, seq, kind, target, ...] in heap order. */
  heap: number[];
}

/**
 * A binary min-heap of timers ordered by (at, seq), kept in parallel typed arrays: arming and firing
 * allocate nothing, which matters at millions of timers per virtual hour.
 */
export class TimerQueue {
  private at: Float64Array = new Float64Array(64);
  private seqs: Float64Array = new Float64Array(64);
  private kinds: Int32Array = new Int32Array(64);
  private targets: Int32Array = new Int32Array(64);
  private n = 0;
  private nextSeq = 1;
  /**
   * A slot in front of the heap for a timer earlier than every timer in it: the common case of a burst
   * armed to end before anything else happens costs O(1) to arm and to fire instead of two sifts.
   */
  private hasFront = false;
  private frontAt = 0;
  private frontSeq = 0;
  private frontKind = 0;
  private frontTarget = 0;
  /** The timer pop() returned; overwritten by the next pop. */
  private readonly fired: Timer = { at: 0, seq: 0, kind: 0, target: 0 };

  get size(): number {
    return this.n + (this.hasFront ? 1 : 0);
  }

  private before(i: number, j: number): boolean {
    const a = this.at[i]!;
    const b = this.at[j]!;
    return a < b || (a === b && this.seqs[i]! < this.seqs[j]!);
  }

  private move(from: number, to: number): void {
    this.at[to] = this.at[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.targets[to] = this.targets[from]!;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const f = (old: Float64Array): Float64Array => {
      const x = new Float64Array(size);
      x.set(old);
      return x;
    };
    const i = (old: Int32Array): Int32Array => {
      const x = new Int32Array(size);
      x.set(old);
      return x;
    };
    this.at = f(this.at);
    this.seqs = f(this.seqs);
    this.kinds = i(this.kinds);
    this.targets = i(this.targets);
  }

  /** Arm a timer; returns its sequence number (the owner keeps it to recognise its live timer). */
  arm(at: number, kind: number, target: number): number {
    const seq = this.nextSeq++;
    const heapMin = this.n > 0 ? this.at[0]! : Infinity;
    if (!this.hasFront) {
      // Sequence numbers only grow, so a tie with the heap's minimum goes behind it.
      if (at < heapMin) {
        this.setFront(at, seq, kind, target);
        return seq;
      }
    } else if (at < this.frontAt) {
      this.push(this.frontAt, this.frontSeq, this.frontKind, this.frontTarget);
      this.setFront(at, seq, kind, target);
      return seq;
    }
    this.push(at, seq, kind, target);
    return seq;
  }

  private setFront(at: number, seq: number, kind: number, target: number): void {
    this.hasFront = true;
    this.frontAt = at;
    this.frontSeq = seq;
    this.frontKind = kind;
    this.frontTarget = target;
  }

  private push(at: number, seq: number, kind: number, target: number): void {
    if (this.n + 1 >= this.at.length) this.grow();
    // Sift up with the new timer parked in the spare slot n + 1.
    const tmp = this.n + 1;
    this.at[tmp] = at;
    this.seqs[tmp] = seq;
    this.kinds[tmp] = kind;
    this.targets[tmp] = target;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(tmp, p)) break;
      this.move(p, i);
      i = p;
    }
    this.move(tmp, i);
  }

  /** When the earliest timer fires, or Infinity when none is armed. */
  peekAt(): number {
    if (this.hasFront) return this.frontAt;
    return this.n > 0 ? this.at[0]! : Infinity;
  }

  /** Remove the earliest timer and return it (a shared object, valid until the next pop). */
  pop(): Timer | undefined {
    const t = this.fired;
    if (this.hasFront) {
      this.hasFront = false;
      t.at = this.frontAt;
      t.seq = this.frontSeq;
      t.kind = this.frontKind;
      t.target = this.frontTarget;
      return t;
    }
    if (this.n === 0) return undefined;
    t.at = this.at[0]!;
    t.seq = this.seqs[0]!;
    t.kind = this.kinds[0]!;
    t.target = this.targets[0]!;
    const last = --this.n;
    if (last > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.before(r, l) ? r : l;
        if (!this.before(c, last)) break;
        this.move(c, i);
        i = c;
      }
      this.move(last, i);
    }
    return t;
  }

  /** Canonical: timers sorted by (at, seq), whatever the heap's layout (a sorted array is a heap). */
  save(): TimerQueueSnapshot {
    const idx = Array.from({ length: this.n }, (_, i) => i).sort((i, j) => this.at[i]! - this.at[j]! || this.seqs[i]! - this.seqs[j]!);
    const heap: number[] = [];
    if (this.hasFront) heap.push(this.frontAt, this.frontSeq, this.frontKind, this.frontTarget);
    for (const i of idx) heap.push(this.at[i]!, this.seqs[i]!, this.kinds[i]!, this.targets[i]!);
    return { nextSeq: this.nextSeq, heap };
  }

  static load(s: TimerQueueSnapshot): TimerQueue {
    const q = new TimerQueue();
    q.nextSeq = s.nextSeq;
    for (let i = 0; i < s.heap.length; i += 4) {
      if (q.n + 1 >= q.at.length) q.grow();
      q.at[q.n] = s.heap[i]!;
      q.seqs[q.n] = s.heap[i + 1]!;
      q.kinds[q.n] = s.heap[i + 2]!;
      q.targets[q.n] = s.heap[i + 3]!;
      q.n++;
    }
    return q;
  }

  /** Heap order holds everywhere (for check()). */
  check(): string[] {
    for (let i = 1; i < this.n; i++) if (this.before(i, (i - 1) >> 1)) return [`timer heap out of order at ${i}`];
    if (this.hasFront && this.n > 0 && this.frontAt > this.at[0]!) return ['the front timer is later than the heap minimum'];
    if (this.hasFront && this.frontSeq >= this.nextSeq) return [`timer ${this.frontSeq} has a sequence number not yet issued`];
    for (let i = 0; i < this.n; i++) if (this.seqs[i]! >= this.nextSeq) return [`timer ${this.seqs[i]} has a sequence number not yet issued`];
    return [];
  }
}

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
