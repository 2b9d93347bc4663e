import type { ModelParams, SparseMatrix } from '../types';

/** Checked training inputs plus each row's effective weight (sample weight × class weight). */
export interface TrainingData {
  readonly X: SparseMatrix;
  readonly y: Uint8Array;
  /** sampleWeight[i] × classWeight[y[i]]; 0 = the row takes no part. */
  readonly rowWeight: Float64Array;
}

function fail(message: string): never {
  throw new Error(`model training data: ${message}`);
}

/** Validates X, y and the sample weights once, so the solvers can trust their input. */
export function checkTrainingInputs(X: SparseMatrix, y: Uint8Array, sampleWeight?: Float64Array): void {
  const n = X.rows.length;
  if (!Number.isInteger(X.nFeatures) || X.nFeatures < 1)
    fail(`"X.nFeatures" must be an integer >= 1 (got ${X.nFeatures})`);
  if (y.length !== n) fail(`"y" has ${y.length} labels for ${n} rows of X`);
  if (sampleWeight !== undefined && sampleWeight.length !== n) {
    fail(`"sampleWeight" has ${sampleWeight.length} weights for ${n} rows of X`);
  }
  let spam = 0;
  let ham = 0;
  for (let i = 0; i < n; i++) {
    const label = y[i];
    if (label !== 0 && label !== 1) fail(`"y[${i}]" must be 0 or 1 (got ${label})`);
    const w = sampleWeight === undefined ? 1 : sampleWeight[i];
    if (!Number.isFinite(w) || w < 0) fail(`"sampleWeight[${i}]" must be a finite number >= 0 (got ${w})`);
    if (w > 0) {
      if (label === 1) spam++;
      else ham++;
    }
    const { indices, values } = X.rows[i];
    if (indices.length !== values.length)
      fail(`"X.rows[${i}]" has ${indices.length} indices but ${values.length} values`);
    let previous = -1;
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k];
      if (j <= previous || j >= X.nFeatures) {
        fail(`"X.rows[${i}].indices[${k}]" must be increasing and < ${X.nFeatures} (got ${j})`);
      }
      if (!Number.isFinite(values[k])) fail(`"X.rows[${i}].values[${k}]" must be finite (got ${values[k]})`);
      previous = j;
    }
  }
  if (spam === 0 || ham === 0) {
    fail(`both classes need at least one row with weight > 0 (spam ${spam}, ham ${ham})`);
  }
}

/** scikit-learn's class_weight: 'balanced' = n / (2 · n_class), counted on the labels as given. */
export function classWeights(y: Uint8Array, classWeight: ModelParams['classWeight']): [number, number] {
  if (classWeight !== 'balanced') return [1, 1];
  let spam = 0;
  for (let i = 0; i < y.length; i++) spam += y[i];
  const ham = y.length - spam;
  return [y.length / (2 * ham), y.length / (2 * spam)];
}

export function trainingData(
  X: SparseMatrix,
  y: Uint8Array,
  params: ModelParams,
  sampleWeight?: Float64Array,
): TrainingData {
  const [hamWeight, spamWeight] = classWeights(y, params.classWeight);
  const rowWeight = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    rowWeight[i] = (sampleWeight === undefined ? 1 : sampleWeight[i]) * (y[i] === 1 ? spamWeight : hamWeight);
  }
  return { X, y, rowWeight };
}

/** The rows at `rows`, as a new matrix, labels and sample weights (for cross-validation folds). */
export function subset(
  X: SparseMatrix,
  y: Uint8Array,
  sampleWeight: Float64Array | undefined,
  rows: Int32Array,
): { X: SparseMatrix; y: Uint8Array; sampleWeight?: Float64Array } {
  const subRows = new Array(rows.length);
  const subY = new Uint8Array(rows.length);
  const subW = sampleWeight === undefined ? undefined : new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    subRows[k] = X.rows[rows[k]];
    subY[k] = y[rows[k]];
    if (subW !== undefined && sampleWeight !== undefined) subW[k] = sampleWeight[rows[k]];
  }
  return { X: { rows: subRows, nFeatures: X.nFeatures }, y: subY, sampleWeight: subW };
}
