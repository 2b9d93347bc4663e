import type { ModelParams, ModelState, SparseVector, TrainedModel } from '../types';
import { calibratedProbability, type SigmoidCalibration } from './calibration';
import { deriveSeed, randomInt, seededRandom, type RandomSource } from './seeded-random';
import type { TrainingData } from './training-data';

/**
 * All trees of a forest in flat arrays (node-major). A leaf has feature −1 and children −1. A row goes left when
 * x[feature] ≤ threshold (absent features count as 0). `value` is the node's weighted spam fraction, kept for
 * every node because the tree-path explanation needs the interior values too.
 */
export interface ForestArrays {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

export interface ForestModelState extends ModelState {
  readonly format: 'forest';
  readonly nFeatures: number;
  readonly roots: number[];
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
  readonly calibration: SigmoidCalibration | null;
}

export function featuresPerSplit(setting: ModelParams['maxFeaturesPerSplit'], nFeatures: number): number {
  if (setting === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (typeof setting === 'number') return Math.min(setting, nFeatures);
  return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
}

class NodeList {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];

  add(value: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    return this.value.length - 1;
  }
}

/**
 * Grows Gini trees on sparse rows. For each node it scans only the node's rows: the features present there
 * (and not constant) are the candidates, `featuresPerSplit` of them are drawn at random — the same distribution
 * as scikit-learn's "draw until enough non-constant features" — and each drawn feature's non-zero values are
 * sorted; the zeros form one block in their sorted place. Cost per tree level ≈ the non-zeros of the bootstrap.
 */
class TreeGrower {
  private readonly n: number;
  private readonly stamp: Int32Array;
  private readonly count: Int32Array;
  private readonly minValue: Float64Array;
  private readonly maxValue: Float64Array;
  private readonly slotOf: Int32Array;
  private readonly slotStamp: Int32Array;
  private readonly touched: Int32Array;
  private readonly bucketRow: Int32Array;
  private readonly bucketValue: Float64Array;
  private readonly bucketOrder: Int32Array;
  private readonly goRight: Uint8Array;
  private readonly partitionBuffer: Int32Array;
  private readonly slotFeature: Int32Array;
  private readonly slotStart: Int32Array;
  private readonly rowNnz: Int32Array;
  private readonly rowStamp: Int32Array;
  private readonly featurePool: Int32Array;
  /** The training rows by column (CSC), each column's entries sorted by value. */
  private readonly columnStart: Int32Array;
  private readonly columnRow: Int32Array;
  private readonly columnValue: Float64Array;
  private readonly meanColumnLength: number;
  private stampCounter = 0;

  constructor(
    private readonly data: TrainingData,
    private readonly mtry: number,
    private readonly minSamplesLeaf: number,
    private readonly maxDepth: number,
  ) {
    const nFeatures = data.X.nFeatures;
    this.n = data.y.length;
    let nnz = 0;
    for (const row of data.X.rows) nnz += row.indices.length;
    this.stamp = new Int32Array(nFeatures).fill(-1);
    this.count = new Int32Array(nFeatures);
    this.minValue = new Float64Array(nFeatures);
    this.maxValue = new Float64Array(nFeatures);
    this.slotOf = new Int32Array(nFeatures);
    this.slotStamp = new Int32Array(nFeatures).fill(-1);
    this.touched = new Int32Array(Math.min(nFeatures, nnz) + 1);
    this.bucketRow = new Int32Array(nnz + 1);
    this.bucketValue = new Float64Array(nnz + 1);
    this.bucketOrder = new Int32Array(nnz + 1);
    this.goRight = new Uint8Array(this.n);
    this.partitionBuffer = new Int32Array(this.n);
    this.slotFeature = new Int32Array(mtry);
    this.slotStart = new Int32Array(mtry + 1);
    this.rowNnz = new Int32Array(this.n);
    this.rowStamp = new Int32Array(this.n).fill(-1);
    this.featurePool = new Int32Array(nFeatures);
    for (let j = 0; j < nFeatures; j++) this.featurePool[j] = j;
    this.meanColumnLength = nnz / nFeatures;
    const columnStart = new Int32Array(nFeatures + 1);
    const rows = data.X.rows;
    for (let i = 0; i < this.n; i++) {
      const indices = rows[i].indices;
      this.rowNnz[i] = indices.length;
      for (let q = 0; q < indices.length; q++) columnStart[indices[q] + 1]++;
    }
    for (let j = 0; j < nFeatures; j++) columnStart[j + 1] += columnStart[j];
    const fill = columnStart.slice(0, nFeatures);
    const columnRow = new Int32Array(nnz);
    const columnValue = new Float64Array(nnz);
    for (let i = 0; i < this.n; i++) {
      const { indices, values } = rows[i];
      for (let q = 0; q < indices.length; q++) {
        const at = fill[indices[q]]++;
        columnRow[at] = i;
        columnValue[at] = values[q];
      }
    }
    for (let j = 0; j < nFeatures; j++) sortColumn(columnRow, columnValue, columnStart[j], columnStart[j + 1]);
    this.columnStart = columnStart;
    this.columnRow = columnRow;
    this.columnValue = columnValue;
  }

