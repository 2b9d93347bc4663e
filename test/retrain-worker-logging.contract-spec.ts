import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifact, serializeArtifact } from '../src/engine/artifact';
import { fitTinyPipeline } from '../src/engine/tiny-corpus.fixture';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { ModelHolder } from '../src/classifier/model-holder.service';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { mlflowConfigFrom } from '../src/mlflow/config/mlflow.config';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import { RunPublisher } from '../src/mlflow/publish-run';
import { publishRetrainInWorker } from '../src/retraining/publish-retrain';
import { RetrainPublisher } from '../src/retraining/retrain-publisher';
import type { RetrainTaskResult } from '../src/retraining/retrain-task.types';
import { SecretsService } from '../src/config/secrets.service';
import type { EvaluationMetrics } from '../src/training/evaluation/metrics';
import { MlflowServerDouble } from './doubles/mlflow-server';

const TOKEN = 'mlflow-token-5f3a9c1e';
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

describe(`${publishRetrainInWorker.name} against MLflow (worker-side publishing)`, () => {
  let dir: string;
  let mlflow: MlflowServerDouble;
  let result: RetrainTaskResult;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'worker-logging-'));
    mlflow = await MlflowServerDouble.start({ auth: { token: TOKEN } });
    const pipeline = fitTinyPipeline('logistic_regression');
    const artifact = createArtifact({
      vectorizer: pipeline.vectorizer,
      model: pipeline.model,
      metrics: {},
      training: { fingerprint: 'sha256:tiny', rows: 12, spam: 6, ham: 6, sources: ['tiny'] },
    });
    result = {
      artifactPath: join(dir, 'model.json'),
      artifactVersion: artifact.metadata.version,
      algorithm: 'logistic_regression',
      evaluation: { sms: FIGURES },
      params: {},
      durationMs: 10,
      trainingRows: 12,
      feedbackRows: 0,
    };
    await writeFile(result.artifactPath, serializeArtifact(artifact));
  });
  afterEach(async () => {
    await mlflow.close();
    await rm(dir, { recursive: true, force: true });
  });

  function publisherFor(uri: string): RetrainPublisher {
    const config = mlflowConfigFrom({
      MLFLOW_TRACKING_URI: uri,
      MLFLOW_MAX_ATTEMPTS: '1',
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
    });
    const secrets = new SecretsService({ MLFLOW_TRACKING_TOKEN: TOKEN });
    const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: uri, maxAttempts: 1 }));
    const codec = new EngineArtifactCodec();
    return new RetrainPublisher(new RunPublisher(store, config), new ModelHolder(codec), config, secrets);
  }

  it('should log, register and gate the run with the credentials the service read, and never report the secret', async () => {
    const target = await publisherFor(mlflow.url).publishTarget();
    const published = await publishRetrainInWorker('r1', result, target!);
    expect(published).toMatchObject({
      run: { store: 'mlflow', synced: true, version: { version: '1' } },
      promotion: { decision: 'champion' },
    });
    expect(mlflow.requests.length).toBeGreaterThan(3);
    expect(mlflow.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.stringify(published)).not.toContain(TOKEN);
  }, 60_000);

  it('should keep the run in the local registry, not synced, when MLflow is unreachable', async () => {
    const target = await publisherFor('http://127.0.0.1:9').publishTarget();
    const published = await publishRetrainInWorker('r2', result, target!);
    expect(published.run).toMatchObject({ store: 'local', synced: false });
    expect(published.run.version).toBeUndefined();
    expect(published.promotion).toBeUndefined();
    expect(published.run.warning).toContain('is unreachable');
    expect(published.messages).toContainEqual({ level: 'warn', text: published.run.warning });
    const local = new LocalTrackingStore(join(dir, 'registry'));
    expect((await local.getRun(published.run.runId)).tags['sync.status']).toBe('not_synced');
  }, 60_000);
});
