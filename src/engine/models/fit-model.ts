import {
  ALGORITHMS,
  type Algorithm,
  type FitOptions,
  type ModelParams,
  type SparseMatrix,
  type TrainedModel,
} from '../types';
import { calibratedProbability, fitSigmoidCalibration, stratifiedFolds, type SigmoidCalibration } from './calibration';
import { LinearModel, withoutNegativeZero } from './linear-model';
import { fitLinearSvm } from './linear-svm';
import { fitLogisticRegression } from './logistic-regression';
import { resolveModelParams } from './model-params';
import { fitNaiveBayes, type LinearSolution } from './naive-bayes';
import { fitRandomForest, RandomForestModel } from './random-forest';
import { deriveSeed, seededRandom } from './seeded-random';
import { checkTrainingInputs, subset, trainingData } from './training-data';

type LinearAlgorithm = Exclude<Algorithm, 'random_forest'>;

function fitLinearSolution(
  algorithm: LinearAlgorithm,
  X: SparseMatrix,
  y: Uint8Array,
  params: ModelParams,
  seed: number,
  sampleWeight?: Float64Array,
): LinearSolution {
  const data = trainingData(X, y, params, sampleWeight);
  if (algorithm === 'naive_bayes') return fitNaiveBayes(data, params.alpha ?? 1);
  const options = {
    C: params.C ?? 1,
    tol: params.tol ?? 1e-4,
    maxIter: params.maxIter ?? 1000,
    random: seededRandom(seed),
  };
  const fit = algorithm === 'svm' ? fitLinearSvm : fitLogisticRegression;
  if (params.nbAlpha === undefined) return fit(data, options);
  // NBSVM (Wang and Manning 2012): the features scaled by naive Bayes log-count ratios r, then the linear model;
  // w · (r ∘ x) = (w ∘ r) · x, so the stored model is an ordinary linear model over the unscaled features.
  const ratios = fitNaiveBayes(data, params.nbAlpha).weights;
  const scaled = fit({ ...data, X: scaleColumns(X, ratios) }, options);
  const weights = scaled.weights.map((w, j) => w * ratios[j]);
  return { weights, bias: scaled.bias };
}

function scaleColumns(X: SparseMatrix, factors: Float64Array): SparseMatrix {
  return {
    nFeatures: X.nFeatures,
    rows: X.rows.map(({ indices, values }) => ({
      indices,
      values: Float64Array.from(values, (v, k) => v * factors[indices[k]]),
    })),
  };
}

function decisionOf(solution: LinearSolution, X: SparseMatrix, row: number): number {
  const { indices, values } = X.rows[row];
  let sum = solution.bias;
  for (let k = 0; k < indices.length; k++) sum += solution.weights[indices[k]] * values[k];
  return sum;
}

function minorityCount(y: Uint8Array): number {
  let spam = 0;
  for (let i = 0; i < y.length; i++) spam += y[i];
  return Math.min(spam, y.length - spam);
}

/**
 * Out-of-fold decisions from seeded stratified k-fold, then Platt's sigmoid on them: scikit-learn's
 * CalibratedClassifierCV(method='sigmoid', ensemble=False). Folds shrink to the minority class's size.
 */
function crossValidatedCalibration(
  algorithm: LinearAlgorithm,
  X: SparseMatrix,
  y: Uint8Array,
  params: ModelParams,
  options: FitOptions,
): { calibration: SigmoidCalibration; outOfFold: Float64Array } {
  const minority = minorityCount(y);
  if (minority < 2) {
    throw new Error(`model calibration: needs at least 2 rows of each class (got ${minority}); use calibration 'none'`);
  }
  const folds = Math.min(params.calibrationFolds ?? 5, minority);
  const foldOf = stratifiedFolds(y, folds, seededRandom(deriveSeed(options.seed, 0x5eed)));
  const decisions = new Float64Array(y.length);
  for (let fold = 0; fold < folds; fold++) {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < y.length; i++) (foldOf[i] === fold ? held : train).push(i);
    const part = subset(X, y, options.sampleWeight, Int32Array.from(train));
    const solution = fitLinearSolution(
      algorithm,
      part.X,
      part.y,
      params,
      deriveSeed(options.seed, fold + 1),
      part.sampleWeight,
    );
    for (const i of held) decisions[i] = decisionOf(solution, X, i);
  }
  return { calibration: fitSigmoidCalibration(decisions, y, options.sampleWeight), outOfFold: decisions };
}

