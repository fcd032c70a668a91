// A small seeded PRNG (mulberry32). The engine never calls Math.random: every random choice comes from
// here, and the state is part of the snapshot, so a seed and a command sequence fix every output.

export class Rng {
  // Initialised to a number here, not declared by a parameter property (which ES2022 class fields first
  // set to undefined): V8 then keeps the field an unboxed double, so next() does not allocate a heap
  // number for every state above 2^30, millions of times per virtual hour in `run`.
  private state = 0;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponentially distributed with the given mean (for Poisson arrivals). */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  save(): number {
    return this.state;
  }

  restore(s: number): void {
    this.state = s >>> 0;
  }
}
