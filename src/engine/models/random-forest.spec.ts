import { sparseVector, separableData } from './fixtures/synthetic-data';
import { featuresPerSplit, fitRandomForest, RandomForestModel } from './random-forest';
import { trainingData } from './training-data';

function depthOf(forest: ReturnType<typeof fitRandomForest>['forest'], node: number): number {
  if (forest.feature[node] < 0) return 0;
  return 1 + Math.max(depthOf(forest, forest.left[node]), depthOf(forest, forest.right[node]));
}

describe(fitRandomForest.name, () => {
  const { X, y } = separableData(400, 5);

  it('should separate linearly separable sparse data', () => {
    const { forest } = fitRandomForest(trainingData(X, y, {}), { nEstimators: 25 }, 1);
    const model = new RandomForestModel({}, X.nFeatures, forest, null);
    const test = separableData(200, 6);
    let errors = 0;
    test.X.rows.forEach((row, i) => (errors += (model.decision(row) >= 0.5 ? 1 : 0) === test.y[i] ? 0 : 1));
    expect(errors).toBeLessThanOrEqual(2);
  });

  it('should give out-of-bag decisions that mostly agree with the labels', () => {
    const { outOfBagDecision } = fitRandomForest(trainingData(X, y, {}), { nEstimators: 20 }, 1);
    let agree = 0;
    let counted = 0;
    outOfBagDecision.forEach((d, i) => {
      if (Number.isNaN(d)) return;
      counted++;
      agree += (d >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
    });
    expect(counted).toBeGreaterThan(350);
    expect(agree / counted).toBeGreaterThan(0.95);
  });

  it('should honour maxDepth and minSamplesLeaf', () => {
    const shallow = fitRandomForest(trainingData(X, y, {}), { nEstimators: 5, maxDepth: 2 }, 1).forest;
    for (const root of shallow.roots) expect(depthOf(shallow, root)).toBeLessThanOrEqual(2);
    const data = trainingData(X, y, {});
    const { forest } = fitRandomForest(data, { nEstimators: 3, minSamplesLeaf: 20 }, 1);
    const model = new RandomForestModel({}, X.nFeatures, forest, null);
    // Every leaf is reached by at least 20 distinct training rows of its tree's bootstrap, so by ≥ 1 row overall.
    const leafHits = new Map<number, number>();
    for (const row of X.rows) {
      const dense = new Float64Array(X.nFeatures);
      row.indices.forEach((j, k) => (dense[j] = row.values[k]));
      for (const root of forest.roots) {
        let node = root;
        while (forest.feature[node] >= 0) {
          node = dense[forest.feature[node]] <= forest.threshold[node] ? forest.left[node] : forest.right[node];
        }
        leafHits.set(node, (leafHits.get(node) ?? 0) + 1);
      }
    }
    for (const hits of leafHits.values()) expect(hits).toBeGreaterThanOrEqual(20);
    expect(model.decision(X.rows[0])).toBeGreaterThanOrEqual(0);
  });

  it('should be deterministic for a seed and differ across seeds', () => {
    const data = trainingData(X, y, {});
    const a = fitRandomForest(data, { nEstimators: 5 }, 9).forest;
    const b = fitRandomForest(data, { nEstimators: 5 }, 9).forest;
    const c = fitRandomForest(data, { nEstimators: 5 }, 10).forest;
    expect(b).toEqual(a);
    expect(c.threshold).not.toEqual(a.threshold);
  });

  it('should split on negative values with the zeros in their sorted place', () => {
    // Spam iff feature 0 is negative; ham rows hold 0 (absent) or a positive value.
    const rows = [
      sparseVector([[0, -1]]),
      sparseVector([[0, -0.5]]),
      sparseVector([[1, 1]]),
      sparseVector([[0, 0.7]]),
      sparseVector([[0, 0.9]]),
    ];
    const labels = Uint8Array.from([1, 1, 0, 0, 0]);
    const weights = new Float64Array(5).fill(1);
    const data = trainingData(
      { rows: [...rows, ...rows], nFeatures: 2 },
      Uint8Array.from([...labels, ...labels]),
      {},
      Float64Array.from([...weights, ...weights]),
    );
    const { forest } = fitRandomForest(data, { nEstimators: 10, maxFeaturesPerSplit: 2 }, 2);
    const model = new RandomForestModel({}, 2, forest, null);
    expect(model.decision(sparseVector([[0, -0.8]]))).toBeGreaterThan(0.5);
    expect(model.decision(sparseVector([]))).toBeLessThan(0.5);
    expect(model.decision(sparseVector([[0, 0.8]]))).toBeLessThan(0.5);
  });
});

describe(RandomForestModel.name, () => {
  it('should explain a decision by tree paths that sum to the decision minus the mean root value', () => {
    const { X, y } = separableData(300, 8);
    const { forest } = fitRandomForest(trainingData(X, y, {}), { nEstimators: 15 }, 4);
    const model = new RandomForestModel({}, X.nFeatures, forest, null);
    let rootMean = 0;
    for (const root of forest.roots) rootMean += forest.value[root];
    rootMean /= forest.roots.length;
    for (const row of X.rows.slice(0, 20)) {
      const total = model.contributions(row).reduce((s, c) => s + c.weight, 0);
      expect(rootMean + total).toBeCloseTo(model.decision(row), 12);
    }
    const spamRow = X.rows[y.indexOf(1)];
    const top = model.contributions(spamRow).sort((a, b) => b.weight - a.weight)[0];
    expect(top.index).toBeLessThan(20);
  });
});

describe(featuresPerSplit.name, () => {
  it('should follow scikit-learn: sqrt and log2 rounded down, numbers capped at the column count', () => {
    expect(featuresPerSplit('sqrt', 3000)).toBe(54);
    expect(featuresPerSplit(undefined, 3)).toBe(1);
    expect(featuresPerSplit('log2', 3000)).toBe(11);
    expect(featuresPerSplit(500, 100)).toBe(100);
  });
});
