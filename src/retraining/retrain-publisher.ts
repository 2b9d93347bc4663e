import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { classifierConfig, type ClassifierConfig } from '../classifier/config/classifier.config';
import { ChampionFollower } from '../classifier/champion-follower';
import { ModelHolder } from '../classifier/model-holder.service';
import { SecretsService } from '../config/secrets.service';
import { mlflowConfig, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { CHAMPION_ALIAS } from '../mlflow/promotion';
import { publishTargetOf, RunPublisher, type PublishTarget } from '../mlflow/publish-run';
import { keepPromotedModel, publicationResult, publishRetrain, type PublicationResult } from './publish-retrain';
import type { RetrainPublication, RetrainTaskResult } from './retrain-task.types';

/**
 * After a retrain: publish the model through the registry (done by the training worker when it can, else here),
 * and when the gate made it champion, swap it into this replica's `ModelHolder` (the other replicas follow the
 * champion alias). Nothing here touches the feedback.
 */
@Injectable()
export class RetrainPublisher {
  private readonly logger = new Logger(RetrainPublisher.name);

  constructor(
    private readonly publisher: RunPublisher,
    private readonly holder: ModelHolder,
    @Inject(mlflowConfig.KEY) private readonly config: MlflowConfig,
    @Optional() private readonly secrets?: SecretsService,
    @Optional() private readonly follower?: ChampionFollower,
    @Optional() @Inject(classifierConfig.KEY) private readonly classifier?: ClassifierConfig,
  ) {}

  /**
   * This service's registry as plain data for the training worker (MLflow credentials read now), so publishing stays
   * off the serving event loop. Undefined when the worker cannot rebuild the store (then `publish` does it here).
   */
  async publishTarget(): Promise<PublishTarget | undefined> {
    return publishTargetOf(this.config, this.publisher.store, this.secrets);
  }

  async publish(runId: string, result: RetrainTaskResult): Promise<PublicationResult> {
    const timingsMs: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timingsMs[name] = Math.round(now - mark);
      mark = now;
    };
    let published: RetrainPublication;
    if (result.published) {
      for (const message of result.published.messages) this.logger[message.level](message.text);
      published = result.published;
      timingsMs.publishInWorker = result.published.durationMs;
    } else {
      published = await publishRetrain(runId, result, this.publisher);
      lap('publish');
    }
    const version = published.run.version?.version;
    let servingSource: string | undefined;
    if (version && published.promotion?.decision === 'champion') {
      servingSource = `${published.run.store === 'mlflow' ? 'mlflow' : 'registry'}:models:/${this.config.modelName}@${CHAMPION_ALIAS} (v${version})`;
      const bytes = await readFile(result.artifactPath);
      mark = performance.now();
      const prepared = await this.holder.prepare(bytes, servingSource);
      lap('load');
      if (prepared.artifact.checksum !== published.artifactChecksum) {
        throw new Error(
          `${result.artifactPath} changed after it was logged (checksum ${prepared.artifact.checksum}, registered ${published.artifactChecksum}): not swapped in`,
        );
      }
      this.holder.install(prepared, servingSource);
      lap('swap');
      await this.keepForRestart(bytes, version);
      this.logger.log(`retrain ${runId}: v${version} promoted and now serving`);
    } else if (version) {
      this.logger.log(`retrain ${runId}: v${version} not promoted: ${published.promotion?.reason ?? 'not gated'}`);
    }
    return publicationResult(published, servingSource, timingsMs);
  }

  /** After a Job published a model itself: check the champion alias at once instead of at the next poll. */
  async refreshFromRegistry(): Promise<string | undefined> {
    if (!this.follower) return undefined;
    const state = await this.follower.pollOnce();
    return state.version;
  }

  private async keepForRestart(bytes: Buffer, version: string): Promise<void> {
    if (this.publisher.store.kind !== 'local' || !this.classifier) return;
    await keepPromotedModel(this.classifier.modelDir, bytes, version).catch((error: Error) =>
      this.logger.warn(`promoted model not copied to ${this.classifier?.modelDir}: ${error.message}`),
    );
  }
}