  /** Grows one tree on rows `order` with weights `weight` (0 for rows outside the bootstrap) into `nodes`. */
  grow(order: Int32Array, weight: Float64Array, random: RandomSource, nodes: NodeList): number {
    const stack: Array<[node: number, start: number, end: number, depth: number]> = [];
    const rootStats = this.stats(order, 0, order.length, weight);
    const root = nodes.add(rootStats[1] / rootStats[0]);
    stack.push([root, 0, order.length, 0]);
    while (stack.length > 0) {
      const [node, start, end, depth] = stack.pop()!;
      const [W, S] = this.stats(order, start, end, weight);
      const size = end - start;
      if (S <= 0 || S >= W || size < 2 * this.minSamplesLeaf || size < 2 || depth >= this.maxDepth) continue;
      const split = this.bestSplit(order, start, end, weight, W, S, random);
      if (split === null) continue;
      const { feature, threshold, slotStart, slotLength } = split;
      const goRight = this.goRight;
      const zeroGoesRight = 0 > threshold ? 1 : 0;
      for (let p = start; p < end; p++) goRight[order[p]] = zeroGoesRight;
      for (let q = slotStart; q < slotStart + slotLength; q++) {
        goRight[this.bucketRow[q]] = this.bucketValue[q] > threshold ? 1 : 0;
      }
      let l = start;
      let r = 0;
      for (let p = start; p < end; p++) {
        const row = order[p];
        if (goRight[row] === 0) order[l++] = row;
        else this.partitionBuffer[r++] = row;
      }
      order.set(this.partitionBuffer.subarray(0, r), l);
      const [lW, lS] = this.stats(order, start, l, weight);
      const [rW, rS] = this.stats(order, l, end, weight);
      const leftNode = nodes.add(lS / lW);
      const rightNode = nodes.add(rS / rW);
      nodes.feature[node] = feature;
      nodes.threshold[node] = threshold;
      nodes.left[node] = leftNode;
      nodes.right[node] = rightNode;
      stack.push([rightNode, l, end, depth + 1], [leftNode, start, l, depth + 1]);
    }
    return root;
  }

  private stats(order: Int32Array, start: number, end: number, weight: Float64Array): [number, number] {
    const y = this.data.y;
    let W = 0;
    let S = 0;
    for (let p = start; p < end; p++) {
      const w = weight[order[p]];
      W += w;
      if (y[order[p]] === 1) S += w;
    }
    return [W, S];
  }

  private bestSplit(
    order: Int32Array,
    start: number,
    end: number,
    weight: Float64Array,
    W: number,
    S: number,
    random: RandomSource,
  ): { feature: number; threshold: number; slotStart: number; slotLength: number } | null {
    const id = this.stampCounter++;
    let rowCost = 0;
    for (let p = start; p < end; p++) rowCost += this.rowNnz[order[p]];
    // Scanning the node's rows costs their non-zeros; drawing columns costs ~ draws × mean column length, with
    // more draws the fewer distinct features the node holds. Both give the same distribution of candidates.
    const nFeatures = this.data.X.nFeatures;
    const draws = Math.min(nFeatures, (this.mtry * nFeatures) / Math.max(1, Math.min(nFeatures, rowCost)));
    const columnCost = draws * this.meanColumnLength + (end - start);
    const k =
      columnCost < rowCost
        ? this.gatherByColumns(order, start, end, id, random)
        : this.gatherByRows(order, start, end, id, random);
    if (k === 0) return null;
    return this.evaluate(k, end - start, weight, W, S);
  }

