import { compareScores } from './promotion';

describe(compareScores.name, () => {
  it('should require F1 not lower and false positives not higher by default', () => {
    expect(compareScores({ test: { f1: 0.95, fp: 2 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(true);
    expect(compareScores({ test: { f1: 0.96, fp: 3 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(false);
    expect(compareScores({ test: { f1: 0.94, fp: 1 } }, { test: { f1: 0.95, fp: 2 } }).better).toBe(false);
  });

  it('should apply a configured rule on every common set', () => {
    const rule = { minF1Gain: 0.01, maxFpIncrease: 1 };
    const champion = { sms: { f1: 0.9, fp: 5 }, email: { f1: 0.95, fp: 3 } };
    expect(compareScores({ sms: { f1: 0.92, fp: 6 }, email: { f1: 0.96, fp: 3 } }, champion, rule)).toEqual({
      better: true,
      reason:
        'better on email: F1 0.9600 vs 0.9500 (need ≥ +0.01), FP 3 vs 3 (allowed +1); sms: F1 0.9200 vs 0.9000 (need ≥ +0.01), FP 6 vs 5 (allowed +1)',
    });
    expect(compareScores({ sms: { f1: 0.92, fp: 6 }, email: { f1: 0.955, fp: 3 } }, champion, rule)).toMatchObject({
      better: false,
      reason: expect.stringMatching(/^not better on email: /),
    });
  });

  it('should refuse to compare sets of different sizes or none in common', () => {
    expect(compareScores({ test: { f1: 1, fp: 0, n: 100 } }, { test: { f1: 0.5, fp: 9, n: 200 } })).toEqual({
      better: false,
      reason: 'no evaluation set in common with the champion, so it cannot be compared',
    });
    expect(compareScores({ a: { f1: 1, fp: 0 } }, { b: { f1: 0.5, fp: 9 } }).better).toBe(false);
  });
});
