import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { credentialsFromSecrets } from '../src/mlflow/client/mlflow-credentials';
import {
  MlflowApiError,
  MlflowError,
  MlflowTimeoutError,
  MlflowUnavailableError,
  MlflowValidationError,
} from '../src/mlflow/client/mlflow-errors';
import { SecretsService } from '../src/config/secrets.service';
import { MlflowServerDouble } from './doubles/mlflow-server';

describe(MlflowClient.name, () => {
  let double: MlflowServerDouble;
  let client: MlflowClient;

  beforeEach(async () => {
    double = await MlflowServerDouble.start();
    client = new MlflowClient({ trackingUri: double.url, initialBackoffMs: 5, maxBackoffMs: 2000, timeoutMs: 2000 });
  });
  afterEach(() => double.close());

  describe('protocol', () => {
    it('should send GET parameters only in the query string and POST parameters only as a JSON body', async () => {
      const experiment = await client.getOrCreateExperiment('spam-classifier-training');
      await client.getRun((await client.createRun({ experimentId: experiment.experiment_id })).info.run_id);
      const get = double.requests.find((r) => r.path.endsWith('/runs/get'))!;
      expect(get.method).toBe('GET');
      expect(get.body.length).toBe(0);
      expect(get.query.get('run_id')).toMatch(/^[0-9a-f]{32}$/);
      const create = double.requests.find((r) => r.path.endsWith('/runs/create'))!;
      expect(create.contentType).toBe('application/json');
      expect([...create.query.keys()]).toEqual([]);
      expect(JSON.parse(create.body.toString())).toMatchObject({ experiment_id: experiment.experiment_id });
    });

    it('should treat an existing experiment or registered model as success followed by a get', async () => {
      const raceWinner = new MlflowClient({ trackingUri: double.url });
      await raceWinner.createExperiment('shared');
      await raceWinner.createRegisteredModel('spam-classifier');
      const experiment = await client.getOrCreateExperiment('shared');
      expect(experiment).toMatchObject({
        experiment_id: '1',
        name: 'shared',
        artifact_location: 'mlflow-artifacts:/1',
      });
      expect((await client.getOrCreateRegisteredModel('spam-classifier')).name).toBe('spam-classifier');
      const duplicate = double.requests.filter((r) => r.path.endsWith('registered-models/create'));
      expect(duplicate).toHaveLength(2);
    });

    it('should carry the error code and HTTP status of a refused call', async () => {
      const error = await client.getRun('f'.repeat(32)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MlflowApiError);
      expect(error).toMatchObject({ status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', endpoint: 'GET runs/get' });
      const duplicate = await client.createExperiment('Default').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(duplicate).toMatchObject({ status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });
    });

    it('should answer an unknown alias with 400 INVALID_PARAMETER_VALUE, as a real server does', async () => {
      await client.createRegisteredModel('spam-classifier');
      await expect(client.getModelVersionByAlias('spam-classifier', 'champion')).rejects.toMatchObject({
        status: 400,
        errorCode: 'INVALID_PARAMETER_VALUE',
      });
    });

    it('should report an unknown route (an HTML 404 page) as ENDPOINT_NOT_FOUND', async () => {
      const old = new MlflowClient({ trackingUri: `${double.url}/not-mlflow` });
      await expect(old.getExperimentByName('x')).rejects.toMatchObject({
        status: 404,
        errorCode: 'ENDPOINT_NOT_FOUND',
      });
    });

    it('should split a large batch within MLflow limits', async () => {
      const experiment = await client.getOrCreateExperiment('exp');
      const run = await client.createRun({ experimentId: experiment.experiment_id });
      await client.logBatch(run.info.run_id, {
        params: Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(5000) })),
        metrics: Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })),
        tags: Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
      });
      const batches = double.requests.filter((r) => r.path.endsWith('runs/log-batch'));
      for (const batch of batches) {
        expect(batch.body.length).toBeLessThanOrEqual(1_000_000);
        const body = JSON.parse(batch.body.toString()) as Record<string, unknown[]>;
        expect(body.params.length).toBeLessThanOrEqual(100);
        expect(body.tags.length).toBeLessThanOrEqual(100);
        expect(body.metrics.length).toBeLessThanOrEqual(1000);
        expect(body.params.length + body.tags.length + body.metrics.length).toBeLessThanOrEqual(1000);
      }
      const stored = await client.getRun(run.info.run_id);
      expect(stored.data.params).toHaveLength(250);
      expect(stored.data.tags?.length).toBe(121);
      expect(await client.getMetricHistory(run.info.run_id, 'm')).toHaveLength(2500);
    });

    it('should refuse an oversized param value before sending it, naming the key and the limit', async () => {
      await expect(
        client.logBatch('a'.repeat(32), { params: [{ key: 'vocab', value: 'x'.repeat(6001) }] }),
      ).rejects.toThrow(
        new MlflowValidationError('param "vocab" value has 6001 characters; MLflow accepts at most 6000'),
      );
      expect(double.requests).toHaveLength(0);
    });

    it('should poll a PENDING_REGISTRATION version until it is READY', async () => {
      await double.close();
      double = await MlflowServerDouble.start({ pendingRegistrationPolls: 2 });
      client = new MlflowClient({ trackingUri: double.url, registrationPollMs: 5 });
      await client.createRegisteredModel('m');
      const version = await client.createModelVersion({ name: 'm', source: 'mlflow-artifacts:/1/x/artifacts/model' });
      expect(version.status).toBe('READY');
      expect(double.requests.filter((r) => r.path.endsWith('model-versions/get'))).toHaveLength(2);
    });

    it('should upload, list and download artifacts through the proxy paths', async () => {
      const experiment = await client.getOrCreateExperiment('exp');
      const run = await client.createRun({ experimentId: experiment.experiment_id });
      await client.uploadArtifact(run.info.artifact_uri, 'model/model.json', '{"x":1}');
      const put = double.requests.find((r) => r.method === 'PUT')!;
      expect(put.path).toBe(`/api/2.0/mlflow-artifacts/artifacts/1/${run.info.run_id}/artifacts/model/model.json`);
      expect(await client.listArtifacts(run.info.artifact_uri, 'model')).toEqual([
        { path: 'model.json', is_dir: false, file_size: 7 },
      ]);
      expect((await client.downloadArtifact(run.info.artifact_uri, 'model/model.json')).toString()).toBe('{"x":1}');
      expect(() => MlflowClient.proxyPath('s3://bucket/1')).toThrow(MlflowError);
    });

    it('should refuse a tracking URI with embedded credentials without echoing them', () => {
      expect(() => new MlflowClient({ trackingUri: 'http://bob:hunter2@mlflow:5000' })).toThrow(
        /must not hold credentials/,
      );
      try {
        new MlflowClient({ trackingUri: 'http://bob:hunter2@mlflow:5000' });
      } catch (error) {
        expect(String((error as Error).message)).not.toContain('hunter2');
      }
    });
  });

  describe('authentication', () => {
    it('should send a bearer token read at each request, so a rotated token takes effect', async () => {
      await double.close();
      double = await MlflowServerDouble.start({ auth: { token: 'token-2' } });
      const secrets = new SecretsService({ MLFLOW_TRACKING_TOKEN: 'token-1' });
      client = new MlflowClient({
        trackingUri: double.url,
        credentials: credentialsFromSecrets(secrets),
        maxAttempts: 1,
      });
      const refused = await client.getExperimentByName('Default').catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 401, errorCode: 'UNAUTHENTICATED' });
      expect(String(refused)).not.toContain('token-1');
      secrets.set('MLFLOW_TRACKING_TOKEN', 'token-2');
      expect((await client.getExperimentByName('Default')).experiment_id).toBe('0');
    });

    it('should send basic credentials when no token is configured', async () => {
      await double.close();
      double = await MlflowServerDouble.start({ auth: { username: 'ml', password: 's3cret' } });
      const secrets = new SecretsService({ MLFLOW_TRACKING_USERNAME: 'ml', MLFLOW_TRACKING_PASSWORD: 's3cret' });
      client = new MlflowClient({ trackingUri: double.url, credentials: credentialsFromSecrets(secrets) });
      expect((await client.getExperimentByName('Default')).name).toBe('Default');
      expect(double.requests[0].authorization).toBe(`Basic ${Buffer.from('ml:s3cret').toString('base64')}`);
    });
  });

  describe('faults', () => {
    it('should report connection refused as unavailable after retrying', async () => {
      const retries: string[] = [];
      const refused = new MlflowClient({
        trackingUri: await MlflowServerDouble.unusedUrl(),
        maxAttempts: 3,
        initialBackoffMs: 5,
        onRetry: (endpoint, attempt, reason) => retries.push(`${endpoint} #${attempt}: ${reason}`),
      });
      const error = await refused.getExperimentByName('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MlflowUnavailableError);
      expect(String(error)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(retries).toEqual([
        expect.stringMatching(/^GET experiments\/get-by-name #1: cannot reach .*ECONNREFUSED/),
        expect.stringMatching(/#2/),
      ]);
    });

    it('should not retry a 500 and surface it with its code', async () => {
      double.inject({ kind: 'status', status: 500 });
      await expect(client.getExperimentByName('Default')).rejects.toMatchObject({
        status: 500,
        errorCode: 'INTERNAL_ERROR',
      });
      expect(double.requests).toHaveLength(1);
    });

    it('should retry 503 with backoff and recover', async () => {
      double.inject({ kind: 'status', status: 503, times: 2 });
      expect((await client.getExperimentByName('Default')).experiment_id).toBe('0');
      expect(double.requests).toHaveLength(3);
    });

    it('should retry 429 even for a POST and recover', async () => {
      double.inject({ kind: 'status', status: 429, match: /experiments\/create/ });
      expect(await client.createExperiment('throttled')).toBe('1');
      expect(double.requests.filter((r) => r.path.endsWith('experiments/create'))).toHaveLength(2);
    });

    it('should wait at least as long as Retry-After asks before retrying a 429', async () => {
      double.inject({ kind: 'status', status: 429, retryAfterSeconds: 1 });
      const started = Date.now();
      expect((await client.getExperimentByName('Default')).name).toBe('Default');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(double.requests).toHaveLength(2);
    });

    it('should give up on a lasting 503 as unavailable with the status', async () => {
      double.inject({ kind: 'status', status: 503, times: 10 });
      const error = await client.getExperimentByName('Default').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MlflowUnavailableError);
      expect(error).toMatchObject({ status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE' });
      expect(double.requests).toHaveLength(4);
    });

    it('should time out a slow answer and retry an idempotent GET', async () => {
      client = new MlflowClient({ trackingUri: double.url, timeoutMs: 200, initialBackoffMs: 5 });
      double.inject({ kind: 'slow', delayMs: 5000 });
      expect((await client.getExperimentByName('Default')).name).toBe('Default');
      double.inject({ kind: 'slow', delayMs: 5000, times: 10 });
      await expect(client.getExperimentByName('Default')).rejects.toBeInstanceOf(MlflowTimeoutError);
    });

    it('should not resend a POST that timed out, since the server may have applied it', async () => {
      client = new MlflowClient({ trackingUri: double.url, timeoutMs: 200 });
      double.inject({ kind: 'slow', delayMs: 5000, match: /experiments\/create/ });
      await expect(client.createExperiment('slow')).rejects.toThrow(MlflowTimeoutError);
      expect(double.requests.filter((r) => r.path.endsWith('experiments/create'))).toHaveLength(1);
    });

    it('should retry a GET whose connection was reset', async () => {
      double.inject({ kind: 'reset' });
      expect((await client.getExperimentByName('Default')).name).toBe('Default');
    });
  });
});
