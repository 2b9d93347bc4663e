import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { httpConfig, type HttpConfig } from '../http/http.config';
import { FieldValidationError } from '../http/error-response';
import { ROOT_LOGGER } from '../http/logging';
import { classifierConfig, type ClassifierConfig } from './config/classifier.config';
import type { Channel } from './dto/prediction.dto';
import type { Classification, FeatureContribution } from '../engine/types';
import { rawEmailText } from '../engine/message/message-text';
import { ModelHolder, type ActiveModel } from './model-holder.service';
import { predictionLogLine } from './prediction-log';

const NON_WHITESPACE = /\S/;

export type ResolvedChannel = 'sms' | 'email';

export interface PredictionResult {
  prediction: 'spam' | 'not_spam';
  spam_probability: number;
  confidence: number;
  channel: ResolvedChannel;
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
    channel: ResolvedChannel;
  }>;
  request_id: string;
  model: { version: string; algorithm: string };
}

/** The label a prediction shows; the metric and log field names depend on it. */
export type PredictionListener = (label: 'spam' | 'not_spam', model: ActiveModel) => void;

/** An e-mail starts with RFC 5322 header lines; anything else is treated as a short message. */
const EMAIL_HEADER = /^(?:[A-Za-z][\w-]{0,40}:[^\n]*\r?\n)+/;
const HEADER_NAMES = /^(?:from|to|subject|date|received|return-path|message-id|mime-version|content-type):/im;

export function resolveChannel(text: string, channel: Channel | undefined): ResolvedChannel {
  if (channel === 'sms' || channel === 'email') return channel;
  return EMAIL_HEADER.test(text) && HEADER_NAMES.test(text.slice(0, 2000)) ? 'email' : 'sms';
}

/**
 * Classifies texts with the active model and writes one JSON log line per prediction with stable field names
 * (the ELK dashboards read them): request_id, prediction, spam_probability, model_version, pod_name, channel,
 * latency_ms, text_length, text_sha256 (+ text_preview when LOG_TEXT_PREVIEW_CHARS > 0).
 */
@Injectable()
export class PredictionService {
  private readonly log: Logger;
  private readonly listeners: PredictionListener[] = [];

