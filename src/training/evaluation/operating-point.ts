import type { OperatingPoint, OperatingPointFigures } from '../../engine';
import { evaluate } from './metrics';

/**
 * The false-positive rate training aims for unless told otherwise: at most one legitimate message in a thousand
 * flagged. Measured on the SMS and email training rows by cross-validation (docs/operating-point.md): at 0.5 the
 * calibrated linear SVM flags 0.15–0.3 % of ham; a 0.1 % budget halves that for a recall cost of about one point.
 */
export const DEFAULT_MAX_FP_RATE = 0.001;

/** The threshold the engine uses when no operating point was chosen. */
export const PLAIN_THRESHOLD = 0.5;

/**
 * The lowest threshold at which at most `maxFpRate` of the ham rows score at or above it (Neyman–Pearson: the most
 * recall the false-positive budget allows), from each row's out-of-fold spam probability. Rows whose probability is
 * NaN (no out-of-fold value) are left out. The threshold lies halfway between the highest ham probability it must
 * clear and the next probability above it, so that a model scoring a little differently from its folds keeps the
 * same decisions. Never above 1; when even 1 would flag more ham than allowed, 1 is returned with its figures.
 */
export function thresholdForFpRate(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  maxFpRate: number,
): number {
  if (!(maxFpRate >= 0 && maxFpRate < 1)) throw new RangeError(`maxFpRate: expected 0 ≤ rate < 1, got ${maxFpRate}`);
  const ham: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i];
    if (Number.isNaN(p)) continue;
    all.push(p);
    if (labels[i] === 0) ham.push(p);
  }
  if (ham.length === 0) return PLAIN_THRESHOLD;
  ham.sort((a, b) => b - a);
  const allowed = Math.floor(maxFpRate * ham.length + 1e-9);
  if (allowed >= ham.length) return Math.min(...all.filter((p) => p > 0), 1);
  // The highest ham probability that must stay below the threshold.
  const mustClear = ham[allowed];
  let next = Number.POSITIVE_INFINITY;
  for (const p of all) if (p > mustClear && p < next) next = p;
  if (next === Number.POSITIVE_INFINITY) return 1;
  return Math.min(1, (mustClear + next) / 2);
}

export function figuresAt(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): OperatingPointFigures {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (!Number.isNaN(probabilities[i])) rows.push(i);
  const m = evaluate(
    rows.map((i) => labels[i]),
    rows.map((i) => probabilities[i]),
    threshold,
  );
  return {
    fpRate: m.fp + m.tn === 0 ? 0 : m.fp / (m.fp + m.tn),
    recall: m.recall,
    precision: m.precision,
    f1: m.f1,
    fp: m.fp,
    fn: m.fn,
  };
}

/**
 * The operating point a trained model is served with: the threshold for `maxFpRate` from out-of-fold probabilities
 * of the training rows, or the plain 0.5 when no budget is asked for (null) or there are no out-of-fold
 * probabilities (a model without calibration).
 */
export function chooseOperatingPoint(
  outOfFold: Float64Array | null,
  labels: ArrayLike<number>,
  maxFpRate: number | null,
  /** How the out-of-fold probabilities were made, e.g. `5-fold cross-validation` or `out-of-bag trees`. */
  how: string,
): OperatingPoint {
  if (outOfFold === null) {
    return {
      threshold: PLAIN_THRESHOLD,
      maxFpRate: null,
      chosenBy: 'default 0.5: a model without calibration has no out-of-fold probabilities to choose from',
      cv: null,
    };
  }
  const rows = outOfFold.reduce((n, p) => (Number.isNaN(p) ? n : n + 1), 0);
  const source = `out-of-fold probabilities (${how}) of ${rows.toLocaleString('en-US')} training rows`;
  if (maxFpRate === null) {
    return {
      threshold: PLAIN_THRESHOLD,
      maxFpRate: null,
      chosenBy: `default 0.5 (no false-positive budget asked for); figures from ${source}`,
      cv: figuresAt(outOfFold, labels, PLAIN_THRESHOLD),
    };
  }
  const threshold = roundThreshold(thresholdForFpRate(outOfFold, labels, maxFpRate));
  return {
    threshold,
    maxFpRate,
    chosenBy: `lowest threshold keeping the false-positive rate ≤ ${formatRate(maxFpRate)} on ${source}`,
    cv: figuresAt(outOfFold, labels, threshold),
  };
}

/** Six decimals: enough to keep every decision, short enough to read and to type back in a request. */
function roundThreshold(threshold: number): number {
  return Math.min(1, Math.max(1e-6, Math.round(threshold * 1e6) / 1e6));
}

export function formatRate(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))} %`;
}
