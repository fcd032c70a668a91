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
 * A binary min-heap of timers ordered by (at, seq). The heap holds only each timer's time and the slot
 * of its other fields (seq, kind, target), so a sift moves two numbers per level instead of four. All of it lives in typed arrays, so arming and firing allocate nothing, which matters at millions of timers
 * per virtual hour.
 */
export class TimerQueue {
  /** Heap order: the time of each timer and its slot in the arrays below. */
  private at: Float64Array = new Float64Array(64);
  private slot: Int32Array = new Int32Array(64);
  /** By slot. */
  private seqs: Float64Array = new Float64Array(64);
  private kinds: Int32Array = new Int32Array(64);
  private targets: Int32Array = new Int32Array(64);
  /** Slots not in use, a stack; slots [0, slotsUsed) were handed out before. */
  private freeSlots: Int32Array = new Int32Array(64);
  private nFree = 0;
  private slotsUsed = 0;
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

  /** Heap entry i fires before the timer (at, seq). */
  private before(i: number, at: number, seq: number): boolean {
    const a = this.at[i]!;
    return a < at || (a === at && this.seqs[this.slot[i]!]! < seq);
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
    this.slot = i(this.slot);
    this.seqs = f(this.seqs);
    this.kinds = i(this.kinds);
    this.targets = i(this.targets);
    this.freeSlots = i(this.freeSlots);
  }

  /** Arm a timer; returns its sequence number (the owner keeps it to recognise its live timer). */
  arm(at: number, kind: number, target: number): number {
    const seq = this.nextSeq++;
    if (this.hasFront) {
      if (at >= this.frontAt) {
        this.push(at, seq, kind, target);
        return seq;
      }
      this.push(this.frontAt, this.frontSeq, this.frontKind, this.frontTarget);
    } else if (this.n > 0 && at >= this.at[0]!) {
      // Sequence numbers only grow, so a tie with the heap's minimum goes behind it.
      this.push(at, seq, kind, target);
      return seq;
    }
    this.hasFront = true;
    this.frontAt = at;
    this.frontSeq = seq;
    this.frontKind = kind;
    this.frontTarget = target;
    return seq;
  }

  private push(at: number, seq: number, kind: number, target: number): void {
    if (this.n >= this.at.length) this.grow();
    const k = this.nFree > 0 ? this.freeSlots[--this.nFree]! : this.slotsUsed++;
    this.seqs[k] = seq;
    this.kinds[k] = kind;
    this.targets[k] = target;
    this.siftUp(this.n++, at, k, seq);
  }