  /** Candidates from the node's rows: every feature present and not constant, `mtry` drawn among them. */
  private gatherByRows(order: Int32Array, start: number, end: number, id: number, random: RandomSource): number {
    const rows = this.data.X.rows;
    const { stamp, count, minValue, maxValue, touched, slotOf, slotStamp, slotFeature, slotStart } = this;
    const { bucketRow, bucketValue, bucketOrder } = this;
    const size = end - start;
    let nTouched = 0;
    for (let p = start; p < end; p++) {
      const { indices, values } = rows[order[p]];
      for (let q = 0; q < indices.length; q++) {
        const f = indices[q];
        const v = values[q];
        if (stamp[f] !== id) {
          stamp[f] = id;
          count[f] = 1;
          minValue[f] = v;
          maxValue[f] = v;
          touched[nTouched++] = f;
        } else {
          count[f]++;
          if (v < minValue[f]) minValue[f] = v;
          if (v > maxValue[f]) maxValue[f] = v;
        }
      }
    }
    let nCandidates = 0;
    for (let t = 0; t < nTouched; t++) {
      const f = touched[t];
      const constant = minValue[f] === maxValue[f] && (count[f] === size || minValue[f] === 0);
      if (!constant) touched[nCandidates++] = f;
    }
    const k = Math.min(this.mtry, nCandidates);
    slotStart[0] = 0;
    for (let t = 0; t < k; t++) {
      const u = t + randomInt(random, nCandidates - t);
      const f = touched[u];
      touched[u] = touched[t];
      touched[t] = f;
      slotFeature[t] = f;
      slotOf[f] = t;
      slotStamp[f] = id;
      slotStart[t + 1] = slotStart[t] + count[f];
    }
    const fill = slotStart.slice(0, k);
    for (let p = start; p < end; p++) {
      const row = order[p];
      const { indices, values } = rows[row];
      for (let q = 0; q < indices.length; q++) {
        const f = indices[q];
        if (slotStamp[f] === id) {
          const at = fill[slotOf[f]]++;
          bucketRow[at] = row;
          bucketValue[at] = values[q];
        }
      }
    }
    for (let t = 0; t < k; t++) {
      const from = slotStart[t];
      const to = slotStart[t + 1];
      for (let q = from; q < to; q++) bucketOrder[q] = q;
      if (to - from > 1) bucketOrder.subarray(from, to).sort((a, b) => bucketValue[a] - bucketValue[b]);
    }
    return k;
  }

  /**
   * Candidates drawn from all columns, as scikit-learn does: a drawn column that is constant in the node does not
   * count; stop at `mtry` usable ones. Columns are pre-sorted by value, so the node's entries come out sorted.
   */
  private gatherByColumns(order: Int32Array, start: number, end: number, id: number, random: RandomSource): number {
    const { rowStamp, featurePool, columnStart, columnRow, columnValue, slotFeature, slotStart } = this;
    const { bucketRow, bucketValue, bucketOrder } = this;
    const size = end - start;
    for (let p = start; p < end; p++) rowStamp[order[p]] = id;
    const nFeatures = featurePool.length;
    let k = 0;
    let at = 0;
    slotStart[0] = 0;
    for (let t = 0; t < nFeatures && k < this.mtry; t++) {
      const u = t + randomInt(random, nFeatures - t);
      const f = featurePool[u];
      featurePool[u] = featurePool[t];
      featurePool[t] = f;
      const from = at;
      for (let q = columnStart[f]; q < columnStart[f + 1]; q++) {
        const row = columnRow[q];
        if (rowStamp[row] === id) {
          bucketRow[at] = row;
          bucketValue[at] = columnValue[q];
          bucketOrder[at] = at;
          at++;
        }
      }
      const found = at - from;
      const constant =
        found === 0 || (bucketValue[from] === bucketValue[at - 1] && (found === size || bucketValue[from] === 0));
      if (constant) {
        at = from;
        continue;
      }
      slotFeature[k] = f;
      slotStart[++k] = at;
    }
    return k;
  }

