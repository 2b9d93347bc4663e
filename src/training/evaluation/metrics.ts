import type { EvaluationFigures } from '../../mlflow/run-input';

/**
 * Binary classification figures for the spam class (label 1 = spam is the positive class): the figures the registry
 * logs and gates on (`EvaluationFigures`), with n, the confusion matrix and the threshold. MCC is 0 when undefined
 * (a row or column of the confusion matrix is empty); ROC AUC is null when the labels hold one class only.
 */
export interface EvaluationMetrics extends EvaluationFigures {
  readonly n: number;
  /** `[[tn, fp], [fn, tp]]`: rows = true ham/spam, columns = predicted ham/spam (scikit-learn's layout). */
  readonly confusionMatrix: readonly [readonly [number, number], readonly [number, number]];
  readonly threshold: number;
}

/**
 * Metrics for spam probabilities (or any score where higher means spam): spam when score ≥ threshold.
 * Precision, recall and F1 are 0 when their denominator is 0, as scikit-learn's `zero_division=0`.
 */
export function evaluate(yTrue: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): EvaluationMetrics {
  if (yTrue.length !== scores.length) {
    throw new RangeError(`labels and scores differ in length: ${yTrue.length} vs ${scores.length}`);
  }
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const predicted = scores[i] >= threshold;
    if (yTrue[i] === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  }
  return metricsFromCounts({ tp, fp, tn, fn }, rocAuc(yTrue, scores), threshold);
}

export function metricsFromCounts(
  counts: { tp: number; fp: number; tn: number; fn: number },
  auc: number | null,
  threshold: number,
): EvaluationMetrics {
  const { tp, fp, tn, fn } = counts;
  const n = tp + fp + tn + fn;
  const precision = safeDivide(tp, tp + fp);
  const recall = safeDivide(tp, tp + fn);
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return {
    n,
    accuracy: safeDivide(tp + tn, n),
    precision,
    recall,
    f1: safeDivide(2 * tp, 2 * tp + fp + fn),
    mcc: denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator,
    rocAuc: auc,
    tp,
    fp,
    tn,
    fn,
    confusionMatrix: [
      [tn, fp],
      [fn, tp],
    ],
    threshold,
  };
}

function safeDivide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** ROC AUC as the Mann–Whitney statistic (ties count one half); null without both classes. */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  const order = Array.from({ length: yTrue.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (yTrue[order[k]] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RocPoint {
  readonly threshold: number;
  readonly fpr: number;
  readonly tpr: number;
}

export interface PrecisionRecallPoint {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
}

/** Cumulative counts at each distinct score, highest first (the steps of both curves). */
function thresholdSteps(yTrue: ArrayLike<number>, scores: ArrayLike<number>) {
  const order = Array.from({ length: yTrue.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const steps: Array<{ threshold: number; tp: number; fp: number }> = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (yTrue[order[k]] === 1) tp++;
    else fp++;
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]]) {
      steps.push({ threshold: scores[order[k]], tp, fp });
    }
  }
  return { steps, positives: tp, negatives: fp };
}

/** The ROC curve as scikit-learn's `roc_curve(drop_intermediate=False)`: from (0, 0) at +∞ to (1, 1). */
export function rocCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): RocPoint[] {
  const { steps, positives, negatives } = thresholdSteps(yTrue, scores);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  for (const step of steps) {
    points.push({
      threshold: step.threshold,
      fpr: safeDivide(step.fp, negatives),
      tpr: safeDivide(step.tp, positives),
    });
  }
  return points;
}

/** The precision–recall curve, recall rising; the first point is (recall 0, precision 1). */
export function precisionRecallCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallPoint[] {
  const { steps, positives } = thresholdSteps(yTrue, scores);
  const points: PrecisionRecallPoint[] = [{ threshold: Number.POSITIVE_INFINITY, precision: 1, recall: 0 }];
  for (const step of steps) {
    points.push({
      threshold: step.threshold,
      precision: safeDivide(step.tp, step.tp + step.fp),
      recall: safeDivide(step.tp, positives),
    });
  }
  return points;
}

/** Average precision as scikit-learn computes it: Σ (Rₙ − Rₙ₋₁) · Pₙ. */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const points = precisionRecallCurve(yTrue, scores);
  let sum = 0;
  for (let k = 1; k < points.length; k++) sum += (points[k].recall - points[k - 1].recall) * points[k].precision;
  return sum;
}

/** Mean and sample standard deviation (n − 1) of a list of numbers. */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}
