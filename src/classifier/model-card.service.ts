import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { snakeCaseKeys } from '../http/snake-case';
import { ModelHolder, type ActiveModel } from './model-holder.service';
import { operatingPointOf, type OperatingPointView } from './operating-point';

export interface ModelCard {
  version: string;
  algorithm: string;
  /** The threshold the model decides with, how it was chosen and its CV figures there (0.5 when not recorded). */
  operating_point: OperatingPointView;
  parameters: unknown;
  metrics: unknown;
  training: unknown;
  training_data_fingerprint: string | null;
  trained_at: string;
  checksum: string;
  source: string;
  loaded_at: string;
}

/**
 * The active model's card, mapped from the artifact's metadata (the artifact's layout never leaks as is): keys in
 * snake_case all the way down (`roc_auc`, `confusion_matrix`, `ngram_range`), and the training counts in the API's
 * words (`not_spam`, never the corpora's `ham`).
 */
@Injectable()
export class ModelCardService {
  constructor(private readonly holder: ModelHolder) {}

  card(): ModelCard {
    const active = this.holder.active();
    if (!active) throw new HttpException(NO_MODEL_YET, HttpStatus.SERVICE_UNAVAILABLE);
    return cardOf(active);
  }
}

/** The same words as every other route that needs a model (PredictionService.requireModel). */
const NO_MODEL_YET = 'no model is loaded yet; retry when /health/ready answers 200';
const API_WORDS = { ham: 'not_spam' } as const;

export function cardOf(active: ActiveModel): ModelCard {
  const m = active.artifact.metadata;
  const training = (m.training ?? null) as { fingerprint?: unknown } | null;
  return {
    version: m.version,
    algorithm: m.algorithm,
    operating_point: operatingPointOf(active.artifact),
    parameters: snakeCaseKeys(parametersOf(active.artifact)),
    metrics: snakeCaseKeys(m.metrics ?? null, API_WORDS),
    training: snakeCaseKeys(training, API_WORDS),
    training_data_fingerprint: typeof training?.fingerprint === 'string' ? training.fingerprint : null,
    trained_at: m.createdAt,
    checksum: active.artifact.checksum,
    source: active.source,
    loaded_at: active.loadedAt.toISOString(),
  };
}

/** The engine's artifact keeps `modelParams` and `vectorizerConfig` in its metadata; other layouts keep `params`. */
function parametersOf(artifact: ActiveModel['artifact']): unknown {
  const m = artifact.metadata;
  if (m.modelParams !== undefined || m.vectorizerConfig !== undefined) {
    return { model: m.modelParams ?? null, vectorizer: m.vectorizerConfig ?? null };
  }
  return m.params ?? null;
}
