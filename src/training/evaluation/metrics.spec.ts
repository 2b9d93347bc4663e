import { averagePrecision, evaluate, meanAndSd, precisionRecallCurve, rocAuc, rocCurve } from './metrics';

// 4 spam, 4 ham; at 0.5: tp 3 (0.9, 0.8, 0.7), fp 1 (0.6), fn 1 (0.3), tn 3.
const Y = [1, 1, 1, 0, 0, 0, 0, 1];
const S = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.4, 0.7];

describe(evaluate.name, () => {
  it('should count the confusion matrix and derive the figures by hand', () => {
    const m = evaluate(Y, S);
    expect([m.tp, m.fp, m.tn, m.fn, m.n]).toEqual([3, 1, 3, 1, 8]);
    expect(m.confusionMatrix).toEqual([
      [3, 1],
      [1, 3],
    ]);
    expect(m.accuracy).toBe(0.75);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(0.75);
    // (3·3 − 1·1) / √(4·4·4·4) = 8 / 16
    expect(m.mcc).toBe(0.5);
    // 14 of 16 (spam, ham) pairs ranked correctly
    expect(m.rocAuc).toBe(0.875);
  });

  it('should apply the threshold', () => {
    const m = evaluate(Y, S, 0.75);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([2, 0, 4, 2]);
    expect(m.precision).toBe(1);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.mcc).toBeCloseTo(8 / Math.sqrt(2 * 4 * 4 * 6), 12);
  });

  it('should give 0 instead of dividing by zero, and null AUC for one class', () => {
    const m = evaluate([0, 0, 0], [0.1, 0.2, 0.3]);
    expect([m.precision, m.recall, m.f1, m.mcc, m.accuracy]).toEqual([0, 0, 0, 0, 1]);
    expect(m.rocAuc).toBeNull();
    expect(evaluate([], []).accuracy).toBe(0);
  });

  it('should refuse labels and scores of different lengths', () => {
    expect(() => evaluate([1], [0.1, 0.2])).toThrow('labels and scores differ in length: 1 vs 2');
  });
});

describe(rocAuc.name, () => {
  it('should count ties as one half', () => {
    expect(rocAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])).toBe(0.875);
  });
});

describe(rocCurve.name, () => {
  it('should step through every distinct score from (0,0) to (1,1)', () => {
    expect(rocCurve(Y, S).map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 0.25],
      [0, 0.5],
      [0, 0.75],
      [0.25, 0.75],
      [0.5, 0.75],
      [0.5, 1],
      [0.75, 1],
      [1, 1],
    ]);
    expect(rocCurve(Y, S)[1].threshold).toBe(0.9);
  });

  it('should merge tied scores into one point', () => {
    expect(rocCurve([1, 0, 1], [0.5, 0.5, 0.5]).map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
});

describe(precisionRecallCurve.name, () => {
  it('should give precision and recall at each threshold and the average precision', () => {
    const points = precisionRecallCurve(Y, S);
    expect(points.map((p) => [p.recall, Number(p.precision.toFixed(4))])).toEqual([
      [0, 1],
      [0.25, 1],
      [0.5, 1],
      [0.75, 1],
      [0.75, 0.75],
      [0.75, 0.6],
      [1, 0.6667],
      [1, 0.5714],
      [1, 0.5],
    ]);
    // 3 × 0.25 × 1 + 0.25 × 4/6
    expect(averagePrecision(Y, S)).toBeCloseTo(0.75 + 0.25 * (4 / 6), 12);
  });
});

describe(meanAndSd.name, () => {
  it('should use the sample standard deviation', () => {
    expect(meanAndSd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, sd: Math.sqrt(32 / 7) });
    expect(meanAndSd([3])).toEqual({ mean: 3, sd: 0 });
    expect(meanAndSd([]).mean).toBeNaN();
  });
});
