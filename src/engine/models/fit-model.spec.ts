import { ALGORITHMS, type Algorithm, type SparseVector } from '../types';
import { noisyData, separableData, sparseVector } from './fixtures/synthetic-data';
import { DEFAULT_MODEL_PARAMS, fitModel, fitModelWithOutOfFold, modelFromState } from './index';
import { fitNaiveBayes } from './naive-bayes';
import { trainingData } from './training-data';

const train = separableData(300, 21);
const test = separableData(200, 22);
const fast = { random_forest: { nEstimators: 20 } } as Partial<Record<Algorithm, object>>;

function fit(algorithm: Algorithm, extra: object = {}, seed = 1) {
  return fitModel(algorithm, train.X, train.y, { ...fast[algorithm], ...extra }, { seed });
}

function roundTrip(state: unknown): unknown {
  return JSON.parse(JSON.stringify(state));
}

describe(fitModel.name, () => {
  it.each(ALGORITHMS)('should separate linearly separable sparse data (%s)', (algorithm) => {
    const model = fit(algorithm);
    let errors = 0;
    test.X.rows.forEach((row, i) => (errors += (model.probability(row) >= 0.5 ? 1 : 0) === test.y[i] ? 0 : 1));
    expect(errors).toBeLessThanOrEqual(2);
    expect(model.algorithm).toBe(algorithm);
    expect(model.params).toEqual({ ...DEFAULT_MODEL_PARAMS[algorithm], ...fast[algorithm] });
  });

  it.each(ALGORITHMS)('should rebuild a bit-identical model from its JSON state (%s)', (algorithm) => {
    const model = fit(algorithm);
    const state = roundTrip(model.toState());
    const rebuilt = modelFromState(state);
    expect(rebuilt.toState()).toEqual(state);
    const probes: SparseVector[] = [...test.X.rows, sparseVector([]), sparseVector([[49, 1]])];
    for (const row of probes) {
      expect(Object.is(rebuilt.decision(row), model.decision(row))).toBe(true);
      expect(Object.is(rebuilt.probability(row), model.probability(row))).toBe(true);
      expect(rebuilt.contributions(row)).toEqual(model.contributions(row));
    }
  });

  it.each(ALGORITHMS)('should give the same model for the same seed (%s)', (algorithm) => {
    expect(fit(algorithm, {}, 5).toState()).toEqual(fit(algorithm, {}, 5).toState());
  });

  it.each(['svm', 'logistic_regression'] as const)(
    'should fit NBSVM (nbAlpha) as a plain linear model over the unscaled features: w = w_scaled ∘ r (%s)',
    (algorithm) => {
      const nb = fitModel(algorithm, train.X, train.y, { nbAlpha: 0.5, calibration: 'none' }, { seed: 1 });
      const plain = fitModel(algorithm, train.X, train.y, { calibration: 'none' }, { seed: 1 });
      expect(nb.params.nbAlpha).toBe(0.5);
      expect(nb.toState()).not.toEqual({ ...plain.toState(), params: nb.params });
      // The same fit on explicitly scaled columns, then the weights scaled back, is the stored model.
      const r = fitNaiveBayes(trainingData(train.X, train.y, nb.params), 0.5).weights;
      const scaled = {
        nFeatures: train.X.nFeatures,
        rows: train.X.rows.map(({ indices, values }) => ({
          indices,
          values: Float64Array.from(values, (v, k) => v * r[indices[k]]),
        })),
      };
      const onScaled = fitModel(algorithm, scaled, train.y, { calibration: 'none' }, { seed: 1 });
      for (const row of test.X.rows.slice(0, 20)) {
        const scaledRow = {
          indices: row.indices,
          values: Float64Array.from(row.values, (v, k) => v * r[row.indices[k]]),
        };
        expect(nb.decision(row)).toBeCloseTo(onScaled.decision(scaledRow), 9);
      }
      const rebuilt = modelFromState(roundTrip(nb.toState()));
      expect(rebuilt.decision(test.X.rows[0])).toBe(nb.decision(test.X.rows[0]));
    },
  );

  it('should refuse a bad nbAlpha by name', () => {
    expect(() => fit('svm', { nbAlpha: 0 })).toThrow('model params: "nbAlpha" must be a finite number > 0 (got 0)');
  });

  it.each(ALGORITHMS)('should return out-of-fold probabilities of its calibration (%s)', (algorithm) => {
    const { model, outOfFold } = fitModelWithOutOfFold(
      algorithm,
      train.X,
      train.y,
      { ...fast[algorithm] },
      { seed: 3 },
    );
    expect(outOfFold).not.toBeNull();
    expect(outOfFold!.length).toBe(train.y.length);
    const known = Array.from(outOfFold!).filter((p) => !Number.isNaN(p));
    expect(known.length).toBeGreaterThan(train.y.length * 0.9);
    for (const p of known) expect(p >= 0 && p <= 1).toBe(true);
    // Out-of-fold, yet on separable data most rows fall on their side.
    let right = 0;
    outOfFold!.forEach((p, i) => (right += !Number.isNaN(p) && (p >= 0.5 ? 1 : 0) === train.y[i] ? 1 : 0));
    expect(right).toBeGreaterThan(known.length * 0.9);
    expect(model.toState()).toEqual(fit(algorithm, {}, 3).toState());
  });

  it('should return no out-of-fold probabilities without calibration', () => {
    expect(fitModelWithOutOfFold('svm', train.X, train.y, { calibration: 'none' }, { seed: 1 }).outOfFold).toBeNull();
  });

  it('should draw different forests for different seeds', () => {
    expect(fit('random_forest', {}, 5).toState()).not.toEqual(fit('random_forest', {}, 6).toState());
  });

  it('should give each linear model contributions that sum to the decision minus the bias', () => {
    for (const algorithm of ['naive_bayes', 'svm', 'logistic_regression'] as const) {
      const model = fit(algorithm);
      const bias = (model.toState() as unknown as { bias: number }).bias;
      for (const row of test.X.rows.slice(0, 10)) {
        const contributions = model.contributions(row);
        expect(contributions.length).toBeLessThanOrEqual(row.indices.length);
        expect(bias + contributions.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(model.decision(row), 12);
      }
    }
  });

  it.each(ALGORITHMS)('should fit rows without any feature and score an empty message (%s)', (algorithm) => {
    const rows = [...train.X.rows.slice(0, 40), sparseVector([]), sparseVector([])];
    const y = Uint8Array.from([...train.y.slice(0, 40), 1, 0]);
    const model = fitModel(algorithm, { rows, nFeatures: 50 }, y, { ...fast[algorithm] }, { seed: 1 });
    const p = model.probability(sparseVector([]));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
  });

  it('should ignore feature indices beyond the fitted columns', () => {
    const model = fit('svm');
    const row = test.X.rows[0];
    const extended = sparseVector([...Array.from(row.indices, (j, k) => [j, row.values[k]] as const), [500, 3]]);
    expect(model.decision(extended)).toBe(model.decision(row));
    expect(model.contributions(extended)).toEqual(model.contributions(row));
    const forest = fit('random_forest');
    expect(forest.decision(extended)).toBe(forest.decision(row));
  });

  describe('calibration', () => {
    it("should keep the model's own probability when calibration is 'none'", () => {
      for (const algorithm of ['naive_bayes', 'logistic_regression', 'svm'] as const) {
        const model = fit(algorithm, { calibration: 'none' });
        for (const row of test.X.rows.slice(0, 10)) {
          expect(model.probability(row)).toBeCloseTo(1 / (1 + Math.exp(-model.decision(row))), 14);
        }
      }
      const forest = fit('random_forest', { calibration: 'none' });
      for (const row of test.X.rows.slice(0, 10)) expect(forest.probability(row)).toBe(forest.decision(row));
    });

    it.each(ALGORITHMS)('should map decisions monotonically into [0, 1] (%s)', (algorithm) => {
      const model = fit(algorithm);
      const pairs = test.X.rows.map((row) => [model.decision(row), model.probability(row)] as const);
      pairs.sort((a, b) => a[0] - b[0]);
      for (let k = 1; k < pairs.length; k++) {
        expect(pairs[k][1]).toBeGreaterThanOrEqual(pairs[k - 1][1]);
        expect(pairs[k][1]).toBeGreaterThanOrEqual(0);
        expect(pairs[k][1]).toBeLessThanOrEqual(1);
      }
    });

    it.each(['logistic_regression', 'svm', 'naive_bayes', 'random_forest'] as const)(
      'should be well calibrated on noisy synthetic data (%s)',
      (algorithm) => {
        const data = noisyData(3000, 31);
        const fresh = noisyData(4000, 32);
        const model = fitModel(algorithm, data.X, data.y, { nEstimators: 30, minSamplesLeaf: 20 }, { seed: 3 });
        const bins = Array.from({ length: 4 }, () => ({ p: 0, spam: 0, n: 0 }));
        fresh.X.rows.forEach((row, i) => {
          const p = model.probability(row);
          const bin = bins[Math.min(3, Math.floor(p * 4))];
          bin.p += p;
          bin.spam += fresh.y[i];
          bin.n++;
        });
        for (const bin of bins.filter((b) => b.n >= 200)) {
          expect(Math.abs(bin.spam / bin.n - bin.p / bin.n)).toBeLessThan(0.06);
        }
      },
    );

    it('should refuse to calibrate with a single row of a class', () => {
      const y = Uint8Array.from(train.y);
      y.fill(0);
      y[0] = 1;
      expect(() => fitModel('svm', train.X, y, {}, { seed: 1 })).toThrow(/calibration.*2 rows of each class/);
      expect(fitModel('svm', train.X, y, { calibration: 'none' }, { seed: 1 }).algorithm).toBe('svm');
    });
  });

  describe('weights', () => {
    const noisy = noisyData(600, 41);
    const fresh = noisyData(1000, 42);
    // Leaves of 25+ rows, so that the forest's leaf fractions (not just its memory of the rows) carry the weights.
    const spamShare = (algorithm: Algorithm, params: object, sampleWeight?: Float64Array): number => {
      const model = fitModel(
        algorithm,
        noisy.X,
        noisy.y,
        { calibration: 'none', nEstimators: 20, minSamplesLeaf: 25, ...params },
        { seed: 2, sampleWeight },
      );
      return fresh.X.rows.filter((row) => model.probability(row) >= 0.5).length / fresh.X.rows.length;
    };

    it.each(ALGORITHMS)('should label more rows spam when spam rows weigh more (%s)', (algorithm) => {
      const heavySpam = Float64Array.from(noisy.y, (label) => (label === 1 ? 4 : 1));
      expect(spamShare(algorithm, {}, heavySpam)).toBeGreaterThan(spamShare(algorithm, {}));
    });

    it.each(ALGORITHMS)('should shift the decision towards the minority class when balanced (%s)', (algorithm) => {
      const minority = noisy.y.reduce((s, v) => s + v, 0) < noisy.y.length / 2 ? 1 : 0;
      const share = spamShare(algorithm, { classWeight: 'balanced' }) - spamShare(algorithm, {});
      expect(minority === 1 ? share : -share).toBeGreaterThan(0);
    });
  });

  describe('bad input', () => {
    it.each([
      [{ C: -1 }, '"C" must be a finite number > 0 (got -1)'],
      [{ alpha: Number.NaN }, '"alpha" must be a finite number > 0'],
      [{ nEstimators: 2.5 }, '"nEstimators" must be an integer >= 1'],
      [{ calibrationFolds: 1 }, '"calibrationFolds" must be an integer >= 2'],
      [{ maxDepth: 0 }, '"maxDepth" must be an integer >= 1'],
      [{ classWeight: 'auto' }, '"classWeight" must be \'balanced\' or null'],
      [{ calibration: 'isotonic' }, "\"calibration\" must be 'sigmoid' or 'none'"],
      [{ maxFeaturesPerSplit: 'all' }, '"maxFeaturesPerSplit" must be'],
      [{ gamma: 1 }, '"gamma" is not a known model parameter'],
    ])('should refuse params %j naming the key', (params, message) => {
      expect(() => fitModel('svm', train.X, train.y, params as object, { seed: 1 })).toThrow(message);
    });

    it('should refuse an unknown algorithm, a bad seed and bad training data', () => {
      const { X, y } = train;
      expect(() => fitModel('knn' as Algorithm, X, y, {}, { seed: 1 })).toThrow('"algorithm" must be one of');
      expect(() => fitModel('svm', X, y, {}, { seed: Number.NaN })).toThrow('"seed"');
      expect(() => fitModel('svm', X, y.subarray(1), {}, { seed: 1 })).toThrow('"y" has 299 labels for 300 rows');
      expect(() =>
        fitModel(
          'svm',
          X,
          Uint8Array.from(y, () => 2),
          {},
          { seed: 1 },
        ),
      ).toThrow('"y[0]" must be 0 or 1');
      expect(() => fitModel('svm', X, new Uint8Array(y.length), {}, { seed: 1 })).toThrow('both classes');
      const negative = new Float64Array(y.length).fill(1);
      negative[3] = -1;
      expect(() => fitModel('svm', X, y, {}, { seed: 1, sampleWeight: negative })).toThrow('"sampleWeight[3]"');
      expect(() => fitModel('svm', X, y, {}, { seed: 1, sampleWeight: new Float64Array(2) })).toThrow(
        '"sampleWeight" has 2',
      );
      const outOfRange = { rows: [...X.rows.slice(1), sparseVector([[60, 1]])], nFeatures: X.nFeatures };
      expect(() => fitModel('svm', outOfRange, y, {}, { seed: 1 })).toThrow(
        '"X.rows[299].indices[0]" must be increasing and < 50',
      );
      const notFinite = { rows: [sparseVector([[1, Number.POSITIVE_INFINITY]]), ...X.rows.slice(1)], nFeatures: 50 };
      expect(() => fitModel('svm', notFinite, y, {}, { seed: 1 })).toThrow('"X.rows[0].values[0]" must be finite');
      expect(() => fitModel('svm', { rows: X.rows, nFeatures: 0 }, y, {}, { seed: 1 })).toThrow('"X.nFeatures"');
    });
  });
});

describe(modelFromState.name, () => {
  const linear = fit('logistic_regression').toState() as unknown as Record<string, unknown>;
  const forest = fit('random_forest').toState() as unknown as Record<string, unknown>;
  const leaf = (forest.feature as number[]).indexOf(-1);
  const inner = (forest.feature as number[]).findIndex((f) => f >= 0);

  const withField = (state: Record<string, unknown>, key: string, value: unknown) => ({ ...state, [key]: value });
  const withItem = (state: Record<string, unknown>, key: string, index: number, value: unknown) => {
    const copy = [...(state[key] as unknown[])];
    copy[index] = value;
    return { ...state, [key]: copy };
  };

  it.each([
    ['not an object', 'just text', '"(root)" must be an object'],
    ['an unknown algorithm', withField(linear, 'algorithm', 'knn'), '"algorithm" must be one of'],
    ['a bad parameter', withField(linear, 'params', { C: 0 }), '"params.C" must be a finite number > 0'],
    ['params that are not an object', withField(linear, 'params', [1]), '"params" must be an object'],
    ['a bad feature count', withField(linear, 'nFeatures', 0), '"nFeatures" must be an integer'],
    ['a wrong format', withField(linear, 'format', 'forest'), '"format" must be \'linear\''],
    ['short weights', withField(linear, 'weights', [1, 2]), '"weights" must hold 50 numbers'],
    ['a weight that is not a number', withItem(linear, 'weights', 7, null), '"weights[7]" must be a finite number'],
    ['weights that are not an array', withField(linear, 'weights', 'x'), '"weights" must be an array of numbers'],
    ['a missing bias', withField(linear, 'bias', undefined), '"bias" must be a finite number'],
    ['a bad calibration', withField(linear, 'calibration', { a: 1 }), '"calibration.b" must be a finite number'],
    ['a calibration that is not an object', withField(linear, 'calibration', 3), '"calibration" must be null or'],
    ['a forest without roots', withField(forest, 'roots', []), '"roots" must hold at least one tree'],
    ['a root out of order', withItem(forest, 'roots', 1, 0), '"roots[1]" must be an integer'],
    ['a first root not at 0', withItem(forest, 'roots', 0, 1), '"roots[0]"'],
    [
      'a feature out of range',
      withItem(forest, 'feature', inner, 50),
      `"feature[${inner}]" must be an integer from 0 to 49`,
    ],
    ['a child pointing back', withItem(forest, 'left', inner, 0), `"left[${inner}]" must be an integer`],
    ['a leaf with children', withItem(forest, 'left', leaf, 3), `"left[${leaf}]" must be -1 for a leaf`],
    ['a value above 1', withItem(forest, 'value', leaf, 1.5), `"value[${leaf}]" must be in [0, 1]`],
    ['arrays of different lengths', withField(forest, 'threshold', [0]), '"threshold" must hold'],
    ['no nodes', withField(forest, 'value', []), '"value" must hold at least one node'],
  ])('should refuse %s, naming the field', (_, state, message) => {
    expect(() => modelFromState(state)).toThrow(message);
  });

  it('should fill parameters missing from an older state with the defaults', () => {
    const model = modelFromState({ ...linear, params: undefined });
    expect(model.params).toEqual(DEFAULT_MODEL_PARAMS.logistic_regression);
  });
});