  /** Best Gini split over the gathered slots; each slot's entries are in ascending order through `bucketOrder`. */
  private evaluate(
    k: number,
    size: number,
    weight: Float64Array,
    W: number,
    S: number,
  ): { feature: number; threshold: number; slotStart: number; slotLength: number } | null {
    const y = this.data.y;
    const { bucketRow, bucketValue, bucketOrder, slotStart, slotFeature } = this;
    const msl = this.minSamplesLeaf;
    let bestScore = -Infinity;
    let bestThreshold = 0;
    let bestSlot = -1;
    for (let t = 0; t < k; t++) {
      const from = slotStart[t];
      const to = slotStart[t + 1];
      let nzW = 0;
      let nzS = 0;
      for (let q = from; q < to; q++) {
        const w = weight[bucketRow[q]];
        nzW += w;
        if (y[bucketRow[q]] === 1) nzS += w;
      }
      const zeroCount = size - (to - from);
      const zeroW = W - nzW;
      const zeroS = S - nzS;
      let lW = 0;
      let lS = 0;
      let lN = 0;
      let previous = 0;
      let zeroPending = zeroCount > 0;
      let q = from;
      while (q < to || zeroPending) {
        let v: number;
        let w: number;
        let s: number;
        let c: number;
        if (zeroPending && (q >= to || bucketValue[bucketOrder[q]] > 0)) {
          v = 0;
          w = zeroW;
          s = zeroS;
          c = zeroCount;
          zeroPending = false;
        } else {
          const at = bucketOrder[q++];
          v = bucketValue[at];
          w = weight[bucketRow[at]];
          s = y[bucketRow[at]] === 1 ? w : 0;
          c = 1;
        }
        if (lN > 0 && v > previous && lN >= msl && size - lN >= msl) {
          const rW = W - lW;
          const rS = S - lS;
          if (lW > 0 && rW > 0) {
            const lH = lW - lS;
            const rH = rW - rS;
            const score = (lS * lS + lH * lH) / lW + (rS * rS + rH * rH) / rW;
            if (score > bestScore) {
              bestScore = score;
              bestSlot = t;
              let threshold = previous / 2 + v / 2;
              if (threshold >= v || threshold < previous) threshold = previous;
              bestThreshold = threshold;
            }
          }
        }
        lW += w;
        lS += s;
        lN += c;
        previous = v;
      }
    }
    if (bestSlot < 0) return null;
    return {
      feature: slotFeature[bestSlot],
      threshold: bestThreshold,
      slotStart: slotStart[bestSlot],
      slotLength: slotStart[bestSlot + 1] - slotStart[bestSlot],
    };
  }
}

/** Sorts one column's entries by value (rows ascending within a value: they were filled in row order). */
function sortColumn(rows: Int32Array, values: Float64Array, from: number, to: number): void {
  if (to - from <= 32) {
    for (let q = from + 1; q < to; q++) {
      const v = values[q];
      const r = rows[q];
      let p = q - 1;
      while (p >= from && values[p] > v) {
        values[p + 1] = values[p];
        rows[p + 1] = rows[p];
        p--;
      }
      values[p + 1] = v;
      rows[p + 1] = r;
    }
    return;
  }
  const position = new Int32Array(to - from);
  for (let q = 0; q < position.length; q++) position[q] = from + q;
  position.sort((a, b) => values[a] - values[b] || a - b);
  const sortedRows = Int32Array.from(position, (q) => rows[q]);
  const sortedValues = Float64Array.from(position, (q) => values[q]);
  rows.set(sortedRows, from);
  values.set(sortedValues, from);
}

interface TreeNodes {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
}

/** Leaf reached by a row whose values are spread in `dense`. */
function leafOf(nodes: TreeNodes, root: number, dense: Float64Array): number {
  const { feature, threshold, left, right } = nodes;
  let node = root;
  let f = feature[node];
  while (f >= 0) {
    node = dense[f] <= threshold[node] ? left[node] : right[node];
    f = feature[node];
  }
  return node;
}

export interface ForestFit {
  readonly forest: ForestArrays;
  /** Mean leaf value over the trees whose bootstrap left the row out (NaN if none did). */
  readonly outOfBagDecision: Float64Array;
}

/**
 * Random forest as scikit-learn's RandomForestClassifier: each tree on a bootstrap sample of the rows (drawn with
 * replacement, weight = times drawn × row weight), Gini splits, `featuresPerSplit` candidate features per node.
 */
export function fitRandomForest(data: TrainingData, params: ModelParams, seed: number): ForestFit {
  const n = data.y.length;
  const nFeatures = data.X.nFeatures;
  const nTrees = params.nEstimators ?? 100;
  const grower = new TreeGrower(
    data,
    featuresPerSplit(params.maxFeaturesPerSplit, nFeatures),
    params.minSamplesLeaf ?? 1,
    params.maxDepth ?? Number.POSITIVE_INFINITY,
  );
  const nodes = new NodeList();
  const roots = new Int32Array(nTrees);
  const drawn = new Int32Array(n);
  const weight = new Float64Array(n);
  const oobSum = new Float64Array(n);
  const oobCount = new Int32Array(n);
  const dense = new Float64Array(nFeatures);
  for (let t = 0; t < nTrees; t++) {
    const random = seededRandom(deriveSeed(seed, t));
    drawn.fill(0);
    for (let k = 0; k < n; k++) drawn[randomInt(random, n)]++;
    const inBag: number[] = [];
    for (let i = 0; i < n; i++) {
      weight[i] = drawn[i] * data.rowWeight[i];
      if (weight[i] > 0) inBag.push(i);
    }
    roots[t] = grower.grow(Int32Array.from(inBag), weight, random, nodes);
    for (let i = 0; i < n; i++) {
      if (drawn[i] !== 0) continue;
      const { indices, values } = data.X.rows[i];
      for (let k = 0; k < indices.length; k++) dense[indices[k]] = values[k];
      oobSum[i] += nodes.value[leafOf(nodes, roots[t], dense)];
      oobCount[i]++;
      for (let k = 0; k < indices.length; k++) dense[indices[k]] = 0;
    }
  }
  const outOfBagDecision = new Float64Array(n);
  for (let i = 0; i < n; i++) outOfBagDecision[i] = oobCount[i] > 0 ? oobSum[i] / oobCount[i] : Number.NaN;
  return { forest: arraysOf(nodes, roots), outOfBagDecision };
}

function arraysOf(nodes: NodeList, roots: Int32Array): ForestArrays {
  return {
    roots,
    feature: Int32Array.from(nodes.feature),
    threshold: Float64Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    value: Float64Array.from(nodes.value),
  };
}

/** Decision = mean leaf spam fraction over the trees (scikit-learn's predict_proba for a fully grown forest). */
export class RandomForestModel implements TrainedModel {
  readonly algorithm = 'random_forest' as const;
  private readonly dense: Float64Array;