/** Platt's sigmoid on the out-of-bag decisions: as honest as k-fold for a forest, without refitting it k times. */
function outOfBagCalibration(outOfBag: Float64Array, y: Uint8Array, sampleWeight?: Float64Array): SigmoidCalibration {
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(outOfBag[i])) rows.push(i);
  const labels = Uint8Array.from(rows, (i) => y[i]);
  const minority = minorityCount(labels);
  if (minority < 1) {
    throw new Error(
      `model calibration: the forest left no row of one class out of bag; raise "nEstimators" or use calibration 'none'`,
    );
  }
  const weights = sampleWeight === undefined ? undefined : Float64Array.from(rows, (i) => sampleWeight[i]);
  return fitSigmoidCalibration(
    Float64Array.from(rows, (i) => outOfBag[i]),
    labels,
    weights,
  );
}

/**
 * Fits one of the four models on sparse rows `X` with labels `y` (1 = spam), then (by default) a calibrated
 * probability. Deterministic: the same inputs and `options.seed` give the same model bit for bit.
 * Errors name the bad parameter or input (`model params: "C" …`, `model training data: "y[3]" …`).
 */
export function fitModel(
  algorithm: Algorithm,
  X: SparseMatrix,
  y: Uint8Array,
  params: ModelParams,
  options: FitOptions,
): TrainedModel {
  return fitModelWithOutOfFold(algorithm, X, y, params, options).model;
}

export interface FittedWithOutOfFold {
  readonly model: TrainedModel;
  /**
   * Each training row's calibrated spam probability from a model that did not see it: the calibration's
   * cross-validation folds (linear models) or the trees that left it out of their bootstrap (forest); NaN for a row
   * no tree left out. Null without calibration.
   */
  readonly outOfFold: Float64Array | null;
}

/** `fitModel`, plus the out-of-fold probabilities its calibration computed anyway (for choosing a threshold). */
export function fitModelWithOutOfFold(
  algorithm: Algorithm,
  X: SparseMatrix,
  y: Uint8Array,
  params: ModelParams,
  options: FitOptions,
): FittedWithOutOfFold {
  if (!ALGORITHMS.includes(algorithm)) {
    throw new Error(
      `model params: "algorithm" must be one of ${ALGORITHMS.join(', ')} (got ${JSON.stringify(algorithm)})`,
    );
  }
  const resolved = resolveModelParams(algorithm, params);
  if (!Number.isFinite(options.seed))
    throw new Error(`model fit options: "seed" must be a finite number (got ${options.seed})`);
  checkTrainingInputs(X, y, options.sampleWeight);
  const sigmoid = resolved.calibration !== 'none';
  if (algorithm === 'random_forest') {
    const fit = fitRandomForest(trainingData(X, y, resolved, options.sampleWeight), resolved, options.seed);
    const calibration = sigmoid ? outOfBagCalibration(fit.outOfBagDecision, y, options.sampleWeight) : null;
    return {
      model: new RandomForestModel(resolved, X.nFeatures, fit.forest, calibration),
      outOfFold: calibration && calibrated(calibration, fit.outOfBagDecision),
    };
  }
  const calibrationFit = sigmoid ? crossValidatedCalibration(algorithm, X, y, resolved, options) : null;
  const solution = fitLinearSolution(algorithm, X, y, resolved, options.seed, options.sampleWeight);
  const model = new LinearModel(
    algorithm,
    resolved,
    withoutNegativeZero(solution.weights),
    solution.bias === 0 ? 0 : solution.bias,
    calibrationFit?.calibration ?? null,
  );
  return { model, outOfFold: calibrationFit && calibrated(calibrationFit.calibration, calibrationFit.outOfFold) };
}

function calibrated(calibration: SigmoidCalibration, decisions: Float64Array): Float64Array {
  return decisions.map((d) => (Number.isNaN(d) ? Number.NaN : calibratedProbability(calibration, d)));
}
