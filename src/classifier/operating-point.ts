import {
  checkThreshold,
  isRecord,
  SPAM_THRESHOLD,
  type Channel,
  type OperatingPoint,
  type OperatingPointFigures,
} from '../engine';
import { FieldValidationError } from '../http/error-response';
import type { ServedArtifact } from './model-artifact.port';

/** Where the threshold that decided a prediction came from: the model's operating point, or the request. */
export type ThresholdSource = 'model' | 'request';

/** The valid thresholds, in the words every refusal uses. */
export const THRESHOLD_RANGE = 'a number greater than 0 and at most 1';

/** How a value the client sent is quoted back in a refusal (short: it may be anything). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * A request's decision threshold (`threshold` in a body, `parameters.threshold` of a KServe request): undefined when
 * absent (the model decides at its operating point), else a number with 0 < threshold ≤ 1. Anything else, null and
 * numeric strings included, is a 400 naming the field and the range: the routes' JSON schemas let the field through
 * untyped so that "x", 0, 1.5 and -1 are all refused in these same words.
 */
export function requestedThreshold(value: unknown, field = 'threshold'): number | undefined {
  if (value === undefined) return undefined;
  try {
    return checkThreshold(value, field);
  } catch {
    throw new FieldValidationError(`${field} must be ${THRESHOLD_RANGE}, got ${shown(value)}`, [
      { field, message: `must be ${THRESHOLD_RANGE}` },
    ]);
  }
}

/** Out-of-fold figures at a threshold, in the API's words. */
export interface OperatingPointFiguresView {
  fp_rate: number;
  recall: number;
  precision: number;
  f1: number;
  fp: number;
  fn: number;
}

/** One channel's own threshold (a model trained on several channels). */
export interface ChannelOperatingPointView {
  threshold: number;
  max_fp_rate: number | null;
  cv: OperatingPointFiguresView | null;
}

/**
 * A model's operating point as the API and the page show it (snake_case): the threshold it decides with, the
 * false-positive rate it was chosen for and its cross-validated figures there; `channels`, for a model trained on
 * several channels, each channel's own threshold, which decides the messages of that channel (`threshold` the
 * others). `recorded` is false for an artifact made before operating points: it decides at 0.5.
 */
export interface OperatingPointView {
  threshold: number;
  max_fp_rate: number | null;
  chosen_by: string;
  cv: OperatingPointFiguresView | null;
  channels: Partial<Record<Channel, ChannelOperatingPointView>>;
  recorded: boolean;
}

export const DEFAULT_OPERATING_POINT_WORDS = `the default ${SPAM_THRESHOLD}: this model records no operating point`;

/** The artifact's `metadata.operatingPoint` (verified by the engine's codec), else the default 0.5. */
export function operatingPointOf(artifact: Pick<ServedArtifact, 'metadata'>): OperatingPointView {
  const point = artifact.metadata.operatingPoint;
  if (!isRecord(point) || typeof point.threshold !== 'number') {
    return {
      threshold: SPAM_THRESHOLD,
      max_fp_rate: null,
      chosen_by: DEFAULT_OPERATING_POINT_WORDS,
      cv: null,
      channels: {},
      recorded: false,
    };
  }
  const p = point as unknown as OperatingPoint;
  const channels: Partial<Record<Channel, ChannelOperatingPointView>> = {};
  for (const [channel, entry] of Object.entries(p.channels ?? {})) {
    if (!entry || typeof entry.threshold !== 'number') continue;
    channels[channel as Channel] = {
      threshold: entry.threshold,
      max_fp_rate: entry.maxFpRate ?? null,
      cv: figuresView(entry.cv),
    };
  }
  return {
    threshold: p.threshold,
    max_fp_rate: p.maxFpRate ?? null,
    chosen_by: typeof p.chosenBy === 'string' ? p.chosenBy : 'not recorded',
    cv: figuresView(p.cv),
    channels,
    recorded: true,
  };
}

/** The threshold the model decides a message of this channel with: the channel's own, else its general one. */
export function modelThresholdFor(point: OperatingPointView, channel: Channel | undefined): number {
  return (channel && point.channels[channel]?.threshold) ?? point.threshold;
}

function figuresView(cv: OperatingPointFigures | null | undefined): OperatingPointFiguresView | null {
  return cv
    ? { fp_rate: cv.fpRate, recall: cv.recall, precision: cv.precision, f1: cv.f1, fp: cv.fp, fn: cv.fn }
    : null;
}
