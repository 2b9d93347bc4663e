import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../mlflow/atomic-file';
import { runPublisherFromTarget, type Publication, type PublishTarget, type RunPublisher } from '../mlflow/publish-run';
import type { PromotionDecision } from '../mlflow/promotion';
import { publishInput } from '../training/publish-input';
import type { RetrainPublication, RetrainTaskResult, WorkerPublication } from './retrain-task.types';

/** What a retrain's run-table row records about its publication (also the Job CLI's output). */
export interface PublicationResult {
  readonly trackingRunId: string;
  readonly trackingStore: string;
  readonly synced: boolean;
  readonly registeredVersion: string | undefined;
  readonly promoted: boolean;
  readonly decision: PromotionDecision['decision'] | 'not_registered';
  readonly reason: string;
  /** Set when this replica now serves the new model. */
  readonly servingSource: string | undefined;
  readonly warning?: string;
  /**
   * Time of each step in this process, to keep an eye on what could delay serving: `publish` (when not done by the
   * worker) and `swap` hold the event loop; `load` (the promoted model verified and built in a worker thread, then
   * rebuilt here in short slices) and `publishInWorker` mostly do not.
   */
  readonly timingsMs: Readonly<Record<string, number>>;
}

/** Publishes a retrain's model through the registry's one use case: logged, registered, gated, alias moved. */
export async function publishRetrain(
  runId: string,
  result: RetrainTaskResult,
  publisher: RunPublisher,
): Promise<RetrainPublication> {
  const input = await publishInput(result, {
    params: { retrain_run_id: runId, feedback_rows: result.feedbackRows },
    primaryEvaluation: result.primaryEvaluation,
    runName: `retrain-${runId}`,
  });
  const publication = await publisher.publish(input, { register: true, promote: true });
  return { ...publication, artifactChecksum: input.artifact.checksum };
}

/** In the training worker, right after training: the same publication, with the service's registry rebuilt here. */
export async function publishRetrainInWorker(
  runId: string,
  result: RetrainTaskResult,
  target: PublishTarget,
): Promise<WorkerPublication> {
  const started = performance.now();
  const messages: Array<{ level: 'log' | 'warn'; text: string }> = [];
  const logger = {
    log: (text: string) => messages.push({ level: 'log', text }),
    warn: (text: string) => messages.push({ level: 'warn', text }),
  };
  const published = await publishRetrain(runId, result, runPublisherFromTarget(target, logger));
  return { ...published, messages, durationMs: Math.round(performance.now() - started) };
}

export function publicationResult(
  published: Publication,
  servingSource: string | undefined,
  timingsMs: Readonly<Record<string, number>>,
): PublicationResult {
  const { run, promotion } = published;
  const base = {
    trackingRunId: run.runId,
    trackingStore: run.store,
    synced: run.synced,
    warning: run.warning,
    timingsMs,
  };
  if (!run.version || !promotion) {
    return {
      ...base,
      registeredVersion: undefined,
      promoted: false,
      decision: 'not_registered',
      reason: 'the run was saved locally (tracking server unreachable) and not registered, so it was not promoted',
      servingSource: undefined,
    };
  }
  return {
    ...base,
    registeredVersion: run.version.version,
    promoted: promotion.decision === 'champion',
    decision: promotion.decision,
    reason: promotion.reason,
    servingSource,
  };
}

/**
 * Without MLflow no champion follower reloads a promoted model after a restart: put it in MODEL_DIR, where the model
 * loader takes the newest artifact (only promoted models go there). Returns the path.
 */
export async function keepPromotedModel(modelDir: string, bytes: Buffer, version: string): Promise<string> {
  const path = join(modelDir, `retrained-v${version}.json`);
  await mkdir(modelDir, { recursive: true });
  await writeFileAtomic(path, bytes);
  return path;
}