  constructor(
    readonly params: ModelParams,
    readonly nFeatures: number,
    readonly forest: ForestArrays,
    readonly calibration: SigmoidCalibration | null,
  ) {
    this.dense = new Float64Array(nFeatures);
  }

  decision(x: SparseVector): number {
    const dense = this.spread(x);
    const { roots, value } = this.forest;
    let sum = 0;
    for (let t = 0; t < roots.length; t++) sum += value[leafOf(this.forest, roots[t], dense)];
    this.clear(x);
    return sum / roots.length;
  }

  probability(x: SparseVector): number {
    const d = this.decision(x);
    return this.calibration === null ? d : calibratedProbability(this.calibration, d);
  }

  /**
   * Saabas' tree-path method: along each tree's path, the change in node value at a split is credited to the
   * split's feature; averaged over the trees. Contributions plus the mean root value sum to the decision. A
   * feature absent from the message can get credit too (its absence sent the message down one side).
   */
  contributions(x: SparseVector): Array<{ index: number; weight: number }> {
    const dense = this.spread(x);
    const { roots, feature, threshold, left, right, value } = this.forest;
    const credit = new Map<number, number>();
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f >= 0) {
        const next = dense[f] <= threshold[node] ? left[node] : right[node];
        credit.set(f, (credit.get(f) ?? 0) + value[next] - value[node]);
        node = next;
        f = feature[node];
      }
    }
    this.clear(x);
    const out: Array<{ index: number; weight: number }> = [];
    for (const [index, sum] of credit) if (sum !== 0) out.push({ index, weight: sum / roots.length });
    return out;
  }

  toState(): ForestModelState {
    const f = this.forest;
    return {
      algorithm: this.algorithm,
      params: { ...this.params },
      format: 'forest',
      nFeatures: this.nFeatures,
      roots: Array.from(f.roots),
      feature: Array.from(f.feature),
      threshold: Array.from(f.threshold),
      left: Array.from(f.left),
      right: Array.from(f.right),
      value: Array.from(f.value),
      calibration: this.calibration === null ? null : { a: this.calibration.a, b: this.calibration.b },
    };
  }

  private spread(x: SparseVector): Float64Array {
    const dense = this.dense;
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      if (j < dense.length) dense[j] = x.values[k];
    }
    return dense;
  }

  private clear(x: SparseVector): void {
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      if (j < this.dense.length) this.dense[j] = 0;
    }
  }
}
