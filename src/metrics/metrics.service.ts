import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ModelHolder } from '../classifier/model-holder.service';
import type { ServedArtifact } from '../classifier/model-artifact.port';
import { operatingPointOf } from '../classifier/operating-point';
import { PredictionService } from '../classifier/prediction.service';
import { HttpRequestMetrics } from './http-request-metrics';

/**
 * Prometheus metrics (one registry per application instance): HTTP requests by route and status, their latency,
 * predictions by label, the active model's version as a gauge, its decision threshold, model load time, and the
 * process metrics.
 * `/metrics` is open, so nothing here names the host, the runtime's version or a path: Prometheus adds the target's
 * pod and instance labels itself.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** http_requests_total and http_request_duration_seconds. */
  readonly http: HttpRequestMetrics;
  readonly predictions: Counter<'prediction' | 'model_version'>;
  readonly modelInfo: Gauge<'version' | 'algorithm'>;
  readonly modelLoadSeconds: Gauge<'version'>;
  readonly modelThreshold: Gauge<'version' | 'channel'>;
  readonly modelSwaps: Counter;

  constructor(holder: ModelHolder, predictions: PredictionService) {
    collectDefaultMetrics({ register: this.registry });
    this.registry.removeSingleMetric('nodejs_version_info');
    this.http = new HttpRequestMetrics(
      this.registry,
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
    this.predictions = new Counter({
      name: 'spam_predictions_total',
      help: 'Messages classified, by predicted label and model version.',
      labelNames: ['prediction', 'model_version'],
      registers: [this.registry],
      // Read at scrape: a prediction adds to a plain number (prom-client hashes the labels on every inc).
      collect: () => this.flushPredictions(this.predictions),
    });
    this.modelInfo = new Gauge({
      name: 'spam_model_info',
      help: 'The model serving requests (value 1), labelled with its version and algorithm.',
      labelNames: ['version', 'algorithm'],
      registers: [this.registry],
    });
    this.modelLoadSeconds = new Gauge({
      name: 'spam_model_load_seconds',
      help: 'Time spent building the classifier from its artifact, by model version.',
      labelNames: ['version'],
      registers: [this.registry],
    });
    this.modelThreshold = new Gauge({
      name: 'spam_model_threshold',
      help:
        'The serving model\'s decision threshold (its operating point; 0.5 without one): channel="any", and each ' +
        "channel's own where the model has one per channel. Requests may decide with their own.",
      labelNames: ['version', 'channel'],
      registers: [this.registry],
    });
    this.modelSwaps = new Counter({
      name: 'spam_model_swaps_total',
      help: 'Models put into service since start.',
      registers: [this.registry],
    });

    holder.onSwap((current) => this.modelChanged(current.artifact, current.loadMs));
    const active = holder.active();
    if (active) this.modelChanged(active.artifact, active.loadMs);
    predictions.onPrediction((label, model) => {
      const version = model.artifact.metadata.version;
      let counts = this.pendingPredictions.get(version);
      if (!counts) {
        counts = { spam: 0, not_spam: 0 };
        this.pendingPredictions.set(version, counts);
      }
      counts[label]++;
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(method, route, status, seconds);
  }

  /** `observeRequest` for one route (see HttpRequestMetrics.forRoute). */
  requestObserver(method: string, route: string): (status: number, seconds: number) => void {
    return this.http.forRoute(method, route);
  }

  /** Predictions counted since the last scrape, per model version; added to the counter when it is read. */
  private readonly pendingPredictions = new Map<string, { spam: number; not_spam: number }>();

  private flushPredictions(counter: Counter<'prediction' | 'model_version'>): void {
    for (const [version, counts] of this.pendingPredictions) {
      if (counts.spam > 0) counter.inc({ prediction: 'spam', model_version: version }, counts.spam);
      if (counts.not_spam > 0) counter.inc({ prediction: 'not_spam', model_version: version }, counts.not_spam);
    }
    this.pendingPredictions.clear();
  }

  private modelChanged(artifact: Pick<ServedArtifact, 'metadata'>, loadMs: number): void {
    const { metadata } = artifact;
    this.modelInfo.reset();
    this.modelInfo.set({ version: metadata.version, algorithm: metadata.algorithm }, 1);
    this.modelThreshold.reset();
    const point = operatingPointOf(artifact);
    this.modelThreshold.set({ version: metadata.version, channel: 'any' }, point.threshold);
    for (const [channel, own] of Object.entries(point.channels)) {
      if (own) this.modelThreshold.set({ version: metadata.version, channel }, own.threshold);
    }
    this.modelLoadSeconds.set({ version: metadata.version }, loadMs / 1000);
    this.modelSwaps.inc();
  }
}
