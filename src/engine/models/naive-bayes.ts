import type { TrainingData } from './training-data';

/** scikit-learn clips a smaller alpha to this to keep the logarithms finite. */
const MIN_ALPHA = 1e-10;

export interface LinearSolution {
  readonly weights: Float64Array;
  readonly bias: number;
}

/**
 * Multinomial naive Bayes as scikit-learn's MultinomialNB (fit_prior=True) on (TF-IDF) feature values:
 * feature_log_prob[c, j] = ln((N_cj + α) / (N_c + α·n)), N_cj = Σ_{i in c} w_i·x_ij; class prior = Σ_{i in c} w_i / Σ w_i.
 * Two classes make the decision linear: ln P(spam|x) − ln P(ham|x) = prior log-odds + Σ_j x_j·(flp[1,j] − flp[0,j]).
 */
export function fitNaiveBayes(data: TrainingData, alpha: number): LinearSolution {
  const { X, y, rowWeight } = data;
  const n = X.nFeatures;
  const a = Math.max(alpha, MIN_ALPHA);
  const count = [new Float64Array(n), new Float64Array(n)];
  const classCount = [0, 0];
  for (let i = 0; i < X.rows.length; i++) {
    const w = rowWeight[i];
    if (w === 0) continue;
    const label = y[i];
    classCount[label] += w;
    const c = count[label];
    const { indices, values } = X.rows[i];
    for (let k = 0; k < indices.length; k++) c[indices[k]] += w * values[k];
  }
  let total0 = 0;
  let total1 = 0;
  for (let j = 0; j < n; j++) {
    total0 += count[0][j];
    total1 += count[1][j];
  }
  const log0 = Math.log(total0 + a * n);
  const log1 = Math.log(total1 + a * n);
  const weights = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    weights[j] = Math.log(count[1][j] + a) - log1 - (Math.log(count[0][j] + a) - log0);
  }
  const bias = Math.log(classCount[1]) - Math.log(classCount[0]);
  return { weights, bias };
}
