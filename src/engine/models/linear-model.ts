import type { Algorithm, ModelParams, ModelState, SparseVector, TrainedModel } from '../types';
import { calibratedProbability, inverseLogit, type SigmoidCalibration } from './calibration';

export interface LinearModelState extends ModelState {
  readonly format: 'linear';
  readonly nFeatures: number;
  readonly weights: number[];
  readonly bias: number;
  readonly calibration: SigmoidCalibration | null;
}

/**
 * Any model whose decision is `bias + Σ weight_j · x_j` (naive Bayes' log-odds, the SVM's margin, logistic
 * regression's logit). Without calibration the probability is the logistic function of the decision, which is
 * the model's own posterior for naive Bayes and logistic regression.
 */
export class LinearModel implements TrainedModel {
  readonly nFeatures: number;

  constructor(
    readonly algorithm: Algorithm,
    readonly params: ModelParams,
    readonly weights: Float64Array,
    readonly bias: number,
    readonly calibration: SigmoidCalibration | null,
  ) {
    this.nFeatures = weights.length;
  }

  decision(x: SparseVector): number {
    const w = this.weights;
    const n = w.length;
    const indices = x.indices;
    const values = x.values;
    const length = indices.length;
    let sum = this.bias;
    // Indices increase, so checking the last one clears the whole vector for the unchecked loop.
    if (length === 0 || indices[length - 1] < n) {
      for (let k = 0; k < length; k++) sum += w[indices[k]] * values[k];
      return sum;
    }
    for (let k = 0; k < length; k++) {
      const j = indices[k];
      if (j < n) sum += w[j] * values[k];
    }
    return sum;
  }

  probability(x: SparseVector): number {
    const d = this.decision(x);
    return this.calibration === null ? inverseLogit(-d) : calibratedProbability(this.calibration, d);
  }

  contributions(x: SparseVector): Array<{ index: number; weight: number }> {
    const out: Array<{ index: number; weight: number }> = [];
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      if (j >= this.nFeatures) continue;
      const weight = this.weights[j] * x.values[k];
      if (weight !== 0) out.push({ index: j, weight });
    }
    return out;
  }

  toState(): LinearModelState {
    return {
      algorithm: this.algorithm,
      params: { ...this.params },
      format: 'linear',
      nFeatures: this.nFeatures,
      weights: Array.from(this.weights),
      bias: this.bias,
      calibration: this.calibration === null ? null : { a: this.calibration.a, b: this.calibration.b },
    };
  }
}

/** JSON writes -0 as 0; normalising at fit time keeps a reloaded model bit-identical. */
export function withoutNegativeZero(values: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) if (values[i] === 0) values[i] = 0;
  return values;
}
