import type { OperatingPointView } from '../classifier/operating-point';
import type { PredictionResult } from '../classifier/prediction-response';

/** A share as a percentage with `digits` decimals at most, trailing zeros dropped: 0.73 → `73 %`, 0.0009 → `0.09 %`. */
export function percentText(share: number, digits = 2): string {
  return `${Number((share * 100).toFixed(digits))} %`;
}

/**
 * The spam probability and the threshold as percentages with as many decimals as it takes (one at least) for the
 * shown numbers to compare the way the exact ones did: 73.12 % and 73.1 % never stand as `73.1 % ≥ 73.1 %` for a
 * message that was not spam, and two different numbers are never shown equal.
 */
export function comparedPercents(
  probability: number,
  threshold: number,
): { probability: string; threshold: string; sign: '≥' | '<' } {
  const spam = probability >= threshold;
  let digits = 1;
  for (; digits < 8; digits++) {
    const p = Number((probability * 100).toFixed(digits));
    const t = Number((threshold * 100).toFixed(digits));
    if (probability === threshold ? p === t : spam ? p > t : p < t) break;
  }
  return {
    probability: percentText(probability, digits),
    threshold: percentText(threshold, digits),
    sign: spam ? '≥' : '<',
  };
}

/** Where the threshold came from, in the page's words. */
export function thresholdSourceWords(source: PredictionResult['threshold_source'], recorded: boolean): string {
  if (source === 'request') return 'the threshold you gave';
  return recorded ? "the model's operating point" : 'the default threshold (this model has no operating point)';
}

/**
 * One line saying how the verdict was decided: `Spam: spam probability 97.3 % ≥ threshold 73 %, the model's operating
 * point`. Give the exact probability (the classification's, not the API's rounded one), so the sign is the decision's.
 */
export function decisionWords(
  spamProbability: number,
  result: Pick<PredictionResult, 'threshold' | 'threshold_source'>,
  recorded: boolean,
): string {
  const shown = comparedPercents(spamProbability, result.threshold);
  const verdict = shown.sign === '≥' ? 'Spam' : 'Not spam';
  return `${verdict}: spam probability ${shown.probability} ${shown.sign} threshold ${shown.threshold}, ${thresholdSourceWords(result.threshold_source, recorded)}`;
}

/** The operating point as the model page and the sidebar show it. */
export interface OperatingPointWords {
  /** `73 %` (threshold 0.73), or `50 % (0.5, the default; this model has no operating point)`. */
  readonly threshold: string;
  /** `at most 0.1 %`, or `none` (not chosen for a false-positive rate); undefined for the default. */
  readonly target?: string;
  /** How it was chosen, in a sentence; undefined for the default. */
  readonly chosen?: string;
  /** The cross-validated figures at the threshold, one row each. */
  readonly cv: ReadonlyArray<{ readonly label: string; readonly text: string }>;
  readonly recorded: boolean;
}

export function operatingPointWords(point: OperatingPointView): OperatingPointWords {
  if (!point.recorded) {
    return {
      threshold: `${point.threshold} (the default; this model has no operating point)`,
      cv: [],
      recorded: false,
    };
  }
  const target = point.max_fp_rate === null ? 'none' : `at most ${percentText(point.max_fp_rate, 3)}`;
  const chosen = `${point.chosen_by.charAt(0).toUpperCase()}${point.chosen_by.slice(1)}${/[.!?]$/.test(point.chosen_by) ? '' : '.'}`;
  const cv = point.cv
    ? [
        { label: 'False-positive rate', text: `${percentText(point.cv.fp_rate, 3)} (${point.cv.fp} not-spam flagged)` },
        { label: 'Recall', text: `${percentText(point.cv.recall, 1)} (${point.cv.fn} spam missed)` },
        { label: 'Precision', text: percentText(point.cv.precision, 1) },
        { label: 'F1', text: point.cv.f1.toFixed(4) },
      ]
    : [];
  return {
    threshold: `${Number(point.threshold.toFixed(6))} (spam from ${percentText(point.threshold)})`,
    target,
    chosen,
    cv,
    recorded: true,
  };
}
