import type { Channel, Classification, Explanation, ExplanationUnit } from '../engine';
import type { Truncation } from './message-reader';
import type { ThresholdSource } from './operating-point';

export type { ThresholdSource } from './operating-point';

/** The model a response names. */
export interface ModelSummary {
  readonly version: string;
  readonly algorithm: string;
}

export interface PredictionResult {
  prediction: 'spam' | 'not_spam';
  spam_probability: number;
  confidence: number;
  /** The threshold that decided: spam when the (unrounded) spam probability is ≥ it. Not rounded. */
  threshold: number;
  threshold_source: ThresholdSource;
  channel: Channel;
  request_id: string;
  model: { version: string; algorithm: string };
  /** Present only when the model read part of the message (CLASSIFY_MAX_CHARS). */
  truncated?: Truncation;
  explanation?: ExplanationResponse;
}

/** A word (or phrase) of the message and its push on the decision in the explanation's unit (+ = towards spam). */
export interface WordWeight {
  word: string;
  weight: number;
}

export interface ExplanationResponse {
  unit: ExplanationUnit;
  baseline: number;
  total: number;
  towards_spam: WordWeight[];
  towards_not_spam: WordWeight[];
}

export interface BatchResult {
  results: Array<{
    id?: string;
    prediction: 'spam' | 'not_spam';
    spam_probability: number;
    confidence: number;
    threshold: number;
    threshold_source: ThresholdSource;
    channel: Channel;
    truncated?: Truncation;
    explanation?: ExplanationResponse;
  }>;
  request_id: string;
  model: { version: string; algorithm: string };
}

/**
 * The engine's classification as the API answers it (probabilities rounded to 6 decimals; the threshold as it
 * decided, unrounded, so a rounded probability equal to it never reads as the wrong side). `thresholdSource` says
 * whether the request gave the threshold. The service and the benchmark's bare-fastify ceiling both answer through
 * this, so the two cannot drift.
 */
export function predictionResponse(
  c: Classification,
  channel: Channel,
  requestId: string,
  model: ModelSummary,
  truncated?: Truncation,
  thresholdSource: ThresholdSource = 'model',
): PredictionResult {
  const spam = c.label === 1;
  const result: PredictionResult = {
    prediction: spam ? 'spam' : 'not_spam',
    spam_probability: round(c.spamProbability),
    confidence: round(spam ? c.spamProbability : 1 - c.spamProbability),
    threshold: c.threshold,
    threshold_source: thresholdSource,
    channel,
    request_id: requestId,
    model: { version: model.version, algorithm: model.algorithm },
  };
  if (truncated) result.truncated = truncated;
  if (c.explanation) result.explanation = explanationResponse(c.explanation);
  return result;
}

/** The engine's explanation as the API answers it: words and weights only (spans are offsets for the page). */
export function explanationResponse(e: Explanation): ExplanationResponse {
  const words = (list: Explanation['towardsSpam']): WordWeight[] =>
    list.map((w) => ({ word: w.word, weight: round(w.weight) }));
  return {
    unit: e.unit,
    baseline: round(e.baseline),
    total: round(e.total),
    towards_spam: words(e.towardsSpam),
    towards_not_spam: words(e.towardsHam),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
