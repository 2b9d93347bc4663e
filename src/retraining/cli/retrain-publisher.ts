import { readFile } from 'node:fs/promises';
import { classifierConfigFrom } from '../../classifier/config/classifier.config';
import { mlflowConfigFrom } from '../../mlflow/config/mlflow.config';
import { runPublisherFromConfig } from '../../mlflow/publish-run';
import { keepPromotedModel, publicationResult, publishRetrain } from '../publish-retrain';
import type { PublishRetrain } from './database-retrain';

/**
 * `--feedback-from-database --promote`: the retrain is published through the registry built from the environment
 * as the service builds it (MLFLOW_TRACKING_URI, or the local registry). A Job only publishes: the serving replicas
 * follow the champion alias. Without MLflow a promoted model is also kept in MODEL_DIR, as the service would.
 */
export const publishRetrainFromEnvironment: PublishRetrain = async (runId, result, io, secrets) => {
  const publisher = runPublisherFromConfig(mlflowConfigFrom(io.env), secrets, {
    log: (message) => io.stderr(`${message}\n`),
    warn: (message) => io.stderr(`warning: ${message}\n`),
  });
  const started = performance.now();
  const published = await publishRetrain(runId, result, publisher);
  const publication = publicationResult(published, undefined, { publish: Math.round(performance.now() - started) });
  if (publication.promoted && publication.registeredVersion && publisher.store.kind === 'local') {
    const { modelDir } = classifierConfigFrom(io.env);
    await keepPromotedModel(modelDir, await readFile(result.artifactPath), publication.registeredVersion).catch(
      (error: Error) => io.stderr(`warning: promoted model not copied to ${modelDir}: ${error.message}\n`),
    );
  }
  const version = publication.registeredVersion ? `, version ${publication.registeredVersion}` : '';
  io.stderr(
    `tracked: ${publication.trackingStore} run ${publication.trackingRunId}${publication.synced ? '' : ' (not synced)'}${version}, ${publication.decision} (${publication.reason})\n`,
  );
  return publication;
};
