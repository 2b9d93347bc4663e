import type { Algorithm, ModelParams } from '../types';

/**
 * Defaults follow scikit-learn's estimators (MultinomialNB, LinearSVC, LogisticRegression(solver='liblinear'),
 * RandomForestClassifier) plus Platt calibration on 5 cross-validation folds; the trainer tunes them by CV.
 */
export const DEFAULT_MODEL_PARAMS: Record<Algorithm, ModelParams> = {
  naive_bayes: { alpha: 1, classWeight: null, calibration: 'sigmoid', calibrationFolds: 5 },
  svm: { C: 1, classWeight: null, maxIter: 1000, tol: 1e-4, calibration: 'sigmoid', calibrationFolds: 5 },
  logistic_regression: {
    C: 1,
    classWeight: null,
    maxIter: 1000,
    tol: 1e-4,
    calibration: 'sigmoid',
    calibrationFolds: 5,
  },
  random_forest: {
    nEstimators: 100,
    maxDepth: null,
    minSamplesLeaf: 1,
    maxFeaturesPerSplit: 'sqrt',
    classWeight: null,
    calibration: 'sigmoid',
    calibrationFolds: 5,
  },
};

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'alpha',
  'C',
  'classWeight',
  'nEstimators',
  'maxDepth',
  'minSamplesLeaf',
  'maxFeaturesPerSplit',
  'calibration',
  'calibrationFolds',
  'maxIter',
  'tol',
  'nbAlpha',
]);

type Fail = (field: string, rule: string, value: unknown) => never;

function failIn(where: string): Fail {
  return (field, rule, value) => {
    throw new Error(`${where}: "${field}" ${rule} (got ${JSON.stringify(value) ?? String(value)})`);
  };
}

function positiveNumber(params: Record<string, unknown>, key: string, prefix: string, fail: Fail): void {
  const v = params[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(prefix + key, 'must be a finite number > 0', v);
}

function integerAtLeast(params: Record<string, unknown>, key: string, min: number, prefix: string, fail: Fail): void {
  const v = params[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(prefix + key, `must be an integer >= ${min}`, v);
}

/**
 * Checks every key a caller (or a stored artifact) gives and returns the algorithm's defaults overlaid with them.
 * Errors name the bad key, e.g. `model params: "C" must be a finite number > 0 (got -1)`.
 */
export function resolveModelParams(
  algorithm: Algorithm,
  given: unknown,
  prefix = '',
  where = 'model params',
): ModelParams {
  const fail = failIn(where);
  if (given === undefined || given === null) return { ...DEFAULT_MODEL_PARAMS[algorithm] };
  if (typeof given !== 'object' || Array.isArray(given))
    fail(prefix.replace(/\.$/, '') || 'params', 'must be an object', given);
  const params = given as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!KNOWN_KEYS.has(key)) fail(prefix + key, 'is not a known model parameter', params[key]);
  }
  positiveNumber(params, 'alpha', prefix, fail);
  positiveNumber(params, 'C', prefix, fail);
  positiveNumber(params, 'tol', prefix, fail);
  positiveNumber(params, 'nbAlpha', prefix, fail);
  integerAtLeast(params, 'nEstimators', 1, prefix, fail);
  integerAtLeast(params, 'minSamplesLeaf', 1, prefix, fail);
  integerAtLeast(params, 'calibrationFolds', 2, prefix, fail);
  integerAtLeast(params, 'maxIter', 1, prefix, fail);
  if (params.maxDepth !== undefined && params.maxDepth !== null) integerAtLeast(params, 'maxDepth', 1, prefix, fail);
  if (params.classWeight !== undefined && params.classWeight !== null && params.classWeight !== 'balanced') {
    fail(prefix + 'classWeight', "must be 'balanced' or null", params.classWeight);
  }
  if (params.calibration !== undefined && params.calibration !== 'sigmoid' && params.calibration !== 'none') {
    fail(prefix + 'calibration', "must be 'sigmoid' or 'none'", params.calibration);
  }
  const m = params.maxFeaturesPerSplit;
  if (m !== undefined && m !== 'sqrt' && m !== 'log2' && !(typeof m === 'number' && Number.isInteger(m) && m >= 1)) {
    fail(prefix + 'maxFeaturesPerSplit', "must be 'sqrt', 'log2' or an integer >= 1", m);
  }
  return { ...DEFAULT_MODEL_PARAMS[algorithm], ...(params as ModelParams) };
}