  constructor(
    private readonly holder: ModelHolder,
    @Inject(classifierConfig.KEY) private readonly config: ClassifierConfig,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ context: 'Prediction' });
  }

  onPrediction(listener: PredictionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Classifies one message. A raw email (on the email channel, or detected on auto) is first reduced to the text
   * email models learn from (`rawEmailText`), which is asynchronous; everything else is answered synchronously.
   */
  predict(
    text: string,
    channel: Channel | undefined,
    requestId: string,
    explain = false,
  ): PredictionResult | Promise<PredictionResult> {
    const started = performance.now();
    const model = this.requireModel();
    this.checkText(text, 'text');
    const resolved = resolveChannel(text, channel);
    const extracted = resolved === 'email' ? rawEmailText(text, resolved) : undefined;
    if (extracted)
      return extracted.then((classified) =>
        this.finishPrediction(classified, text, resolved, requestId, explain, model, started),
      );
    return this.finishPrediction(text, text, resolved, requestId, explain, model, started);
  }

  private finishPrediction(
    classified: string,
    submitted: string,
    resolved: ResolvedChannel,
    requestId: string,
    explain: boolean,
    model: ActiveModel,
    started: number,
  ): PredictionResult {
    const c = model.classifier.classify(classified, explain ? { explain: true, topFeatures: 10 } : undefined);
    const result = toResult(c, resolved, requestId, model);
    if (explain && c.explanation) {
      result.explanation = {
        towards_spam: [...c.explanation.towardsSpam],
        towards_not_spam: [...c.explanation.towardsHam],
      };
    }
    this.record(result.prediction, result.spam_probability, resolved, requestId, submitted, model, started);
    return result;
  }

  /** The classification with its explanation, for the web page (`classifiedText`: what the model saw). */
  async classifyForPage(
    text: string,
    channel: Channel | undefined,
    requestId: string,
  ): Promise<{ result: PredictionResult; classification: Classification; classifiedText: string }> {
    const started = performance.now();
    const model = this.requireModel();
    this.checkText(text, 'text');
    const resolved = resolveChannel(text, channel);
    const classifiedText = (resolved === 'email' ? await rawEmailText(text, resolved) : undefined) ?? text;
    const classification = model.classifier.classify(classifiedText, { explain: true, topFeatures: 12 });
    const result = toResult(classification, resolved, requestId, model);
    this.record(result.prediction, result.spam_probability, resolved, requestId, text, model, started);
    return { result, classification, classifiedText };
  }

  /** Classifies messages in order; asynchronous only when one of them is a raw email to extract first. */
  predictBatch(
    messages: ReadonlyArray<{ id?: string; text: string; channel?: Channel }>,
    requestId: string,
  ): BatchResult | Promise<BatchResult> {
    const started = performance.now();
    const model = this.requireModel();
    if (messages.length > this.config.maxBatchSize) {
      throw new FieldValidationError(
        `messages must hold at most ${this.config.maxBatchSize} items (MAX_BATCH_SIZE), got ${messages.length}`,
        [{ field: 'messages', message: `at most ${this.config.maxBatchSize} items (MAX_BATCH_SIZE)` }],
      );
    }
    messages.forEach((m, i) => this.checkText(m.text, `messages.${i}.text`));
    const channels = messages.map((m) => resolveChannel(m.text, m.channel));
    const extracted = messages.map((m, i) => (channels[i] === 'email' ? rawEmailText(m.text, 'email') : undefined));
    if (extracted.some((e) => e !== undefined)) {
      return Promise.all(extracted.map((e, i) => e ?? messages[i].text)).then((texts) =>
        this.finishBatch(messages, texts, channels, requestId, model, started),
      );
    }
    return this.finishBatch(
      messages,
      messages.map((m) => m.text),
      channels,
      requestId,
      model,
      started,
    );
  }

  private finishBatch(
    messages: ReadonlyArray<{ id?: string; text: string; channel?: Channel }>,
    texts: readonly string[],
    channels: readonly ResolvedChannel[],
    requestId: string,
    model: ActiveModel,
    started: number,
  ): BatchResult {
    const classifications = model.classifier.classifyBatch(texts);
    const results = classifications.map((c, i) => {
      const m = messages[i];
      const channel = channels[i];
      const r = toResult(c, channel, requestId, model);
      this.record(r.prediction, r.spam_probability, channel, requestId, m.text, model, started, m.id ?? String(i));
      return {
        ...(m.id === undefined ? {} : { id: m.id }),
        prediction: r.prediction,
        spam_probability: r.spam_probability,
        confidence: r.confidence,
        channel,
      };
    });
    return {
      results,
      request_id: requestId,
      model: { version: model.artifact.metadata.version, algorithm: model.artifact.metadata.algorithm },
    };
  }

  requireModel(): ActiveModel {
    const model = this.holder.active();
    if (!model)
      throw new HttpException(
        'no model is loaded yet; retry when /health/ready answers 200',
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    return model;
  }

  private checkText(text: string, field: string): void {
    if (text.length > this.config.maxTextChars) {
      throw new FieldValidationError(
        `${field} must be at most ${this.config.maxTextChars} characters (MAX_TEXT_CHARS), got ${text.length}`,
        [{ field, message: `must be at most ${this.config.maxTextChars} characters (MAX_TEXT_CHARS)` }],
      );
    }
    if (!NON_WHITESPACE.test(text)) {
      throw new FieldValidationError(`${field} must contain a non-whitespace character`, [
        { field, message: 'must contain a non-whitespace character' },
      ]);
    }
  }

  private record(
    prediction: 'spam' | 'not_spam',
    spamProbability: number,
    channel: ResolvedChannel,
    requestId: string,
    text: string,
    model: ActiveModel,
    started: number,
    itemId?: string,
  ): void {
    const line = predictionLogLine({
      requestId,
      prediction,
      spamProbability,
      modelVersion: model.artifact.metadata.version,
      channel,
      startedAt: started,
      text,
      previewChars: this.http.logTextPreviewChars,
      itemId,
    });
    this.log.info(line, 'prediction');
    for (const listener of this.listeners) listener(prediction, model);
  }
}

function toResult(
  c: Classification,
  channel: ResolvedChannel,
  requestId: string,
  model: ActiveModel,
): PredictionResult {
  const spam = c.label === 1;
  const p = round(c.spamProbability);
  return {
    prediction: spam ? 'spam' : 'not_spam',
    spam_probability: p,
    confidence: round(spam ? c.spamProbability : 1 - c.spamProbability),
    channel,
    request_id: requestId,
    model: { version: model.artifact.metadata.version, algorithm: model.artifact.metadata.algorithm },
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
