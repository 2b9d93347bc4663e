import { readFile } from 'node:fs/promises';
import type { SecretSource } from './client/mlflow-credentials';
import { mlflowConfigFrom, type MlflowConfig } from './config/mlflow.config';
import { promoteIfBetter, type PromotionDecision } from './promotion';
import {
  logTrainingRun,
  readReportDir,
  type EvaluationFigures,
  type LoggedRun,
  type TrainingRunInput,
} from './run-logger';
import { createLocalTrackingStore, createTrackingStore } from './tracking-store.factory';

/** The parts of the trainer's `TrainingResult` tracking reads (kept structural: no dependency on the trainer). */
export interface TrainingResultLike {
  readonly artifactPath: string;
  readonly artifact: TrainingRunInput['artifact'];
  readonly evaluation: Readonly<Record<string, EvaluationFigures>>;
  /** Per-fold figures: an array, or an object holding one under `folds`/`perFold`. */
  readonly cv?: unknown;
  readonly reportDir?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly durationMs: number;
}

export async function trainingRunInputFromResult(result: TrainingResultLike): Promise<TrainingRunInput> {
  const reportFiles = result.reportDir
    ? await readReportDir(result.reportDir).catch((): Record<string, Buffer> => ({}))
    : undefined;
  const stats = reportFiles?.['training_stats.json'];
  const { folds, summary } = crossValidation(result.cv);
  return {
    artifactBytes: await readFile(result.artifactPath),
    artifact: result.artifact,
    params: result.params,
    evaluation: result.evaluation,
    ...(folds ? { cvFolds: folds } : {}),
    ...(summary ? { cvSummary: summary } : {}),
    durationMs: result.durationMs,
    ...(reportFiles ? { reportFiles } : {}),
    ...(stats ? { trainingStats: JSON.parse(stats.toString('utf8')) as unknown } : {}),
  };
}

export interface TrackTrainingOptions {
  /** Register a version (default true). */
  register?: boolean;
  /** Apply the quality gate to the new version (champion or challenger). */
  promote?: boolean;
  env?: NodeJS.ProcessEnv;
  secrets: SecretSource;
  logger?: { log(message: string): void; warn(message: string): void };
}

/**
 * What `npm run train -- --register [--promote]` calls after training: logs the run to MLflow (or the local
 * registry), registers the version, applies the gate. MLflow being down never fails the training.
 */
export async function trackTrainingResult(
  result: TrainingResultLike,
  options: TrackTrainingOptions,
): Promise<{ run: LoggedRun; promotion?: PromotionDecision; config: MlflowConfig }> {
  const config = mlflowConfigFrom(options.env ?? process.env);
  const store = createTrackingStore(config, options.secrets, options.logger);
  const run = await logTrainingRun(store, await trainingRunInputFromResult(result), {
    experimentName: config.experimentName,
    modelName: config.modelName,
    register: options.register !== false,
    fallback: store.kind === 'local' ? undefined : createLocalTrackingStore(config),
    env: options.env,
    logger: options.logger,
  });
  if (!options.promote || !run.version) return { run, config };
  const promotion = await promoteIfBetter(store, {
    modelName: config.modelName,
    version: run.version.version,
    rule: config.gate,
  });
  options.logger?.log(`${config.modelName} v${promotion.version}: ${promotion.decision} (${promotion.reason})`);
  return { run, promotion, config };
}

/** The trainer's `{ folds, metrics, perFold }`, or a bare array of per-fold figures. */
function crossValidation(cv: unknown): {
  folds?: Array<Record<string, number | null>>;
  summary?: Record<string, number | null>;
} {
  if (Array.isArray(cv)) return { folds: cv.map(numbersOf) };
  if (!cv || typeof cv !== 'object') return {};
  const { perFold, folds, metrics } = cv as { perFold?: unknown; folds?: unknown; metrics?: unknown };
  const list = Array.isArray(perFold) ? perFold : Array.isArray(folds) ? folds : undefined;
  return {
    ...(list ? { folds: list.map(numbersOf) } : {}),
    ...(metrics && typeof metrics === 'object' ? { summary: numbersOf(metrics) } : {}),
  };
}

function numbersOf(value: unknown): Record<string, number | null> {
  const source = ((value as { metrics?: unknown }).metrics ?? value) as Record<string, unknown>;
  const out: Record<string, number | null> = {};
  for (const [key, item] of Object.entries(source)) {
    if (typeof item === 'number' || item === null) out[key] = item;
  }
  return out;
}
