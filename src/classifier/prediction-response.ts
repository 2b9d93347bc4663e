import type { Channel, Classification, FeatureContribution } from '../engine';

/** The model a response names. */
export interface ModelSummary {
  readonly version: string;
  readonly algorithm: string;
}

export interface PredictionResult {
  prediction: 'spam' | 'not_spam';
  spam_probability: number;
  confidence: number;
  channel: Channel;
  request_id: string;
  model: { version: string; algorithm: string };
  explanation?: { towards_spam: FeatureContribution[]; towards_not_spam: FeatureContribution[] };
}

export interface BatchResult {
  results: Array<{
    id?: string;
    prediction: 'spam' | 'not_spam';
    spam_probability: number;
    confidence: number;
    channel: Channel;
  }>;
  request_id: string;
  model: { version: string; algorithm: string };
}

/**
 * The engine's classification as the API answers it (probabilities rounded to 6 decimals). The service and the
 * benchmark's bare-fastify ceiling both answer through this, so the two cannot drift.
 */
export function predictionResponse(
  c: Classification,
  channel: Channel,
  requestId: string,
  model: ModelSummary,
): PredictionResult {
  const spam = c.label === 1;
  const result: PredictionResult = {
    prediction: spam ? 'spam' : 'not_spam',
    spam_probability: round(c.spamProbability),
    confidence: round(spam ? c.spamProbability : 1 - c.spamProbability),
    channel,
    request_id: requestId,
    model: { version: model.version, algorithm: model.algorithm },
  };
  if (c.explanation) {
    result.explanation = {
      towards_spam: [...c.explanation.towardsSpam],
      towards_not_spam: [...c.explanation.towardsHam],
    };
  }
  return result;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
