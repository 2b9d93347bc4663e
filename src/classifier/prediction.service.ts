import { HttpException, HttpStatus, Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { httpConfig, type HttpConfig } from '../http/http.config';
import { FieldValidationError } from '../http/error-response';
import { ROOT_LOGGER } from '../http/logging';
import { classifierConfig, type ClassifierConfig } from './config/classifier.config';
import type { Channel, ChannelChoice, Classification, ClassifyOptions, MessageText } from '../engine';
import { MessageReader } from './message-reader';
import { ModelHolder, type ActiveModel } from './model-holder.service';
import type { ThresholdSource } from './operating-point';
import { predictionLogLine } from './prediction-log';
import { predictionResponse, type BatchResult, type PredictionResult } from './prediction-response';

export type { BatchResult, PredictionResult } from './prediction-response';

const NON_WHITESPACE = /\S/;

/** The label a prediction shows; the metric and log field names depend on it. */
export type PredictionListener = (label: 'spam' | 'not_spam', model: ActiveModel) => void;

/**
 * Classifies texts with the active model and writes one JSON log line per prediction with stable field names
 * (the ELK dashboards read them): request_id, prediction, spam_probability, threshold, threshold_source,
 * model_version, pod_name, channel, latency_ms, text_length, text_sha256 (+ text_preview when
 * LOG_TEXT_PREVIEW_CHARS > 0). A request may give its own decision threshold (checked by the routes with
 * `requestedThreshold`); every answer says which threshold decided and where it came from. PREDICTION_LOG_SAMPLE_RATE
 * keeps a random share of those lines (the listeners, and so the metrics, still see every prediction).
 * The work per request is bounded as `MessageReader` describes (raw emails read from a prefix, large ones in a worker
 * thread, a budget per request, batches classified in slices).
 */
@Injectable()
export class PredictionService implements OnApplicationShutdown {
  private readonly log: Logger;
  private readonly listeners: PredictionListener[] = [];
  private readonly reader: MessageReader;

  constructor(
    private readonly holder: ModelHolder,
    @Inject(classifierConfig.KEY) private readonly config: ClassifierConfig,
    @Inject(httpConfig.KEY) private readonly http: HttpConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.log = root.child({ context: 'Prediction' });
    this.reader = new MessageReader(config.classifyMaxChars);
  }

  onApplicationShutdown(): Promise<void> {
    return this.reader.close();
  }

  onPrediction(listener: PredictionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Classifies one message. The engine's `readMessage` decides its channel and the text the model reads (a raw email
   * is reduced to the text email models learn from, which is asynchronous); everything else is answered synchronously.
   */
  predict(
    text: string,
    channel: ChannelChoice | undefined,
    requestId: string,
    explain = false,
    threshold?: number,
  ): PredictionResult | Promise<PredictionResult> {
    const started = performance.now();
    const model = this.requireModel();
    this.checkText(text, 'text');
    const message = this.reader.read({ text, channel });
    if (message instanceof Promise)
      return message.then((read) => this.finishPrediction(read, text, requestId, explain, threshold, model, started));
    return this.finishPrediction(message, text, requestId, explain, threshold, model, started);
  }

  private finishPrediction(
    message: MessageText,
    submitted: string,
    requestId: string,
    explain: boolean,
    threshold: number | undefined,
    model: ActiveModel,
    started: number,
  ): PredictionResult {
    const c = model.classifier.classify(message.text, classifyOptions(explain ? 10 : 0, threshold, message.channel));
    const truncated = this.reader.truncation(message, submitted);
    const result = predictionResponse(c, message.channel, requestId, summaryOf(model), truncated, sourceOf(threshold));
    this.record(result, message.channel, requestId, submitted, model, started);
    return result;
  }

  /** The classification with its explanation, for the web page (`classifiedText`: what the model saw). */
  async classifyForPage(
    text: string,
    channel: ChannelChoice | undefined,
    requestId: string,
    threshold?: number,
  ): Promise<{ result: PredictionResult; classification: Classification; classifiedText: string }> {
    const started = performance.now();
    const model = this.requireModel();
    this.checkText(text, 'text');
    const message = await this.reader.read({ text, channel });
    const classification = model.classifier.classify(message.text, classifyOptions(12, threshold, message.channel));
    const truncated = this.reader.truncation(message, text);
    const result = predictionResponse(
      classification,
      message.channel,
      requestId,
      summaryOf(model),
      truncated,
      sourceOf(threshold),
    );
    this.record(result, message.channel, requestId, text, model, started);
    return { result, classification, classifiedText: message.text };
  }

  /**
   * Classifies messages in order, all with one threshold (the request's, else the model's); asynchronous only when
   * one of them is a raw email to extract first or the batch is classified in more than one slice.
   */
  predictBatch(
    messages: ReadonlyArray<{ id?: string; text: string; channel?: ChannelChoice }>,
    requestId: string,
    explain = false,
    threshold?: number,
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
    const read = this.reader.readAll(messages);
    if (read.some((r) => r instanceof Promise)) {
      return Promise.all(read).then((all) =>
        this.finishBatch(messages, all, requestId, explain, threshold, model, started),
      );
    }
    return this.finishBatch(messages, read as MessageText[], requestId, explain, threshold, model, started);
  }

  private finishBatch(
    messages: ReadonlyArray<{ id?: string; text: string }>,
    read: readonly MessageText[],
    requestId: string,
    explain: boolean,
    threshold: number | undefined,
    model: ActiveModel,
    started: number,
  ): BatchResult | Promise<BatchResult> {
    const classifications = this.reader.classifyInSlices(
      model.classifier,
      read.map((r) => r.text),
      classifyOptions(explain ? 10 : 0, threshold),
      read.map((r) => r.channel),
    );
    const source = sourceOf(threshold);
    if (classifications instanceof Promise)
      return classifications.then((all) => this.batchResult(messages, read, all, requestId, source, model, started));
    return this.batchResult(messages, read, classifications, requestId, source, model, started);
  }

  private batchResult(
    messages: ReadonlyArray<{ id?: string; text: string }>,
    read: readonly MessageText[],
    classifications: readonly Classification[],
    requestId: string,
    source: ThresholdSource,
    model: ActiveModel,
    started: number,
  ): BatchResult {
    const summary = summaryOf(model);
    const results = classifications.map((c, i) => {
      const m = messages[i];
      const { channel } = read[i];
      const r = predictionResponse(c, channel, requestId, summary, this.reader.truncation(read[i], m.text), source);
      this.record(r, channel, requestId, m.text, model, started, m.id ?? String(i));
      return {
        ...(m.id === undefined ? {} : { id: m.id }),
        prediction: r.prediction,
        spam_probability: r.spam_probability,
        confidence: r.confidence,
        threshold: r.threshold,
        threshold_source: r.threshold_source,
        channel,
        ...(r.truncated === undefined ? {} : { truncated: r.truncated }),
        ...(r.explanation === undefined ? {} : { explanation: r.explanation }),
      };
    });
    return { results, request_id: requestId, model: summary };
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
    result: Pick<PredictionResult, 'prediction' | 'spam_probability' | 'threshold' | 'threshold_source'>,
    channel: Channel,
    requestId: string,
    text: string,
    model: ActiveModel,
    started: number,
    itemId?: string,
  ): void {
    for (const listener of this.listeners) listener(result.prediction, model);
    const rate = this.config.predictionLogSampleRate;
    if (rate < 1 && (rate <= 0 || Math.random() >= rate)) return;
    const line = predictionLogLine({
      requestId,
      prediction: result.prediction,
      spamProbability: result.spam_probability,
      threshold: result.threshold,
      thresholdSource: result.threshold_source,
      modelVersion: model.artifact.metadata.version,
      channel,
      startedAt: started,
      text,
      previewChars: this.http.logTextPreviewChars,
      itemId,
    });
    if (rate < 1) line.log_sample_rate = rate;
    this.log.info(line, 'prediction');
  }
}

/**
 * What the engine is asked for: the explanation's words per side (0: none), the request's threshold, and the
 * message's channel (a model with a threshold per channel decides at the channel's).
 */
function classifyOptions(topFeatures: number, threshold: number | undefined, channel?: Channel): ClassifyOptions {
  return {
    ...(topFeatures > 0 ? { explain: true, topFeatures } : {}),
    ...(threshold === undefined ? {} : { threshold }),
    ...(channel === undefined ? {} : { channel }),
  };
}

function sourceOf(threshold: number | undefined): ThresholdSource {
  return threshold === undefined ? 'model' : 'request';
}

function summaryOf(model: ActiveModel): { version: string; algorithm: string } {
  return { version: model.artifact.metadata.version, algorithm: model.artifact.metadata.algorithm };
}
