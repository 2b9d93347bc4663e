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
import { ModelPublisher } from '../src/retraining/model-publisher';
import type { RetrainTaskResult } from '../src/retraining/retrain-task.types';
import { logRetrainRun } from '../src/retraining/run-logging';
import { SecretsService } from '../src/config/secrets.service';
import { MlflowServerDouble } from './doubles/mlflow-server';

const TOKEN = 'mlflow-token-5f3a9c1e';
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

describe(`${logRetrainRun.name} against MLflow (worker-side run logging)`, () => {
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

  function publisherFor(uri: string): ModelPublisher {
    const config = mlflowConfigFrom({
      MLFLOW_TRACKING_URI: uri,
      MLFLOW_MAX_ATTEMPTS: '1',
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
    });
    const secrets = new SecretsService({ MLFLOW_TRACKING_TOKEN: TOKEN });
    const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: uri, maxAttempts: 1 }));
    const codec = new EngineArtifactCodec();
    return new ModelPublisher(store, new ModelHolder(codec), codec, config, undefined, undefined, secrets);
  }

  it('should log and register the run with the credentials the service read, and never report the secret', async () => {
    const logging = await publisherFor(mlflow.url).workerLogging('r1');
    const logged = await logRetrainRun(result, logging!);
    expect(logged).toMatchObject({ store: 'mlflow', synced: true, version: { version: '1' } });
    expect(mlflow.requests.length).toBeGreaterThan(3);
    expect(mlflow.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(TOKEN);
  }, 60_000);

  it('should keep the run in the local registry, not synced, when MLflow is unreachable', async () => {
    const logging = await publisherFor('http://127.0.0.1:9').workerLogging('r2');
    const logged = await logRetrainRun(result, logging!);
    expect(logged).toMatchObject({ store: 'local', synced: false });
    expect(logged.version).toBeUndefined();
    expect(logged.warning).toContain('is unreachable');
    expect(logged.messages).toContainEqual({ level: 'warn', text: logged.warning });
    const local = new LocalTrackingStore(join(dir, 'registry'));
    expect((await local.getRun(logged.runId)).tags['sync.status']).toBe('not_synced');
  }, 60_000);
});
