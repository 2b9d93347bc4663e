import { stratifiedKFold, stratifiedSplit } from './stratified-split';

const labels = Array.from({ length: 103 }, (_, i) => (i % 5 === 0 ? 1 : 0));

describe(stratifiedSplit.name, () => {
  it('should keep each class share and cover every row once', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 42);
    const spam = labels.filter((l) => l === 1).length; // 21
    expect(test.filter((i) => labels[i] === 1)).toHaveLength(Math.round(spam * 0.2));
    expect(test.filter((i) => labels[i] === 0)).toHaveLength(Math.round((103 - spam) * 0.2));
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(train).toEqual([...train].sort((a, b) => a - b));
  });

  it('should be deterministic per seed and differ across seeds', () => {
    expect(stratifiedSplit(labels, 0.2, 7)).toEqual(stratifiedSplit(labels, 0.2, 7));
    expect(stratifiedSplit(labels, 0.2, 7).test).not.toEqual(stratifiedSplit(labels, 0.2, 8).test);
  });

  it('should refuse a test fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow('testFraction must be in (0, 1), got 1');
  });
});

describe(stratifiedKFold.name, () => {
  it('should put every row in exactly one test fold with balanced classes', () => {
    const folds = stratifiedKFold(labels, 5, 1);
    expect(folds).toHaveLength(5);
    const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(labels.map((_, i) => i));
    for (const fold of folds) {
      const spam = fold.test.filter((i) => labels[i] === 1).length;
      expect(spam === 4 || spam === 5).toBe(true);
      expect(fold.train.length + fold.test.length).toBe(103);
      expect(fold.train.some((i) => fold.test.includes(i))).toBe(false);
    }
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('should refuse k < 2 and classes smaller than k', () => {
    expect(() => stratifiedKFold(labels, 1, 1)).toThrow('k must be an integer ≥ 2');
    expect(() => stratifiedKFold([1, 0, 0, 0], 2, 1)).toThrow('a class has 1 rows, fewer than k = 2 folds');
  });
});