  /** Parents later than (at, seq) move down into the hole at i, which rises to its place. */
  private siftUp(i: number, at: number, k: number, seq: number): void {
    const A = this.at;
    const K = this.slot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pa = A[p]!;
      if (pa < at || (pa === at && this.seqs[K[p]!]! < seq)) break;
      A[i] = pa;
      K[i] = K[p]!;
      i = p;
    }
    A[i] = at;
    K[i] = k;
  }

  /** When the earliest timer fires, or Infinity when none is armed. */
  peekAt(): number {
    if (this.hasFront) return this.frontAt;
    return this.n > 0 ? this.at[0]! : Infinity;
  }

  /** Remove the earliest timer and return it (a shared object, valid until the next pop). */
  pop(): Timer | undefined {
    return this.popUntil(Infinity);
  }

  /** pop(), if the earliest timer fires at `end` or before; else undefined and nothing changes. */
  popUntil(end: number): Timer | undefined {
    const t = this.fired;
    if (this.hasFront) {
      if (this.frontAt > end) return undefined;
      this.hasFront = false;
      t.at = this.frontAt;
      t.seq = this.frontSeq;
      t.kind = this.frontKind;
      t.target = this.frontTarget;
      return t;
    }
    if (this.n === 0 || this.at[0]! > end) return undefined;
    const k = this.slot[0]!;
    t.at = this.at[0]!;
    t.seq = this.seqs[k]!;
    t.kind = this.kinds[k]!;
    t.target = this.targets[k]!;
    this.freeSlots[this.nFree++] = k;
    const last = --this.n;
    if (last > 0) this.refill(last);
    return t;
  }

  /**
   * The root left; the last entry fills the gap. Bottom-up (Floyd): the hole sinks to a leaf along the
   * earliest child, and the last entry, usually among the latest, rises from there.
   */
  private refill(last: number): void {
    const A = this.at;
    const K = this.slot;
    let i = 0;
    let c = 1;
    while (c < last) {
      let ca = A[c]!;
      if (c + 1 < last) {
        const ra = A[c + 1]!;
        if (ra < ca || (ra === ca && this.seqs[K[c + 1]!]! < this.seqs[K[c]!]!)) {
          c++;
          ca = ra;
        }
      }
      A[i] = ca;
      K[i] = K[c]!;
      i = c;
      c = 2 * c + 1;
    }
    const k = K[last]!;
    this.siftUp(i, A[last]!, k, this.seqs[k]!);
  }

  /** Canonical: timers sorted by (at, seq), whatever the heap's layout (a sorted array is a heap). */
  save(): TimerQueueSnapshot {
    const seqAt = (i: number): number => this.seqs[this.slot[i]!]!;
    const idx = Array.from({ length: this.n }, (_, i) => i).sort(
      (i, j) => this.at[i]! - this.at[j]! || seqAt(i) - seqAt(j),
    );
    const heap: number[] = [];
    if (this.hasFront) heap.push(this.frontAt, this.frontSeq, this.frontKind, this.frontTarget);
    for (const i of idx) {
      const k = this.slot[i]!;
      heap.push(this.at[i]!, this.seqs[k]!, this.kinds[k]!, this.targets[k]!);
    }
    return { nextSeq: this.nextSeq, heap };
  }

  static load(s: TimerQueueSnapshot): TimerQueue {
    const q = new TimerQueue();
    q.nextSeq = s.nextSeq;
    for (let i = 0; i < s.heap.length; i += 4) {
      if (q.n >= q.at.length) q.grow();
      // In (at, seq) order, so each lands where it is pushed.
      q.at[q.n] = s.heap[i]!;
      q.slot[q.n] = q.n;
      q.seqs[q.n] = s.heap[i + 1]!;
      q.kinds[q.n] = s.heap[i + 2]!;
      q.targets[q.n] = s.heap[i + 3]!;
      q.n++;
    }
    q.slotsUsed = q.n;
    return q;
  }

  /** Heap order holds everywhere and every slot is used once (for check()). */
  check(): string[] {
    for (let i = 1; i < this.n; i++) {
      const k = this.slot[i]!;
      const p = (i - 1) >> 1;
      if (this.before(i, this.at[p]!, this.seqs[this.slot[p]!]!)) return [`timer heap out of order at ${i}`];
      if (this.seqs[k]! >= this.nextSeq) return [`timer ${this.seqs[k]} has a sequence number not yet issued`];
    }
    if (this.n > 0 && this.seqs[this.slot[0]!]! >= this.nextSeq)
      return [`timer ${this.seqs[this.slot[0]!]} has a sequence number not yet issued`];
    if (this.hasFront && this.n > 0 && this.frontAt > this.at[0]!)
      return ['the front timer is later than the heap minimum'];
    if (this.hasFront && this.frontSeq >= this.nextSeq)
      return [`timer ${this.frontSeq} has a sequence number not yet issued`];
    if (this.n + this.nFree !== this.slotsUsed)
      return [`${this.n} timers and ${this.nFree} free slots, ${this.slotsUsed} slots handed out`];
    const seen = new Uint8Array(this.slotsUsed);
    for (let i = 0; i < this.n; i++) seen[this.slot[i]!]!++;
    for (let i = 0; i < this.nFree; i++) seen[this.freeSlots[i]!]!++;
    if (seen.some((x) => x !== 1)) return ['a timer slot is used twice or lost'];
    return [];
  }
}

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
