import reference from './fixtures/sklearn-reference.json';
import { matrixOf, separableData } from './fixtures/synthetic-data';
import { fitLinearSvm, svmObjective } from './linear-svm';
import { seededRandom } from './seeded-random';
import { trainingData } from './training-data';

const X = matrixOf(reference.rows as Array<[number[], number[]]>, reference.nFeatures);
const y = Uint8Array.from(reference.y);
const C = reference.svm.C;

function solve(data: ReturnType<typeof trainingData>, maxIter = 100000, tol = 1e-9) {
  return fitLinearSvm(data, { C, tol, maxIter, random: seededRandom(1) });
}

describe(fitLinearSvm.name, () => {
  it.each([
    ['plain', {}, undefined],
    ['balanced', { classWeight: 'balanced' as const }, undefined],
    ['sampleWeighted', {}, Float64Array.from(reference.sampleWeight)],
  ] as const)("should match scikit-learn's LinearSVC (%s)", (name, params, sampleWeight) => {
    const expected = reference.svm[name];
    const data = trainingData(X, y, params, sampleWeight);
    const fit = solve(data);
    expect(fit.bias).toBeCloseTo(expected.bias, 5);
    fit.weights.forEach((w, j) => expect(w).toBeCloseTo(expected.weights[j], 5));
    const ours = svmObjective(data, C, fit.weights, fit.bias);
    const theirs = svmObjective(data, C, Float64Array.from(expected.weights), expected.bias);
    expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-9);
  });

  it('should lower the objective as it iterates', () => {
    const data = trainingData(X, y, {});
    const objectives = [1, 2, 5, 50].map((maxIter) => {
      const fit = solve(data, maxIter);
      return svmObjective(data, C, fit.weights, fit.bias);
    });
    const zero = svmObjective(data, C, new Float64Array(reference.nFeatures), 0);
    expect(objectives[0]).toBeLessThan(zero);
    for (let k = 1; k < objectives.length; k++) expect(objectives[k]).toBeLessThanOrEqual(objectives[k - 1] + 1e-12);
  });

  it('should separate linearly separable data', () => {
    const { X: Xs, y: ys } = separableData(300, 3);
    const fit = fitLinearSvm(trainingData(Xs, ys, {}), { C: 10, tol: 1e-4, maxIter: 1000, random: seededRandom(2) });
    Xs.rows.forEach((row, i) => {
      let d = fit.bias;
      row.indices.forEach((j, k) => (d += fit.weights[j] * row.values[k]));
      expect(d > 0 ? 1 : 0).toBe(ys[i]);
    });
  });

  it('should move the boundary towards ham when spam weighs more', () => {
    const plain = solve(trainingData(X, y, {}));
    const balanced = solve(trainingData(X, y, { classWeight: 'balanced' }));
    // One spam row in three: balancing raises every spam row's cost, so the intercept rises.
    expect(balanced.bias).toBeGreaterThan(plain.bias);
  });

  it('should ignore rows of weight zero', () => {
    const weights = new Float64Array(y.length).fill(1);
    weights[0] = 0;
    const withZero = solve(trainingData(X, y, {}, weights));
    const rest = Array.from({ length: y.length - 1 }, (_, k) => k + 1);
    const without = solve(
      trainingData(
        { rows: rest.map((i) => X.rows[i]), nFeatures: X.nFeatures },
        Uint8Array.from(rest, (i) => y[i]),
        {},
      ),
    );
    withZero.weights.forEach((w, j) => expect(w).toBeCloseTo(without.weights[j], 6));
  });
});
