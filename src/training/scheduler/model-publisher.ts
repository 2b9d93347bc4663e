import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { classifierConfig, type ClassifierConfig } from '../../classifier/config/classifier.config';
import { ArtifactCodec } from '../../classifier/model-artifact.port';
import { ModelHolder } from '../../classifier/model-holder.service';
import { writeFileAtomic } from '../../mlflow/atomic-file';
import { ChampionFollower } from '../../mlflow/champion-follower';
import { mlflowConfig, type MlflowConfig } from '../../mlflow/config/mlflow.config';
import { promoteIfBetter, type PromotionDecision } from '../../mlflow/promotion';
import { logTrainingRun, readReportDir, type TrainingRunInput } from '../../mlflow/run-logger';
import { TrackingStore } from '../../mlflow/tracking-store';
import { createLocalTrackingStore } from '../../mlflow/tracking-store.factory';
import type { RetrainTaskResult } from './retrain-task.types';

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
  /** Main-thread time of each step, to keep an eye on what could delay serving. */
  readonly timingsMs: Readonly<Record<string, number>>;
}

/**
 * After training: log the run (params, metrics per evaluation set, artifacts) and register a version through the
 * MLflow module, let its quality gate decide, and only when the version became champion swap it into this
 * replica's `ModelHolder` (the other replicas follow the champion alias). Nothing here touches the feedback.
 */
@Injectable()
export class ModelPublisher {
  private readonly logger = new Logger(ModelPublisher.name);
  private commit: Promise<string> | undefined;

  constructor(
    private readonly tracking: TrackingStore,
    private readonly holder: ModelHolder,
    private readonly codec: ArtifactCodec,
    @Inject(mlflowConfig.KEY) private readonly config: MlflowConfig,
    @Optional() private readonly follower?: ChampionFollower,
    @Optional() @Inject(classifierConfig.KEY) private readonly classifier?: ClassifierConfig,
  ) {}

  async publish(runId: string, result: RetrainTaskResult): Promise<PublicationResult> {
    const timingsMs: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timingsMs[name] = Math.round(now - mark);
      mark = now;
    };
    const bytes = await readFile(result.artifactPath);
    // Parsed (schema and checksum verified) before anything is logged: a broken artifact fails the run here.
    const artifact = this.codec.parse(bytes, result.artifactPath);
    lap('parse');
    const input: TrainingRunInput = {
      artifactBytes: bytes,
      artifact: artifact as TrainingRunInput['artifact'],
      params: { ...result.params, retrain_run_id: runId, feedback_rows: result.feedbackRows },
      evaluation: result.evaluation,
      primaryEvaluation: result.primaryEvaluation,
      cvFolds: result.cvFolds,
      durationMs: result.durationMs,
      reportFiles: result.reportDir ? await readReportDir(result.reportDir).catch(() => ({})) : undefined,
      runName: `retrain-${runId}`,
    };
    const fallback = this.tracking.kind === 'local' ? undefined : createLocalTrackingStore(this.config);
    const logged = await logTrainingRun(this.tracking, input, {
      experimentName: this.config.experimentName,
      modelName: this.config.modelName,
      register: true,
      fallback,
      logger: this.logger,
      env: { ...process.env, GIT_COMMIT: await this.gitCommit() },
    });
    lap('log');
    const base = {
      trackingRunId: logged.runId,
      trackingStore: logged.store,
      synced: logged.synced,
      warning: logged.warning,
      timingsMs,
    };
    if (!logged.version) {
      return {
        ...base,
        registeredVersion: undefined,
        promoted: false,
        decision: 'not_registered',
        reason: 'the run was saved locally (tracking server unreachable) and not registered, so it was not promoted',
        servingSource: undefined,
      };
    }
    const decision = await promoteIfBetter(this.tracking, {
      modelName: this.config.modelName,
      version: logged.version.version,
      rule: this.config.gate,
    });
    lap('gate');
    let servingSource: string | undefined;
    if (decision.decision === 'champion') {
      servingSource = `${logged.store === 'mlflow' ? 'mlflow' : 'registry'}:models:/${this.config.modelName}@champion (v${logged.version.version})`;
      this.holder.swap(artifact, servingSource);
      lap('swap');
      await this.keepForRestart(bytes, logged.version.version);
      this.logger.log(`retrain ${runId}: v${logged.version.version} promoted and now serving`);
    } else {
      this.logger.log(`retrain ${runId}: v${logged.version.version} not promoted: ${decision.reason}`);
    }
    return {
      ...base,
      registeredVersion: logged.version.version,
      promoted: decision.decision === 'champion',
      decision: decision.decision,
      reason: decision.reason,
      servingSource,
    };
  }

  /**
   * Without MLflow no champion follower reloads the promoted model after a restart: put it in MODEL_DIR, where the
   * model loader takes the newest artifact (only promoted models go there).
   */
  private async keepForRestart(bytes: Buffer, version: string): Promise<void> {
    if (this.tracking.kind !== 'local' || !this.classifier) return;
    const path = join(this.classifier.modelDir, `retrained-v${version}.json`);
    try {
      await mkdir(this.classifier.modelDir, { recursive: true });
      await writeFileAtomic(path, bytes);
    } catch (error) {
      this.logger.warn(`promoted model not copied to ${path}: ${(error as Error).message}`);
    }
  }

  /** The git commit tag, looked up once without blocking (the run logger would otherwise run git synchronously). */
  private gitCommit(): Promise<string> {
    this.commit ??= process.env.GIT_COMMIT
      ? Promise.resolve(process.env.GIT_COMMIT)
      : promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 5000 })
          .then(({ stdout }) => stdout.trim() || 'unknown')
          .catch(() => 'unknown');
    return this.commit;
  }

  /** After a Job published a model itself: check the champion alias at once instead of at the next poll. */
  async refreshFromRegistry(): Promise<string | undefined> {
    if (!this.follower) return undefined;
    const state = await this.follower.pollOnce();
    return state.version;
  }
}
