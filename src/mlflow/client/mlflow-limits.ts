import { MlflowValidationError } from './mlflow-errors';
import type { MlflowMetric, MlflowParam, MlflowTag } from './mlflow-types';

/** MLflow's own limits (mlflow/utils/validation.py, 2.17). */
export const MLFLOW_LIMITS = {
  maxMetricsPerBatch: 1000,
  maxParamsPerBatch: 100,
  maxTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  /** The server refuses bodies above 1 MB; we keep a margin for the envelope. */
  maxBatchBytes: 1_000_000,
  maxKeyLength: 250,
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
} as const;

/** Experiment, run, registered-model, metric/param/tag names. */
export const MLFLOW_NAME_PATTERN = /^[/\w.\- ]*$/;
/** Aliases; `latest` and `v<N>` are reserved by MLflow. */
export const MLFLOW_ALIAS_PATTERN = /^[\w-]*$/;

export interface LogBatch {
  metrics: MlflowMetric[];
  params: MlflowParam[];
  tags: MlflowTag[];
}

export function validateKey(kind: string, key: string): void {
  if (key.length === 0 || key.length > MLFLOW_LIMITS.maxKeyLength) {
    throw new MlflowValidationError(
      `${kind} key "${key.slice(0, 60)}" has ${key.length} characters; MLflow accepts 1 to ${MLFLOW_LIMITS.maxKeyLength}`,
    );
  }
  if (!MLFLOW_NAME_PATTERN.test(key)) {
    throw new MlflowValidationError(
      `${kind} key "${key}" may only hold letters, digits, '_', '-', '.', ' ' and '/' (MLflow's rule)`,
    );
  }
}

export function validateAlias(alias: string): void {
  if (!alias || !MLFLOW_ALIAS_PATTERN.test(alias) || alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw new MlflowValidationError(
      `alias "${alias}" is invalid: use letters, digits, '_' or '-'; "latest" and "v<N>" are reserved`,
    );
  }
}

export function validateBatch(batch: LogBatch): void {
  for (const metric of batch.metrics) {
    validateKey('metric', metric.key);
    if (typeof metric.value !== 'number' || Number.isNaN(metric.value)) {
      throw new MlflowValidationError(`metric "${metric.key}" must be a number, got ${String(metric.value)}`);
    }
  }
  for (const param of batch.params) {
    validateKey('param', param.key);
    if (param.value.length > MLFLOW_LIMITS.maxParamValueLength) {
      throw new MlflowValidationError(
        `param "${param.key}" value has ${param.value.length} characters; MLflow accepts at most ${MLFLOW_LIMITS.maxParamValueLength}`,
      );
    }
  }
  for (const tag of batch.tags) {
    validateKey('tag', tag.key);
    if (tag.value.length > MLFLOW_LIMITS.maxTagValueLength) {
      throw new MlflowValidationError(
        `tag "${tag.key}" value has ${tag.value.length} characters; MLflow accepts at most ${MLFLOW_LIMITS.maxTagValueLength}`,
      );
    }
  }
}

/**
 * Splits one logical batch into requests MLflow accepts: per-kind counts, total entities and body size.
 * Params come first so a refused (changed) param stops the run before metrics pile up.
 */
export function splitLogBatch(batch: LogBatch, maxBytes: number = MLFLOW_LIMITS.maxBatchBytes - 10_000): LogBatch[] {
  validateBatch(batch);
  const chunks: LogBatch[] = [];
  let current: LogBatch = { metrics: [], params: [], tags: [] };
  let bytes = 0;
  const flush = (): void => {
    if (current.metrics.length + current.params.length + current.tags.length > 0) chunks.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = 0;
  };
  const add = <K extends keyof LogBatch>(kind: K, entity: LogBatch[K][number], limit: number): void => {
    const size = Buffer.byteLength(JSON.stringify(entity)) + 1;
    const entities = current.metrics.length + current.params.length + current.tags.length;
    if (current[kind].length >= limit || entities >= MLFLOW_LIMITS.maxEntitiesPerBatch || bytes + size > maxBytes) {
      flush();
    }
    (current[kind] as Array<LogBatch[K][number]>).push(entity);
    bytes += size;
  };
  for (const param of batch.params) add('params', param, MLFLOW_LIMITS.maxParamsPerBatch);
  for (const tag of batch.tags) add('tags', tag, MLFLOW_LIMITS.maxTagsPerBatch);
  for (const metric of batch.metrics) add('metrics', metric, MLFLOW_LIMITS.maxMetricsPerBatch);
  flush();
  return chunks;
}
