import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifact, serializeArtifact } from '../engine/artifact';
import { fitTinyPipeline } from '../engine/tiny-corpus.fixture';
import { EngineArtifactCodec } from '../classifier/engine-adapters';
import { ModelHolder } from '../classifier/model-holder.service';
import { MlflowClient } from '../mlflow/client/mlflow-client';
import { mlflowConfigFrom } from '../mlflow/config/mlflow.config';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../mlflow/mlflow-tracking-store';
import { SecretsService } from '../config/secrets.service';
import { ModelPublisher } from './model-publisher';
import type { RetrainTaskResult } from './retrain-task.types';
import { logRetrainRun } from './run-logging';

const FIGURES = {
  accuracy: 0.9,
  precision: 0.9,
  recall: 0.9,
  f1: 0.9,
  mcc: 0.8,
  rocAuc: 0.95,
  tp: 9,
  fp: 1,
  tn: 9,
  fn: 1,
};

function artifactBytes(algorithm: 'logistic_regression' | 'naive_bayes'): { bytes: string; version: string } {
  const pipeline = fitTinyPipeline(algorithm);
  const artifact = createArtifact({
    vectorizer: pipeline.vectorizer,
    model: pipeline.model,
    metrics: {},
    training: { fingerprint: 'sha256:tiny', rows: 12, spam: 6, ham: 6, sources: ['tiny'] },
  });
  return { bytes: serializeArtifact(artifact), version: artifact.metadata.version };
}

describe(ModelPublisher.name, () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'publisher-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const codec = new EngineArtifactCodec();

  describe('workerLogging', () => {
    it('should hand the worker the local registry', async () => {
      const root = join(dir, 'registry');
      const config = mlflowConfigFrom({ MLFLOW_LOCAL_REGISTRY_DIR: root });
      const publisher = new ModelPublisher(new LocalTrackingStore(root), new ModelHolder(codec), codec, config);
      expect(await publisher.workerLogging('r1')).toMatchObject({
        runId: 'r1',
        tracking: { kind: 'local', root },
        experimentName: 'spam-classifier-training',
        modelName: 'spam-classifier',
      });
    });

    it('should hand the worker MLflow with the credentials read now and the local fallback, or nothing without secrets', async () => {
      const config = mlflowConfigFrom({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:9', MLFLOW_LOCAL_REGISTRY_DIR: dir });
      const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: 'http://127.0.0.1:9' }));
      const secrets = new SecretsService({ MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'pw' });
      const holder = new ModelHolder(codec);
      const publisher = new ModelPublisher(store, holder, codec, config, undefined, undefined, secrets);
      expect(await publisher.workerLogging('r2')).toMatchObject({
        tracking: {
          kind: 'mlflow',
          trackingUri: 'http://127.0.0.1:9',
          maxAttempts: 4,
          credentials: { username: 'alice', password: 'pw', token: undefined },
        },
        fallbackRoot: dir,
      });
      expect(await new ModelPublisher(store, holder, codec, config).workerLogging('r3')).toBeUndefined();
    });
  });

  describe('publish after the worker logged the run', () => {
    async function setUp(): Promise<{ publisher: ModelPublisher; holder: ModelHolder; result: RetrainTaskResult }> {
      const root = join(dir, 'registry');
      const config = mlflowConfigFrom({ MLFLOW_LOCAL_REGISTRY_DIR: root });
      const holder = new ModelHolder(codec);
      const publisher = new ModelPublisher(new LocalTrackingStore(root), holder, codec, config);
      const { bytes, version } = artifactBytes('logistic_regression');
      const base: RetrainTaskResult = {
        artifactPath: join(dir, 'model.json'),
        artifactVersion: version,
        algorithm: 'logistic_regression',
        evaluation: { sms: FIGURES },
        params: {},
        durationMs: 10,
        trainingRows: 12,
        feedbackRows: 0,
      };
      await writeFile(base.artifactPath, bytes);
      const logging = await publisher.workerLogging('r1');
      return { publisher, holder, result: { ...base, logged: await logRetrainRun(base, logging!) } };
    }

    it('should gate, then verify and build the promoted model off the event loop and swap it in', async () => {
      const { publisher, holder, result } = await setUp();
      const publication = await publisher.publish('r1', result);
      expect(publication).toMatchObject({ promoted: true, decision: 'champion', registeredVersion: '1' });
      expect(Object.keys(publication.timingsMs).sort()).toEqual(['gate', 'load', 'logInWorker', 'swap']);
      expect(holder.active()?.artifact.metadata.version).toBe(result.artifactVersion);
      expect(holder.active()?.source).toBe('registry:models:/spam-classifier@champion (v1)');
    }, 60_000);

    it('should refuse to swap in an artifact file that changed after it was logged', async () => {
      const { publisher, holder, result } = await setUp();
      await writeFile(result.artifactPath, artifactBytes('naive_bayes').bytes);
      await expect(publisher.publish('r1', result)).rejects.toThrow(/changed after it was logged/);
      expect(holder.active()).toBeUndefined();
    }, 60_000);
  });
});
