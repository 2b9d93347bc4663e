import type { LinearSolution } from './naive-bayes';
import { RandomSource, shuffleInPlace } from './seeded-random';
import type { TrainingData } from './training-data';

export interface DualSolverOptions {
  readonly C: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly random: RandomSource;
}

/** The rows a dual solver works on: those with weight > 0, each with its own C_i = C · weight_i and ±1 label. */
export interface DualProblem {
  readonly rows: Int32Array;
  readonly sign: Float64Array;
  readonly cost: Float64Array;
  /** ‖x_i‖² + 1 (the constant bias feature). */
  readonly squaredNorm: Float64Array;
}

export function dualProblem(data: TrainingData, C: number): DualProblem {
  const rows: number[] = [];
  for (let i = 0; i < data.y.length; i++) if (data.rowWeight[i] > 0) rows.push(i);
  const l = rows.length;
  const sign = new Float64Array(l);
  const cost = new Float64Array(l);
  const squaredNorm = new Float64Array(l);
  for (let s = 0; s < l; s++) {
    const i = rows[s];
    sign[s] = data.y[i] === 1 ? 1 : -1;
    cost[s] = C * data.rowWeight[i];
    const values = data.X.rows[i].values;
    let sq = 1;
    for (let k = 0; k < values.length; k++) sq += values[k] * values[k];
    squaredNorm[s] = sq;
  }
  return { rows: Int32Array.from(rows), sign, cost, squaredNorm };
}

/**
 * L2-regularised squared-hinge linear SVM, as scikit-learn's LinearSVC (dual=True, intercept_scaling=1):
 *   min_w ½‖w‖² + Σ_i C_i · max(0, 1 − y_i·(w·x_i + b))², the bias b being the weight of a constant feature 1
 * (so it is regularised, like liblinear's). Solved by liblinear's dual coordinate descent with shrinking
 * (`solve_l2r_l1l2_svc`, Hsieh et al. 2008): D_ii = 1 / (2·C_i), no upper bound on α_i.
 */
export function fitLinearSvm(data: TrainingData, options: DualSolverOptions): LinearSolution & { iterations: number } {
  const X = data.X.rows;
  const n = data.X.nFeatures;
  const w = new Float64Array(n + 1);
  const { rows, sign, cost, squaredNorm } = dualProblem(data, options.C);
  const l = rows.length;
  const alpha = new Float64Array(l);
  const diag = new Float64Array(l);
  const QD = new Float64Array(l);
  const index = new Int32Array(l);
  for (let s = 0; s < l; s++) {
    diag[s] = 0.5 / cost[s];
    QD[s] = squaredNorm[s] + diag[s];
    index[s] = s;
  }
  const eps = options.tol;
  let activeSize = l;
  // The squared hinge puts no upper bound on α, so only rows stuck at α = 0 are shrunk (liblinear's PGmax_old).
  let PGmaxOld = Infinity;
  let iter = 0;
  while (iter < options.maxIter) {
    let PGmaxNew = -Infinity;
    let PGminNew = Infinity;
    shuffleInPlace(index, options.random, activeSize);
    for (let s = 0; s < activeSize; s++) {
      const t = index[s];
      const yi = sign[t];
      const { indices, values } = X[rows[t]];
      let dot = w[n];
      for (let k = 0; k < indices.length; k++) dot += w[indices[k]] * values[k];
      const G = yi * dot - 1 + alpha[t] * diag[t];
      let PG = 0;
      if (alpha[t] === 0) {
        if (G > PGmaxOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = t;
          s--;
          continue;
        } else if (G < 0) {
          PG = G;
        }
      } else {
        PG = G;
      }
      if (PG > PGmaxNew) PGmaxNew = PG;
      if (PG < PGminNew) PGminNew = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[t];
        alpha[t] = Math.max(old - G / QD[t], 0);
        const d = (alpha[t] - old) * yi;
        for (let k = 0; k < indices.length; k++) w[indices[k]] += d * values[k];
        w[n] += d;
      }
    }
    iter++;
    if (PGmaxNew - PGminNew <= eps) {
      if (activeSize === l) break;
      activeSize = l;
      PGmaxOld = Infinity;
      continue;
    }
    PGmaxOld = PGmaxNew <= 0 ? Infinity : PGmaxNew;
  }
  return { weights: w.subarray(0, n).slice(), bias: w[n], iterations: iter };
}

/** The primal objective ½‖w̃‖² + Σ C_i · max(0, 1 − y_i·w̃·x̃_i)², for tests and diagnostics. */
export function svmObjective(data: TrainingData, C: number, weights: Float64Array, bias: number): number {
  let v = bias * bias;
  for (let j = 0; j < weights.length; j++) v += weights[j] * weights[j];
  v *= 0.5;
  for (let i = 0; i < data.y.length; i++) {
    const { indices, values } = data.X.rows[i];
    let dot = bias;
    for (let k = 0; k < indices.length; k++) dot += weights[indices[k]] * values[k];
    const margin = 1 - (data.y[i] === 1 ? 1 : -1) * dot;
    if (margin > 0) v += C * data.rowWeight[i] * margin * margin;
  }
  return v;
}
