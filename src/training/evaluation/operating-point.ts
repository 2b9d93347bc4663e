import type { Channel, ChannelOperatingPoint, OperatingPoint, OperatingPointFigures } from '../../engine';
import { evaluate } from './metrics';

/**
 * The false-positive rate training aims for unless told otherwise, per channel, measured by cross-validation on the
 * training rows (docs/operating-point.md):
 * - SMS: at most one legitimate message in a thousand. At 0.5 the best SMS model flags 0.2 % of ham (7–10 of 3,859);
 *   at 0.1 % its out-of-fold F1 is 0.968 (2–3 FP), i.e. about one false positive in a test set of 966 ham.
 * - Email: four in a thousand. Email ham includes newsletters that read like spam: the out-of-fold F1 of the best
 *   email model is 0.988 at 0.4 %, 0.982 at 0.2 % and 0.974 at 0.1 %; above 0.5 % it no longer rises.
 * Rows of no known channel (a labelled file) get the stricter SMS figure.
 */
export const DEFAULT_MAX_FP_RATES: Readonly<Record<Channel, number>> = { sms: 0.001, email: 0.004 };
export const DEFAULT_MAX_FP_RATE = DEFAULT_MAX_FP_RATES.sms;

/** A channel gets its own threshold when its training rows hold at least this many ham (and some spam). */
export const MIN_CHANNEL_HAM = 100;

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

export interface OperatingPointRequest {
  /** Each training row's out-of-fold spam probability (NaN: none); null = the model has none (no calibration). */
  readonly outOfFold: Float64Array | null;
  readonly labels: ArrayLike<number>;
  /** Each row's channel, when known (SMS corpus, email corpus, feedback of a known channel). */
  readonly channels?: ReadonlyArray<Channel | undefined>;
  /** One budget for every channel; null = the plain 0.5; undefined = DEFAULT_MAX_FP_RATES per channel. */
  readonly maxFpRate?: number | null;
  /** How the out-of-fold probabilities were made, e.g. `5-fold cross-validation` or `out-of-bag trees`. */
  readonly how: string;
}

/**
 * The operating point a trained model is served with: the threshold for the false-positive budget from out-of-fold
 * probabilities of the training rows, or the plain 0.5 when no budget is asked for (null) or there are no
 * out-of-fold probabilities (a model without calibration). Trained on several channels with enough rows each, every
 * channel also gets its own threshold from its own rows.
 */
export function chooseOperatingPoint(request: OperatingPointRequest): OperatingPoint {
  const { outOfFold, labels, how } = request;
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
  if (request.maxFpRate === null) {
    return {
      threshold: PLAIN_THRESHOLD,
      maxFpRate: null,
      chosenBy: `default 0.5 (no false-positive budget asked for); figures from ${source}`,
      cv: figuresAt(outOfFold, labels, PLAIN_THRESHOLD),
    };
  }
  const channelRows = rowsByChannel(request.channels, labels, outOfFold.length);
  const only = channelRows.size === 1 ? [...channelRows][0] : undefined;
  const single = only !== undefined && only[1].length === outOfFold.length ? only[0] : undefined;
  const maxFpRate = request.maxFpRate ?? (single ? DEFAULT_MAX_FP_RATES[single] : DEFAULT_MAX_FP_RATE);
  const threshold = roundThreshold(thresholdForFpRate(outOfFold, labels, maxFpRate));
  const point: OperatingPoint = {
    threshold,
    maxFpRate,
    chosenBy: `lowest threshold keeping the false-positive rate ≤ ${formatRate(maxFpRate)} on ${source}`,
    cv: figuresAt(outOfFold, labels, threshold),
  };
  if (channelRows.size < 2) return point;
  const channels: Partial<Record<Channel, ChannelOperatingPoint>> = {};
  for (const [channel, indices] of channelRows) {
    const p = indices.map((i) => outOfFold[i]);
    const y = indices.map((i) => labels[i]);
    const rate = request.maxFpRate ?? DEFAULT_MAX_FP_RATES[channel];
    const t = roundThreshold(thresholdForFpRate(p, y, rate));
    channels[channel] = { threshold: t, maxFpRate: rate, cv: figuresAt(p, y, t) };
  }
  return {
    ...point,
    chosenBy: `${point.chosenBy}; each channel's own threshold from its own rows`,
    channels,
  };
}

/** Rows per channel, for the channels with enough ham and some spam among rows with an out-of-fold probability. */
function rowsByChannel(
  channels: ReadonlyArray<Channel | undefined> | undefined,
  labels: ArrayLike<number>,
  n: number,
): Map<Channel, number[]> {
  const byChannel = new Map<Channel, number[]>();
  if (!channels) return byChannel;
  for (let i = 0; i < n; i++) {
    const channel = channels[i];
    if (channel === undefined) continue;
    const list = byChannel.get(channel) ?? [];
    list.push(i);
    byChannel.set(channel, list);
  }
  for (const [channel, indices] of byChannel) {
    const ham = indices.filter((i) => labels[i] === 0).length;
    if (ham < MIN_CHANNEL_HAM || ham === indices.length) byChannel.delete(channel);
  }
  return byChannel;
}

/** Six decimals: enough to keep every decision, short enough to read and to type back in a request. */
function roundThreshold(threshold: number): number {
  return Math.min(1, Math.max(1e-6, Math.round(threshold * 1e6) / 1e6));
}

export function formatRate(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))} %`;
}
