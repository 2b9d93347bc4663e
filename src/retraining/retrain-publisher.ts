import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { classifierConfig, type ClassifierConfig } from '../classifier/config/classifier.config';
import { ArtifactCodec, type ServedArtifact } from '../classifier/model-artifact.port';
import { ModelHolder } from '../classifier/model-holder.service';
import { writeFileAtomic } from '../mlflow/atomic-file';
import { ChampionFollower } from '../classifier/champion-follower';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { promoteIfBetter, type PromotionDecision } from '../mlflow/promotion';
import { MLFLOW_SECRET_KEYS } from '../mlflow/client/mlflow-credentials';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../mlflow/mlflow-tracking-store';
import { logTrainingRun, type LoggedRun, type TrainingRunInput } from '../mlflow/run-logger';
import { TrackingStore } from '../mlflow/tracking-store';
import { createLocalTrackingStore } from '../mlflow/tracking-store.factory';
import { SecretsService } from '../config/secrets.service';
import type { RetrainTaskResult } from './retrain-task.types';
import { retrainRunInput, type WorkerRunLogging } from './run-logging';

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
   * Time of each step in this process, to keep an eye on what could delay serving: `parse`, `log` and `swap` hold
   * the event loop; `load` (the promoted model verified and built in a worker thread, then rebuilt here in short
   * slices) and `logInWorker` (logging done by the training worker) mostly do not.
   */
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
    @Optional() private readonly secrets?: SecretsService,
  ) {}

  /**
   * How the training worker can log and register the run itself, with this publisher's store (the local registry,
   * or MLflow with the credentials read now), so that work stays off the serving event loop. Undefined when the
   * store is one the worker cannot rebuild (then `publish` logs here as before).
   */
  async workerLogging(runId: string): Promise<WorkerRunLogging | undefined> {
    const common = {
      runId,
      experimentName: this.config.experimentName,
      modelName: this.config.modelName,
      gitCommit: await this.gitCommit(),
    };
    if (this.tracking instanceof LocalTrackingStore) {
      return { ...common, tracking: { kind: 'local', root: this.tracking.root } };
    }
    const uri = this.config.trackingUri;
    if (!(this.tracking instanceof MlflowTrackingStore) || !uri || !this.secrets) return undefined;
    const secret = (name: string): Record<string, string> => {
      const value = this.secrets?.get(name);
      return value === undefined ? {} : { [name]: value };
    };
    const read = {
      ...secret(MLFLOW_SECRET_KEYS.token),
      ...secret(MLFLOW_SECRET_KEYS.username),
      ...secret(MLFLOW_SECRET_KEYS.password),
    };
    return {
      ...common,
      tracking: {
        kind: 'mlflow',
        trackingUri: uri,
        requestTimeoutMs: this.config.requestTimeoutMs,
        maxAttempts: this.config.maxAttempts,
        credentials: {
          token: read[MLFLOW_SECRET_KEYS.token],
          username: read[MLFLOW_SECRET_KEYS.username],
          password: read[MLFLOW_SECRET_KEYS.password],
        },
      },
      fallbackRoot: this.config.localRegistryDir,
    };
  }

  async publish(runId: string, result: RetrainTaskResult): Promise<PublicationResult> {
    const timingsMs: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timingsMs[name] = Math.round(now - mark);
      mark = now;
    };
    const bytes = await readFile(result.artifactPath);
    let logged: LoggedRun;
    let parsed: ServedArtifact | undefined;
    if (result.logged) {
      // The training worker verified the artifact, rendered the charts, logged and registered the run.
      for (const message of result.logged.messages) this.logger[message.level](message.text);
      logged = result.logged;
      timingsMs.logInWorker = result.logged.durationMs;
      mark = performance.now();
    } else {
      // Parsed (schema and checksum verified) before anything is logged: a broken artifact fails the run here.
      parsed = this.codec.parse(bytes, result.artifactPath);
      lap('parse');
      const input = await retrainRunInput(runId, result, bytes, parsed as TrainingRunInput['artifact']);
      const fallback = this.tracking.kind === 'local' ? undefined : createLocalTrackingStore(this.config);
      logged = await logTrainingRun(this.tracking, input, {
        experimentName: this.config.experimentName,
        modelName: this.config.modelName,
        register: true,
        fallback,
        logger: this.logger,
        env: { ...process.env, GIT_COMMIT: await this.gitCommit() },
      });
      lap('log');
    }
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
      if (parsed) {
        this.holder.swap(parsed, servingSource);
        lap('swap');
      } else {
        const prepared = await this.holder.prepare(bytes, servingSource);
        lap('load');
        if (prepared.artifact.checksum !== result.logged?.artifactChecksum) {
          throw new Error(
            `${result.artifactPath} changed after it was logged (checksum ${prepared.artifact.checksum}, registered ${result.logged?.artifactChecksum}): not swapped in`,
          );
        }
        this.holder.install(prepared, servingSource);
        lap('swap');
      }
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
