import reference from './fixtures/sklearn-reference.json';
import { matrixOf, separableData } from './fixtures/synthetic-data';
import { fitLogisticRegression, logisticObjective } from './logistic-regression';
import { seededRandom } from './seeded-random';
import { trainingData } from './training-data';

const X = matrixOf(reference.rows as Array<[number[], number[]]>, reference.nFeatures);
const y = Uint8Array.from(reference.y);
const C = reference.logisticRegression.C;

function solve(data: ReturnType<typeof trainingData>, maxIter = 100000, tol = 1e-9) {
  return fitLogisticRegression(data, { C, tol, maxIter, random: seededRandom(1) });
}

describe(fitLogisticRegression.name, () => {
  it.each([
    ['plain', {}, undefined],
    ['balanced', { classWeight: 'balanced' as const }, undefined],
    ['sampleWeighted', {}, Float64Array.from(reference.sampleWeight)],
  ] as const)("should match scikit-learn's liblinear LogisticRegression (%s)", (name, params, sampleWeight) => {
    const expected = reference.logisticRegression[name];
    const data = trainingData(X, y, params, sampleWeight);
    const fit = solve(data);
    expect(fit.bias).toBeCloseTo(expected.bias, 5);
    fit.weights.forEach((w, j) => expect(w).toBeCloseTo(expected.weights[j], 5));
    const ours = logisticObjective(data, C, fit.weights, fit.bias);
    const theirs = logisticObjective(data, C, Float64Array.from(expected.weights), expected.bias);
    expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-9);
  });

  it('should lower the objective as it iterates', () => {
    const data = trainingData(X, y, {});
    const zero = logisticObjective(data, C, new Float64Array(reference.nFeatures), 0);
    const objectives = [1, 3, 10, 100].map((maxIter) => {
      const fit = solve(data, maxIter);
      return logisticObjective(data, C, fit.weights, fit.bias);
    });
    expect(objectives[0]).toBeLessThan(zero);
    expect(objectives[3]).toBeLessThan(objectives[0]);
    const optimum = logisticObjective(
      data,
      C,
      Float64Array.from(reference.logisticRegression.plain.weights),
      reference.logisticRegression.plain.bias,
    );
    expect(objectives[3] - optimum).toBeLessThan(1e-6 * optimum);
  });

  it('should separate linearly separable data', () => {
    const { X: Xs, y: ys } = separableData(300, 4);
    const fit = fitLogisticRegression(trainingData(Xs, ys, {}), {
      C: 100,
      tol: 1e-4,
      maxIter: 1000,
      random: seededRandom(2),
    });
    Xs.rows.forEach((row, i) => {
      let d = fit.bias;
      row.indices.forEach((j, k) => (d += fit.weights[j] * row.values[k]));
      expect(d > 0 ? 1 : 0).toBe(ys[i]);
    });
  });

  it('should push the decision towards spam when spam rows weigh more', () => {
    const weights = Float64Array.from(y, (label) => (label === 1 ? 5 : 1));
    const plain = solve(trainingData(X, y, {}));
    const heavy = solve(trainingData(X, y, {}, weights));
    expect(heavy.bias).toBeGreaterThan(plain.bias);
  });
});
