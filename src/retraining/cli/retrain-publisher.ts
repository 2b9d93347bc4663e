import { classifierConfigFrom } from '../../classifier/config/classifier.config';
import { EngineArtifactCodec } from '../../classifier/engine-adapters';
import { ModelHolder } from '../../classifier/model-holder.service';
import { mlflowConfigFrom } from '../../mlflow/config/mlflow.config';
import { createTrackingStore } from '../../mlflow/tracking-store.factory';
import { ModelPublisher } from '../model-publisher';
import type { PublishRetrain } from './database-retrain';

/**
 * `--feedback-from-database --promote`: the scheduler's own `ModelPublisher`, built from the environment as the
 * service builds it (tracking store of MLFLOW_TRACKING_URI or the local registry, MODEL_DIR), so a training Job
 * logs, registers and gates exactly like an in-process retrain. Its model holder is this process's own (a promoted
 * model is built once more, as a last check); the serving replicas follow the champion alias.
 */
export const publishRetrainFromEnvironment: PublishRetrain = async (runId, result, io, secrets) => {
  const mlflow = mlflowConfigFrom(io.env);
  const classifier = classifierConfigFrom(io.env);
  const codec = new EngineArtifactCodec();
  const tracking = createTrackingStore(mlflow, secrets, {
    warn: (message) => io.stderr(`warning: ${message}\n`),
  });
  const publisher = new ModelPublisher(
    tracking,
    new ModelHolder(codec, classifier.classifyMaxChars),
    codec,
    mlflow,
    undefined,
    classifier,
  );
  // The Job's own holder serves nothing: the replicas pick the champion up from the registry.
  const publication = { ...(await publisher.publish(runId, result)), servingSource: undefined };
  const version = publication.registeredVersion ? `, version ${publication.registeredVersion}` : '';
  io.stderr(
    `tracked: ${publication.trackingStore} run ${publication.trackingRunId}${publication.synced ? '' : ' (not synced)'}${version}, ${publication.decision} (${publication.reason})\n`,
  );
  return publication;
};
