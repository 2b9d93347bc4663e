import { dualProblem, type DualSolverOptions } from './linear-svm';
import type { LinearSolution } from './naive-bayes';
import { shuffleInPlace } from './seeded-random';
import type { TrainingData } from './training-data';

/**
 * L2-regularised logistic regression, as scikit-learn's LogisticRegression(solver='liblinear', dual=True,
 * intercept_scaling=1):
 *   min_w ½‖w̃‖² + Σ_i C_i · ln(1 + exp(−y_i·w̃·x̃_i)), x̃ = [x, 1] (the bias is regularised, as in liblinear).
 * Solved by liblinear's dual coordinate descent (`solve_l2r_lr_dual`, Yu, Huang & Lin 2011): one pass over the
 * rows per iteration with a few scalar Newton steps each, which is fast on sparse, high-dimensional text.
 */
export function fitLogisticRegression(
  data: TrainingData,
  options: DualSolverOptions,
): LinearSolution & { iterations: number } {
  const X = data.X.rows;
  const n = data.X.nFeatures;
  const w = new Float64Array(n + 1);
  const { rows, sign, cost, squaredNorm } = dualProblem(data, options.C);
  const l = rows.length;
  // alpha[2i] = α_i and alpha[2i+1] = C_i − α_i, both kept so that neither is lost to cancellation.
  const alpha = new Float64Array(2 * l);
  const index = new Int32Array(l);
  for (let s = 0; s < l; s++) {
    alpha[2 * s] = Math.min(0.001 * cost[s], 1e-8);
    alpha[2 * s + 1] = cost[s] - alpha[2 * s];
    const d = sign[s] * alpha[2 * s];
    const { indices, values } = X[rows[s]];
    for (let k = 0; k < indices.length; k++) w[indices[k]] += d * values[k];
    w[n] += d;
    index[s] = s;
  }
  const eps = options.tol;
  const maxInnerIter = 100;
  const innerEpsMin = Math.min(1e-8, eps);
  const eta = 0.1;
  let innerEps = 1e-2;
  let iter = 0;
  while (iter < options.maxIter) {
    shuffleInPlace(index, options.random, l);
    let newtonIter = 0;
    let Gmax = 0;
    for (let s = 0; s < l; s++) {
      const t = index[s];
      const yi = sign[t];
      const C = cost[t];
      const { indices, values } = X[rows[t]];
      let dot = w[n];
      for (let k = 0; k < indices.length; k++) dot += w[indices[k]] * values[k];
      const a = squaredNorm[t];
      const b = yi * dot;
      // Minimise g_1(z) or g_2(z), whichever keeps z away from the bound it would otherwise approach.
      let ind1 = 2 * t;
      let ind2 = 2 * t + 1;
      let direction = 1;
      if (0.5 * a * (alpha[ind2] - alpha[ind1]) + b < 0) {
        ind1 = 2 * t + 1;
        ind2 = 2 * t;
        direction = -1;
      }
      const alphaOld = alpha[ind1];
      let z = alphaOld;
      if (C - z < 0.5 * C) z = 0.1 * z;
      let gp = a * (z - alphaOld) + direction * b + Math.log(z / (C - z));
      Gmax = Math.max(Gmax, Math.abs(gp));
      let inner = 0;
      while (inner <= maxInnerIter) {
        if (Math.abs(gp) < innerEps) break;
        const gpp = a + C / (C - z) / z;
        const tmpz = z - gp / gpp;
        if (tmpz <= 0) z *= eta;
        else z = tmpz;
        gp = a * (z - alphaOld) + direction * b + Math.log(z / (C - z));
        newtonIter++;
        inner++;
      }
      if (inner > 0) {
        alpha[ind1] = z;
        alpha[ind2] = C - z;
        const d = direction * (z - alphaOld) * yi;
        for (let k = 0; k < indices.length; k++) w[indices[k]] += d * values[k];
        w[n] += d;
      }
    }
    iter++;
    if (Gmax < eps) break;
    if (newtonIter <= l / 10) innerEps = Math.max(innerEpsMin, 0.1 * innerEps);
  }
  return { weights: w.subarray(0, n).slice(), bias: w[n], iterations: iter };
}

/** The primal objective ½‖w̃‖² + Σ C_i · ln(1 + exp(−y_i·w̃·x̃_i)), for tests and diagnostics. */
export function logisticObjective(data: TrainingData, C: number, weights: Float64Array, bias: number): number {
  let v = bias * bias;
  for (let j = 0; j < weights.length; j++) v += weights[j] * weights[j];
  v *= 0.5;
  for (let i = 0; i < data.y.length; i++) {
    const { indices, values } = data.X.rows[i];
    let dot = bias;
    for (let k = 0; k < indices.length; k++) dot += weights[indices[k]] * values[k];
    const z = -(data.y[i] === 1 ? 1 : -1) * dot;
    const loss = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    v += C * data.rowWeight[i] * loss;
  }
  return v;
}
