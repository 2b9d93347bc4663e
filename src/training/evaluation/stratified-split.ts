import { seededRandom, shuffled } from '../../engine';

export interface IndexSplit {
  readonly train: number[];
  readonly test: number[];
}

function indicesByClass(labels: ArrayLike<number>): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((label) => byClass.get(label)!);
}

/** Seeded stratified hold-out: each class contributes round(n_class · testFraction) rows to the test part. Indices sorted. */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): IndexSplit {
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const random = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const members of indicesByClass(labels)) {
    const order = shuffled(members, random);
    const nTest = Math.round(order.length * testFraction);
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * Seeded stratified k-fold: each class is shuffled and dealt round-robin into k folds, so fold sizes differ by at most
 * one per class. Returns k (train, test) pairs; every index is in exactly one test fold.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): IndexSplit[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
  const random = seededRandom(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const members of indicesByClass(labels)) {
    if (members.length < k) throw new RangeError(`a class has ${members.length} rows, fewer than k = ${k} folds`);
    shuffled(members, random).forEach((index, position) => folds[(position + offset) % k].push(index));
    offset += members.length;
  }
  return folds.map((testFold, f) => {
    const test = testFold.sort((a, b) => a - b);
    const train: number[] = [];
    folds.forEach((fold, g) => {
      if (g !== f) train.push(...fold);
    });
    return { train: train.sort((a, b) => a - b), test };
  });
}
