import { createHash } from 'node:crypto';
import type { Channel } from '../engine';

/** What one prediction log line is built from. */
export interface PredictionLogInput {
  readonly requestId: string;
  readonly prediction: 'spam' | 'not_spam';
  readonly spamProbability: number;
  /** The threshold that decided, and whether the request gave it (`threshold_source`: model or request). */
  readonly threshold?: number;
  readonly thresholdSource?: 'model' | 'request';
  readonly modelVersion: string;
  readonly channel: Channel;
  readonly startedAt: number;
  readonly text: string;
  /** LOG_TEXT_PREVIEW_CHARS: 0 = the text never appears in logs. */
  readonly previewChars: number;
  /** A batch item's id (or index). */
  readonly itemId?: string;
}

/**
 * The one JSON log line per prediction. Field names are stable (the ELK dashboards read them): request_id,
 * prediction, spam_probability, threshold and threshold_source (when given: the service always gives them),
 * model_version, pod_name (from the root logger's base, on every line), channel, latency_ms, text_length,
 * text_sha256, and text_preview only when a preview length is configured. Used by the service and by the
 * benchmark's bare app.
 */
export function predictionLogLine(input: PredictionLogInput): Record<string, unknown> {
  const line: Record<string, unknown> = {
    request_id: input.requestId,
    prediction: input.prediction,
    spam_probability: input.spamProbability,
    ...(input.threshold === undefined ? {} : { threshold: input.threshold }),
    ...(input.thresholdSource === undefined ? {} : { threshold_source: input.thresholdSource }),
    model_version: input.modelVersion,
    channel: input.channel,
    latency_ms: Math.round((performance.now() - input.startedAt) * 1000) / 1000,
    text_length: input.text.length,
    text_sha256: createHash('sha256').update(input.text).digest('hex'),
  };
  if (input.itemId !== undefined) line.item_id = input.itemId;
  if (input.previewChars > 0) line.text_preview = input.text.slice(0, input.previewChars);
  return line;
}
