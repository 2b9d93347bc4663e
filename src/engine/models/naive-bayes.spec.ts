import reference from './fixtures/sklearn-reference.json';
import { matrixOf, sparseVector } from './fixtures/synthetic-data';
import { fitNaiveBayes } from './naive-bayes';
import { trainingData } from './training-data';

describe(fitNaiveBayes.name, () => {
  it('should match hand-computed log probabilities on a tiny example', () => {
    // Two features; spam row [2, 0], ham rows [0, 1] and [1, 1]; alpha = 1.
    const X = {
      rows: [
        sparseVector([[0, 2]]),
        sparseVector([[1, 1]]),
        sparseVector([
          [0, 1],
          [1, 1],
        ]),
      ],
      nFeatures: 2,
    };
    const y = Uint8Array.from([1, 0, 0]);
    const { weights, bias } = fitNaiveBayes(trainingData(X, y, {}), 1);
    // spam: counts [2, 0] + 1 → [3, 1] / 4; ham: counts [1, 2] + 1 → [2, 3] / 5.
    expect(weights[0]).toBeCloseTo(Math.log(3 / 4) - Math.log(2 / 5), 14);
    expect(weights[1]).toBeCloseTo(Math.log(1 / 4) - Math.log(3 / 5), 14);
    expect(bias).toBeCloseTo(Math.log(1 / 3) - Math.log(2 / 3), 14);
    // log P(spam | x) − log P(ham | x) for x = [1, 2]:
    const spam = Math.log(1 / 3) + 1 * Math.log(3 / 4) + 2 * Math.log(1 / 4);
    const ham = Math.log(2 / 3) + 1 * Math.log(2 / 5) + 2 * Math.log(3 / 5);
    expect(bias + weights[0] + 2 * weights[1]).toBeCloseTo(spam - ham, 12);
  });

  it("should match scikit-learn's MultinomialNB on the reference data", () => {
    const X = matrixOf(reference.rows as Array<[number[], number[]]>, reference.nFeatures);
    const y = Uint8Array.from(reference.y);
    for (const [name, sampleWeight] of [
      ['plain', undefined],
      ['sampleWeighted', Float64Array.from(reference.sampleWeight)],
    ] as const) {
      const expected = reference.naiveBayes[name];
      const { weights, bias } = fitNaiveBayes(trainingData(X, y, {}, sampleWeight), reference.naiveBayes.alpha);
      expect(bias).toBeCloseTo(expected.classLogPrior[1] - expected.classLogPrior[0], 12);
      for (let j = 0; j < reference.nFeatures; j++) {
        expect(weights[j]).toBeCloseTo(expected.featureLogProb[1][j] - expected.featureLogProb[0][j], 12);
      }
      X.rows.forEach((row, i) => {
        let d = bias;
        row.indices.forEach((j, k) => (d += weights[j] * row.values[k]));
        expect(d).toBeCloseTo(expected.decision[i], 10);
      });
    }
  });

  it('should treat balanced class weights as equal class priors', () => {
    const X = { rows: [sparseVector([[0, 1]]), sparseVector([[1, 1]]), sparseVector([[1, 1]])], nFeatures: 2 };
    const y = Uint8Array.from([1, 0, 0]);
    expect(fitNaiveBayes(trainingData(X, y, { classWeight: 'balanced' }), 1).bias).toBeCloseTo(0, 14);
  });
});
