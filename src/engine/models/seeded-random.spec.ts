import { deriveSeed, seededRandom, shuffled } from './seeded-random';

describe(seededRandom.name, () => {
  it('should repeat its sequence for a seed and stay in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(seededRandom(42)());
    expect(deriveSeed(42, 0)).not.toBe(deriveSeed(42, 1));
  });
});

describe(shuffled.name, () => {
  it('should return a permutation of a copy, the same for the same seed', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const once = shuffled(items, seededRandom(3));
    expect([...once].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(shuffled(items, seededRandom(3))).toEqual(once);
  });
});
