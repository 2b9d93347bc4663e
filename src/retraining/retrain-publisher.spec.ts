import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifact, serializeArtifact } from '../engine';
import { fitTinyPipeline } from '../engine/tiny-corpus.fixture';
import { EngineArtifactCodec } from '../classifier/engine-adapters';
import { ModelHolder } from '../classifier/model-holder.service';
import { MlflowClient } from '../mlflow/client/mlflow-client';
import { mlflowConfigFrom, type MlflowConfig } from '../mlflow/config/mlflow.config';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../mlflow/mlflow-tracking-store';
import { RunPublisher } from '../mlflow/publish-run';
import type { TrackingStore } from '../mlflow/tracking-store';
import { SecretsService } from '../config/secrets.service';
import type { EvaluationMetrics } from '../training/evaluation/metrics';
import { publishRetrainInWorker } from './publish-retrain';
import { RetrainPublisher } from './retrain-publisher';
import type { RetrainTaskResult } from './retrain-task.types';

const FIGURES: EvaluationMetrics = {
  n: 20,
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
  confusionMatrix: [
    [9, 1],
    [1, 9],
  ],
  threshold: 0.5,
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

describe(RetrainPublisher.name, () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'publisher-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const codec = new EngineArtifactCodec();
  const publisherOf = (
    store: TrackingStore,
    config: MlflowConfig,
    holder = new ModelHolder(codec),
    secrets?: SecretsService,
  ) => new RetrainPublisher(new RunPublisher(store, config), holder, config, secrets);

  describe('publishTarget', () => {
    it('should hand the worker the local registry', async () => {
      const root = join(dir, 'registry');
      const config = mlflowConfigFrom({ MLFLOW_LOCAL_REGISTRY_DIR: root });
      expect(await publisherOf(new LocalTrackingStore(root), config).publishTarget()).toMatchObject({
        tracking: { kind: 'local', root },
        experimentName: 'spam-classifier-training',
        modelName: 'spam-classifier',
        gate: { minF1Gain: 0, maxFpIncrease: 0 },
      });
    });

    it('should hand the worker MLflow with the credentials read now and the local fallback, or nothing without secrets', async () => {
      const config = mlflowConfigFrom({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:9', MLFLOW_LOCAL_REGISTRY_DIR: dir });
      const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: 'http://127.0.0.1:9' }));
      const secrets = new SecretsService({ MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'pw' });
      expect(await publisherOf(store, config, undefined, secrets).publishTarget()).toMatchObject({
        tracking: {
          kind: 'mlflow',
          trackingUri: 'http://127.0.0.1:9',
          maxAttempts: 4,
          credentials: { username: 'alice', password: 'pw', token: undefined },
        },
        fallbackRoot: dir,
      });
      expect(await publisherOf(store, config).publishTarget()).toBeUndefined();
    });
  });

  describe('publish', () => {
    async function setUp(): Promise<{ publisher: RetrainPublisher; holder: ModelHolder; result: RetrainTaskResult }> {
      const root = join(dir, 'registry');
      const config = mlflowConfigFrom({ MLFLOW_LOCAL_REGISTRY_DIR: root });
      const holder = new ModelHolder(codec);
      const publisher = publisherOf(new LocalTrackingStore(root), config, holder);
      const { bytes, version } = artifactBytes('logistic_regression');
      const result: RetrainTaskResult = {
        artifactPath: join(dir, 'model.json'),
        artifactVersion: version,
        algorithm: 'logistic_regression',
        evaluation: { sms: FIGURES },
        params: {},
        durationMs: 10,
        trainingRows: 12,
        feedbackRows: 0,
      };
      await writeFile(result.artifactPath, bytes);
      return { publisher, holder, result };
    }

    it('should take the worker publication, then verify and build the promoted model off the event loop and swap it in', async () => {
      const { publisher, holder, result } = await setUp();
      const published = await publishRetrainInWorker('r1', result, (await publisher.publishTarget())!);
      const publication = await publisher.publish('r1', { ...result, published });
      expect(publication).toMatchObject({ promoted: true, decision: 'champion', registeredVersion: '1' });
      expect(Object.keys(publication.timingsMs).sort()).toEqual(['load', 'publishInWorker', 'swap']);
      expect(holder.active()?.artifact.metadata.version).toBe(result.artifactVersion);
      expect(holder.active()?.source).toBe('registry:models:/spam-classifier@champion (v1)');
    }, 60_000);

    it('should publish here when the worker did not, then swap the champion in', async () => {
      const { publisher, holder, result } = await setUp();
      const publication = await publisher.publish('r1', result);
      expect(publication).toMatchObject({ promoted: true, decision: 'champion', registeredVersion: '1' });
      expect(Object.keys(publication.timingsMs).sort()).toEqual(['load', 'publish', 'swap']);
      expect(holder.active()?.artifact.metadata.version).toBe(result.artifactVersion);
    }, 60_000);

    it('should refuse to swap in an artifact file that changed after it was logged', async () => {
      const { publisher, holder, result } = await setUp();
      const published = await publishRetrainInWorker('r1', result, (await publisher.publishTarget())!);
      await writeFile(result.artifactPath, artifactBytes('naive_bayes').bytes);
      await expect(publisher.publish('r1', { ...result, published })).rejects.toThrow(/changed after it was logged/);
      expect(holder.active()).toBeUndefined();
    }, 60_000);
  });
});
