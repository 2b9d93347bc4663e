import { readFile } from 'node:fs/promises';
import { parseArtifact } from '../engine/artifact';
import type { MlflowCredentials } from '../mlflow/client/mlflow-credentials';
import { MlflowClient } from '../mlflow/client/mlflow-client';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../mlflow/mlflow-tracking-store';
import { logTrainingRun, readReportDir, type TrainingRunInput } from '../mlflow/run-logger';
import type { ModelVersionRecord, TrackingStore } from '../mlflow/tracking-store';
import type { RetrainTaskResult } from './retrain-task.types';

/**
 * Where and how the training worker logs and registers its run, as plain data (it crosses into the worker thread):
 * the same store the service uses, rebuilt there. MLflow credentials are read by the service just before the run
 * and handed over in memory only; nothing here logs them.
 */
export interface WorkerRunLogging {
  readonly runId: string;
  readonly tracking:
    | { readonly kind: 'local'; readonly root: string }
    | {
        readonly kind: 'mlflow';
        readonly trackingUri: string;
        readonly requestTimeoutMs: number;
        readonly maxAttempts: number;
        readonly credentials: MlflowCredentials;
      };
  /** The local registry that keeps the run when MLflow is unreachable (none when tracking is local). */
  readonly fallbackRoot?: string;
  readonly experimentName: string;
  readonly modelName: string;
  readonly gitCommit: string;
}

/** What the worker reports back about the logged run (what `logTrainingRun` returns, plus what the service logs). */
export interface WorkerLoggedRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly store: 'mlflow' | 'local';
  readonly synced: boolean;
  readonly version?: ModelVersionRecord;
  readonly warning?: string;
  /** sha256 of the artifact that was logged and registered: the service swaps in only these bytes. */
  readonly artifactChecksum: string;
  readonly messages: ReadonlyArray<{ readonly level: 'log' | 'warn'; readonly text: string }>;
  /** Wall time of parsing, chart rendering and logging in the worker. */
  readonly durationMs: number;
}

/** The tracking input of a retrain run: the same for the worker and the service's own (fallback) path. */
export async function retrainRunInput(
  runId: string,
  result: RetrainTaskResult,
  artifactBytes: Buffer,
  artifact: TrainingRunInput['artifact'],
): Promise<TrainingRunInput> {
  return {
    artifactBytes,
    artifact,
    params: { ...result.params, retrain_run_id: runId, feedback_rows: result.feedbackRows },
    evaluation: result.evaluation,
    primaryEvaluation: result.primaryEvaluation,
    cvFolds: result.cvFolds,
    durationMs: result.durationMs,
    reportFiles: result.reportDir ? await readReportDir(result.reportDir).catch(() => ({})) : undefined,
    runName: `retrain-${runId}`,
  };
}

function storeFor(tracking: WorkerRunLogging['tracking'], onRetry: (message: string) => void): TrackingStore {
  if (tracking.kind === 'local') return new LocalTrackingStore(tracking.root);
  const { credentials } = tracking;
  return new MlflowTrackingStore(
    new MlflowClient({
      trackingUri: tracking.trackingUri,
      timeoutMs: tracking.requestTimeoutMs,
      maxAttempts: tracking.maxAttempts,
      credentials: () => credentials,
      onRetry: (endpoint, attempt, reason) => onRetry(`MLflow ${endpoint}: retry ${attempt} after ${reason}`),
    }),
  );
}

/**
 * In the training worker, after training: verify the artifact (a broken one fails the run here, before anything is
 * logged), then log the run with its charts and register a version, exactly as the service's publisher would.
 */
export async function logRetrainRun(result: RetrainTaskResult, logging: WorkerRunLogging): Promise<WorkerLoggedRun> {
  const started = performance.now();
  const messages: Array<{ level: 'log' | 'warn'; text: string }> = [];
  const logger = {
    log: (text: string) => messages.push({ level: 'log', text }),
    warn: (text: string) => messages.push({ level: 'warn', text }),
  };
  const bytes = await readFile(result.artifactPath);
  const artifact = parseArtifact(bytes, result.artifactPath);
  const input = await retrainRunInput(logging.runId, result, bytes, artifact);
  const logged = await logTrainingRun(storeFor(logging.tracking, logger.warn), input, {
    experimentName: logging.experimentName,
    modelName: logging.modelName,
    register: true,
    fallback: logging.fallbackRoot ? new LocalTrackingStore(logging.fallbackRoot) : undefined,
    logger,
    env: { ...process.env, GIT_COMMIT: logging.gitCommit },
  });
  return {
    runId: logged.runId,
    experimentId: logged.experimentId,
    store: logged.store,
    synced: logged.synced,
    ...(logged.version ? { version: logged.version } : {}),
    ...(logged.warning ? { warning: logged.warning } : {}),
    artifactChecksum: artifact.checksum,
    messages,
    durationMs: Math.round(performance.now() - started),
  };
}
