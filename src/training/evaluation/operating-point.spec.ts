import { chooseOperatingPoint, figuresAt, formatRate, thresholdForFpRate } from './operating-point';

// 10 ham, 5 spam: two ham score high (0.9, 0.6), the spam spread from 0.3 to 0.95.
const probabilities = Float64Array.from([
  0.05, 0.1, 0.1, 0.15, 0.2, 0.2, 0.25, 0.3, 0.6, 0.9, 0.3, 0.55, 0.7, 0.8, 0.95,
]);
const labels = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);

describe('thresholdForFpRate', () => {
  it('with no false positive allowed, clears the highest ham halfway to the next probability above it', () => {
    expect(thresholdForFpRate(probabilities, labels, 0)).toBeCloseTo((0.9 + 0.95) / 2);
  });

  it('allows floor(rate × ham) false positives: one of ten at 10 %', () => {
    const t = thresholdForFpRate(probabilities, labels, 0.1);
    expect(t).toBeCloseTo((0.6 + 0.7) / 2);
    expect(figuresAt(probabilities, labels, t)).toMatchObject({ fp: 1, fn: 2, fpRate: 0.1 });
  });

  it('never lets the out-of-fold false-positive rate exceed the budget', () => {
    for (const rate of [0, 0.05, 0.1, 0.15, 0.2, 0.5, 0.9]) {
      const { fpRate } = figuresAt(probabilities, labels, thresholdForFpRate(probabilities, labels, rate));
      expect(fpRate).toBeLessThanOrEqual(rate);
    }
  });

  it('returns 1 when the highest ham is the highest probability', () => {
    expect(thresholdForFpRate([0.2, 1, 0.9], [1, 0, 1], 0)).toBe(1);
  });

  it('leaves out rows without an out-of-fold probability (NaN)', () => {
    expect(thresholdForFpRate([Number.NaN, 0.4, 0.8], [0, 0, 1], 0)).toBeCloseTo(0.6);
  });

  it('refuses a rate outside [0, 1)', () => {
    expect(() => thresholdForFpRate(probabilities, labels, 1)).toThrow('maxFpRate: expected 0 ≤ rate < 1, got 1');
    expect(() => thresholdForFpRate(probabilities, labels, -0.1)).toThrow(RangeError);
  });
});

describe('chooseOperatingPoint', () => {
  it('stores the threshold for the budget with its out-of-fold figures and how it was chosen', () => {
    const point = chooseOperatingPoint(probabilities, labels, 0.1, '5-fold cross-validation');
    expect(point.threshold).toBe(0.65);
    expect(point.maxFpRate).toBe(0.1);
    expect(point.cv).toMatchObject({ fp: 1, fn: 2, recall: 0.6 });
    expect(point.chosenBy).toBe(
      'lowest threshold keeping the false-positive rate ≤ 10 % on out-of-fold probabilities (5-fold cross-validation) of 15 training rows',
    );
  });

  it('keeps 0.5 without a budget, still reporting the figures there', () => {
    const point = chooseOperatingPoint(probabilities, labels, null, '3-fold cross-validation');
    expect(point).toMatchObject({ threshold: 0.5, maxFpRate: null, cv: { fp: 2, fn: 1 } });
  });

  it('keeps 0.5 for a model without out-of-fold probabilities', () => {
    expect(chooseOperatingPoint(null, labels, 0.001, 'none')).toMatchObject({
      threshold: 0.5,
      maxFpRate: null,
      cv: null,
    });
  });

  it('formats rates as people read them', () => {
    expect(formatRate(0.001)).toBe('0.1 %');
    expect(formatRate(0.0005)).toBe('0.05 %');
  });
});
