/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every platform,
 * so fitted models are reproducible bit for bit.
 */
export type RandomSource = () => number;

export function seededRandom(seed: number): RandomSource {
  let state = (Math.trunc(seed) ^ 0x6d2b79f5) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for a sub-task (a fold, a tree) that does not overlap its siblings' streams. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(Math.trunc(seed) ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
}

/** Uniform integer in [0, n). */
export function randomInt(random: RandomSource, n: number): number {
  return Math.floor(random() * n);
}

export function shuffleInPlace(items: Int32Array, random: RandomSource, length = items.length): void {
  for (let i = 0; i < length - 1; i++) {
    const j = i + randomInt(random, length - i);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** A shuffled copy (Fisher–Yates from the end), for data splits. */
export function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const swap = out[i];
    out[i] = out[j];
    out[j] = swap;
  }
  return out;
}
