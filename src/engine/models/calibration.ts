import { RandomSource, shuffleInPlace } from './seeded-random';

/** Platt's sigmoid: P(spam | f) = 1 / (1 + exp(a·f + b)). */
export interface SigmoidCalibration {
  readonly a: number;
  readonly b: number;
}

/** 1 / (1 + exp(t)) without overflow for large |t|. */
export function inverseLogit(t: number): number {
  if (t >= 0) {
    const e = Math.exp(-t);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(t));
}

export function calibratedProbability(calibration: SigmoidCalibration, decision: number): number {
  return inverseLogit(calibration.a * decision + calibration.b);
}

/**
 * Fits Platt's sigmoid on decision values as scikit-learn's `_sigmoid_calibration` does: targets smoothed to
 * (N+ + 1) / (N+ + 2) and 1 / (N- + 2) (N = the class's total sample weight), weighted log loss, minimised here by the Newton method
 * with backtracking of Lin, Lin & Weng (2007) instead of BFGS (same optimum).
 */
export function fitSigmoidCalibration(
  decisions: Float64Array,
  labels: Uint8Array,
  weights?: Float64Array,
): SigmoidCalibration {
  const n = decisions.length;
  let prior0 = 0;
  let prior1 = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    if (labels[i] === 1) prior1 += w;
    else prior0 += w;
  }
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = labels[i] === 1 ? hiTarget : loTarget;
  const w = (i: number): number => (weights === undefined ? 1 : weights[i]);

  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = decisions[i] * a + b;
      f += w(i) * (z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z)));
    }
    return f;
  };

  let a = 0;
  let b = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(a, b);
  const sigma = 1e-12;
  for (let iter = 0; iter < 100; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = decisions[i] * a + b;
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = w(i) * p * q;
      h11 += decisions[i] * decisions[i] * d2;
      h22 += d2;
      h21 += decisions[i] * d2;
      const d1 = w(i) * (t[i] - p);
      g1 += decisions[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const newA = a + step * dA;
      const newB = b + step * dB;
      const newF = objective(newA, newB);
      if (newF < fval + 1e-4 * step * gd) {
        a = newA;
        b = newB;
        fval = newF;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { a, b };
}

/**
 * Seeded stratified k-fold: each class is shuffled and dealt round-robin over the folds, so every fold holds
 * about 1/k of each class. Returns each row's fold number.
 */
export function stratifiedFolds(labels: Uint8Array, folds: number, random: RandomSource): Int32Array {
  const foldOf = new Int32Array(labels.length);
  let offset = 0;
  for (const label of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === label) rows.push(i);
    const order = Int32Array.from(rows);
    shuffleInPlace(order, random);
    for (let k = 0; k < order.length; k++) foldOf[order[k]] = (offset + k) % folds;
    offset += order.length;
  }
  return foldOf;
}
