import { CHANNELS, type Channel } from '../engine';
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

/** A channel as the page names it. */
export const CHANNEL_WORDS: Readonly<Record<Channel, string>> = { sms: 'SMS', email: 'e-mail' };

/** A threshold as the page writes it: the number, up to six decimals. */
function thresholdNumber(threshold: number): string {
  return String(Number(threshold.toFixed(6)));
}

/**
 * Where the threshold came from, in the page's words: the request, the model's operating point (for the message's
 * channel, when the model has one per channel), or the default 0.5 of a model without an operating point.
 */
export function thresholdSourceWords(
  source: PredictionResult['threshold_source'],
  point: Pick<OperatingPointView, 'recorded' | 'channels'>,
  channel?: Channel,
): string {
  if (source === 'request') return 'the threshold you gave';
  if (!point.recorded) return 'the default threshold (this model has no operating point)';
  return channel && point.channels[channel]
    ? `the model's operating point for ${CHANNEL_WORDS[channel]}`
    : "the model's operating point";
}

/**
 * One line saying how the verdict was decided: `Spam: spam probability 97.3 % ≥ threshold 73 %, the model's operating
 * point for SMS`. Give the exact probability (the classification's, not the API's rounded one), so the sign is the
 * decision's.
 */
export function decisionWords(
  spamProbability: number,
  result: Pick<PredictionResult, 'threshold' | 'threshold_source' | 'channel'>,
  point: Pick<OperatingPointView, 'recorded' | 'channels'>,
): string {
  const shown = comparedPercents(spamProbability, result.threshold);
  const verdict = shown.sign === '≥' ? 'Spam' : 'Not spam';
  const source = thresholdSourceWords(result.threshold_source, point, result.channel);
  return `${verdict}: spam probability ${shown.probability} ${shown.sign} threshold ${shown.threshold}, ${source}`;
}

/**
 * The model's threshold in one line (the sidebar, the form's help): `0.7 (operating point)`, `SMS 0.62, e-mail 0.91
 * (operating points per channel)`, `0.5 (default)`.
 */
export function modelThresholdWords(point: OperatingPointView): string {
  if (!point.recorded) return `${thresholdNumber(point.threshold)} (default)`;
  const channels = CHANNELS.filter((c) => point.channels[c]);
  if (channels.length === 0) return `${thresholdNumber(point.threshold)} (operating point)`;
  const each = channels.map((c) => `${CHANNEL_WORDS[c]} ${thresholdNumber(point.channels[c]!.threshold)}`);
  const others = channels.length < CHANNELS.length ? `, others ${thresholdNumber(point.threshold)}` : '';
  return `${each.join(', ')}${others} (operating points per channel)`;
}

/** A row of the operating point's figures on the model page. */
export interface OperatingPointRow {
  /** `All channels`, `SMS`, `e-mail`. */
  readonly name: string;
  readonly threshold: string;
  readonly target: string;
  readonly fpRate: string;
  readonly recall: string;
  readonly precision: string;
  readonly f1: string;
}

/** The operating point as the model page shows it. */
export interface OperatingPointWords {
  /** `0.73 (spam from 73 %)`, or `0.5 (the default; this model has no operating point)`. */
  readonly threshold: string;
  /** `at most 0.1 %`, or `none` (not chosen for a false-positive rate); undefined for the default. */
  readonly target?: string;
  /** How it was chosen, in a sentence; undefined for the default. */
  readonly chosen?: string;
  /** The thresholds with their cross-validated figures: the model's, then each channel's own. */
  readonly rows: readonly OperatingPointRow[];
  /** Whether a channel has its own threshold (the table then says which decides what). */
  readonly perChannel: boolean;
  readonly recorded: boolean;
}

function row(name: string, point: { threshold: number; max_fp_rate: number | null; cv: OperatingPointView['cv'] }) {
  const cv = point.cv;
  return {
    name,
    threshold: thresholdNumber(point.threshold),
    target: point.max_fp_rate === null ? 'none' : `≤ ${percentText(point.max_fp_rate, 3)}`,
    fpRate: cv ? `${percentText(cv.fp_rate, 3)} (${cv.fp} not-spam flagged)` : '–',
    recall: cv ? `${percentText(cv.recall, 1)} (${cv.fn} spam missed)` : '–',
    precision: cv ? percentText(cv.precision, 1) : '–',
    f1: cv ? cv.f1.toFixed(4) : '–',
  };
}

export function operatingPointWords(point: OperatingPointView): OperatingPointWords {
  if (!point.recorded) {
    return {
      threshold: `${point.threshold} (the default; this model has no operating point)`,
      rows: [],
      perChannel: false,
      recorded: false,
    };
  }
  const channels = CHANNELS.filter((c) => point.channels[c]);
  const target = point.max_fp_rate === null ? 'none' : `at most ${percentText(point.max_fp_rate, 3)}`;
  const chosen = `${point.chosen_by.charAt(0).toUpperCase()}${point.chosen_by.slice(1)}${/[.!?]$/.test(point.chosen_by) ? '' : '.'}`;
  const rows = [
    ...(point.cv || channels.length > 0
      ? [row(channels.length > 0 ? 'All training rows' : 'Training rows', point)]
      : []),
    ...channels.map((c) => row(`${CHANNEL_WORDS[c]} rows`, point.channels[c]!)),
  ];
  return {
    threshold: `${thresholdNumber(point.threshold)} (spam from ${percentText(point.threshold)})`,
    target,
    chosen,
    rows,
    perChannel: channels.length > 0,
    recorded: true,
  };
}
