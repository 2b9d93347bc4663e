import { calibratedProbability, fitSigmoidCalibration, inverseLogit, stratifiedFolds } from './calibration';
import reference from './fixtures/sklearn-reference.json';
import { seededRandom } from './seeded-random';

describe(fitSigmoidCalibration.name, () => {
  const ref = reference.sigmoidCalibration;
  const decisions = Float64Array.from(ref.decisions);
  const labels = Uint8Array.from(ref.labels);

  it("should match scikit-learn's _sigmoid_calibration", () => {
    const plain = fitSigmoidCalibration(decisions, labels);
    expect(plain.a).toBeCloseTo(ref.plain.a, 4);
    expect(plain.b).toBeCloseTo(ref.plain.b, 4);
    const weighted = fitSigmoidCalibration(decisions, labels, Float64Array.from(ref.weights));
    expect(weighted.a).toBeCloseTo(ref.weighted.a, 4);
    expect(weighted.b).toBeCloseTo(ref.weighted.b, 4);
  });

  it('should map decisions monotonically into (0, 1)', () => {
    const calibration = fitSigmoidCalibration(decisions, labels);
    expect(calibration.a).toBeLessThan(0);
    let previous = 0;
    for (let d = -40; d <= 40; d += 0.5) {
      const p = calibratedProbability(calibration, d);
      // Strictly increasing where doubles can tell the values apart, never decreasing in the tails.
      if (Math.abs(d) <= 15) expect(p).toBeGreaterThan(previous);
      else expect(p).toBeGreaterThanOrEqual(previous);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      if (Math.abs(d) <= 15) expect(p > 0 && p < 1).toBe(true);
      previous = p;
    }
    expect(calibratedProbability(calibration, -1e6)).toBeGreaterThanOrEqual(0);
    expect(calibratedProbability(calibration, 1e6)).toBeLessThanOrEqual(1);
  });

  it('should be well calibrated on data drawn from a known sigmoid', () => {
    const random = seededRandom(11);
    const n = 20000;
    const f = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      f[i] = (random() - 0.5) * 8;
      y[i] = random() < inverseLogit(-1.5 * f[i] - 0.3) ? 1 : 0;
    }
    const calibration = fitSigmoidCalibration(f, y);
    expect(calibration.a).toBeCloseTo(-1.5, 1);
    expect(calibration.b).toBeCloseTo(-0.3, 1);
    // Reliability: in each probability bin the observed spam rate matches the mean prediction.
    const bins = Array.from({ length: 5 }, () => ({ p: 0, spam: 0, n: 0 }));
    for (let i = 0; i < n; i++) {
      const p = calibratedProbability(calibration, f[i]);
      const bin = bins[Math.min(4, Math.floor(p * 5))];
      bin.p += p;
      bin.spam += y[i];
      bin.n++;
    }
    for (const bin of bins) expect(Math.abs(bin.spam / bin.n - bin.p / bin.n)).toBeLessThan(0.03);
  });
});

describe(stratifiedFolds.name, () => {
  it('should deal each class evenly over the folds, the same way for the same seed', () => {
    const labels = Uint8Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const folds = stratifiedFolds(labels, 5, seededRandom(3));
    for (let fold = 0; fold < 5; fold++) {
      let spam = 0;
      let ham = 0;
      labels.forEach((label, i) => {
        if (folds[i] !== fold) return;
        if (label === 1) spam++;
        else ham++;
      });
      expect(spam).toBeGreaterThanOrEqual(5);
      expect(spam).toBeLessThanOrEqual(6);
      expect(ham).toBeGreaterThanOrEqual(15);
      expect(ham).toBeLessThanOrEqual(16);
    }
    expect(stratifiedFolds(labels, 5, seededRandom(3))).toEqual(folds);
    expect(stratifiedFolds(labels, 5, seededRandom(4))).not.toEqual(folds);
  });
});
