import {
  chooseOperatingPoint,
  DEFAULT_MAX_FP_RATES,
  figuresAt,
  formatRate,
  thresholdForFpRate,
} from './operating-point';

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
    const point = chooseOperatingPoint({
      outOfFold: probabilities,
      labels,
      maxFpRate: 0.1,
      how: '5-fold cross-validation',
    });
    expect(point.threshold).toBe(0.65);
    expect(point.maxFpRate).toBe(0.1);
    expect(point.cv).toMatchObject({ fp: 1, fn: 2, recall: 0.6 });
    expect(point.chosenBy).toBe(
      'lowest threshold keeping the false-positive rate ≤ 10 % on out-of-fold probabilities (5-fold cross-validation) of 15 training rows',
    );
  });

  it('keeps 0.5 without a budget, still reporting the figures there', () => {
    const point = chooseOperatingPoint({
      outOfFold: probabilities,
      labels,
      maxFpRate: null,
      how: '3-fold cross-validation',
    });
    expect(point).toMatchObject({ threshold: 0.5, maxFpRate: null, cv: { fp: 2, fn: 1 } });
  });

  it('keeps 0.5 for a model without out-of-fold probabilities', () => {
    expect(chooseOperatingPoint({ outOfFold: null, labels, maxFpRate: 0.001, how: 'none' })).toMatchObject({
      threshold: 0.5,
      maxFpRate: null,
      cv: null,
    });
  });

  describe('per channel', () => {
    // 200 SMS rows (150 ham) whose ham scores low, 200 email rows (150 ham) whose ham scores high.
    const n = 400;
    const channels = Array.from({ length: n }, (_, i) => (i < 200 ? 'sms' : 'email') as 'sms' | 'email');
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 200 < 150 ? 0 : 1));
    const p = Float64Array.from({ length: n }, (_, i) => {
      const k = i % 200;
      if (i < 200) return k < 150 ? 0.001 * (k + 1) : 0.5 + 0.01 * (k - 150);
      return k < 150 ? 0.3 + 0.004 * k : 0.6 + 0.008 * (k - 150);
    });

    it('gives each channel its own threshold from its own rows, at its default budget', () => {
      const point = chooseOperatingPoint({ outOfFold: p, labels: y, channels, how: '5-fold cross-validation' });
      expect(point.maxFpRate).toBe(DEFAULT_MAX_FP_RATES.sms);
      expect(point.channels?.sms).toMatchObject({ maxFpRate: 0.001, cv: { fp: 0, fn: 0 } });
      expect(point.channels?.sms?.threshold).toBeLessThan(0.5);
      expect(point.channels?.email?.maxFpRate).toBe(0.004);
      expect(point.channels?.email?.cv?.fp).toBe(0);
      expect(point.channels!.email!.threshold).toBeGreaterThan(0.896);
      expect(point.chosenBy).toContain("each channel's own threshold");
    });

    it('applies a budget that is asked for to every channel', () => {
      const point = chooseOperatingPoint({ outOfFold: p, labels: y, channels, maxFpRate: 0.02, how: 'cv' });
      expect(point.channels?.sms?.maxFpRate).toBe(0.02);
      expect(point.channels?.email?.cv?.fp).toBe(3);
    });

    it('uses the one channel default for rows of one channel, and no per-channel entries', () => {
      const email = chooseOperatingPoint({
        outOfFold: p.slice(200),
        labels: y.slice(200),
        channels: channels.slice(200),
        how: 'cv',
      });
      expect(email.maxFpRate).toBe(DEFAULT_MAX_FP_RATES.email);
      expect(email.channels).toBeUndefined();
    });

    it('gives no channel its own threshold when it has fewer than the minimum ham rows', () => {
      const few = channels.map((c, i) => (c === 'email' && i % 200 >= 60 && i % 200 < 150 ? undefined : c));
      const point = chooseOperatingPoint({ outOfFold: p, labels: y, channels: few, how: 'cv' });
      expect(point.channels).toBeUndefined();
    });
  });

  it('formats rates as people read them', () => {
    expect(formatRate(0.001)).toBe('0.1 %');
    expect(formatRate(0.0005)).toBe('0.05 %');
  });
});
