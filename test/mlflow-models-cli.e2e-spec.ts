import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModelsCli } from '../src/mlflow/cli/models.cli';
import { MlflowClient } from '../src/mlflow/client/mlflow-client';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowTrackingStore } from '../src/mlflow/mlflow-tracking-store';
import { logTrainingRun } from '../src/mlflow/run-logger';
import { mlflowConfigFrom } from '../src/mlflow/config/mlflow.config';
import { runPublisherFromConfig } from '../src/mlflow/publish-run';
import { SecretsService } from '../src/config/secrets.service';
import type { EvaluationMetrics } from '../src/training/evaluation/metrics';
import { publishInput } from '../src/training/publish-input';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { engineTrainingInput, figures, trainingInput } from './mlflow-fixtures';

function metrics(f1: number, accuracy: number): EvaluationMetrics {
  const [tp, fp, tn, fn] = [140, 3, 962, 10];
  return {
    ...figures(tp, fp, tn, fn),
    n: tp + fp + tn + fn,
    f1,
    accuracy,
    confusionMatrix: [
      [tn, fp],
      [fn, tp],
    ],
    threshold: 0.5,
  };
}

describe('models CLI', () => {
  let double: MlflowServerDouble;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let out: string[];
  let err: string[];
  const run = (...argv: string[]) => runModelsCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
  const options = (fallback?: LocalTrackingStore) => ({
    experimentName: 'spam-classifier-training',
    modelName: 'spam-classifier',
    runTags: { user: 'ci' },
    ...(fallback ? { fallback } : {}),
  });

  beforeEach(async () => {
    double = await MlflowServerDouble.start();
    dir = await mkdtemp(join(tmpdir(), 'models-cli-'));
    env = {
      MLFLOW_TRACKING_URI: double.url,
      MLFLOW_LOCAL_REGISTRY_DIR: join(dir, 'registry'),
      MLFLOW_MAX_ATTEMPTS: '1',
    };
    out = [];
    err = [];
  });
  afterEach(async () => {
    await double.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should list versions, gate, promote by hand and roll back', async () => {
    const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url }));
    await logTrainingRun(store, trainingInput('v-a', figures(140, 3, 962, 10)), options());
    await logTrainingRun(store, trainingInput('v-b', figures(130, 9, 956, 20)), options());
    expect(await run('gate', '1')).toBe(0);
    expect(await run('gate', '2')).toBe(0);
    expect(out.slice(-1)[0]).toMatch(/^v2: challenger \(v2 vs champion v1: not better on test/);
    expect(await run('promote', '2', '--reason', 'A/B test won')).toBe(0);
    expect(await run('rollback')).toBe(0);
    expect(out.slice(-1)[0]).toBe(
      'champion is v1 again (rolled back from v2); running services swap to it within 30 s',
    );
    out.length = 0;
    expect(await run('list')).toBe(0);
    expect(out[0]).toBe(`spam-classifier in mlflow ${double.url}: 2 version(s)`);
    expect(out[1]).toMatch(/^v2 +- +test f1=0\.8997 fp=9 .* rolled back to v1 at /);
    expect(out[2]).toMatch(/^v1 +champion +test f1=0\.9556 fp=3 /);
    out.length = 0;
    expect(await run('list', '--json')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toHaveLength(2);
  });

  it('should sync runs saved while MLflow was down and gate them', async () => {
    const local = new LocalTrackingStore(join(dir, 'registry'));
    const down = new MlflowTrackingStore(
      new MlflowClient({ trackingUri: await MlflowServerDouble.unusedUrl(), maxAttempts: 1 }),
    );
    await logTrainingRun(down, trainingInput('v-offline', figures(140, 3, 962, 10)), options(local));
    expect(await run('sync', '--promote')).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        /^synced local run [0-9a-f]{32} → http:\/\/127\.0\.0\.1:\d+ run [0-9a-f]{32} \(spam-classifier v1\)$/,
      ),
      `1 run(s) synced to ${double.url}`,
      'v1: champion (no champion yet)',
    ]);
  });

  it('should fail with a clear message and exit code 1, without a stack trace', async () => {
    expect(await run('rollback')).toBe(1);
    expect(err).toEqual(['models: spam-classifier has no champion to roll back']);
    delete env.MLFLOW_TRACKING_URI;
    expect(await run('sync')).toBe(1);
    expect(err[1]).toBe('models: MLFLOW_TRACKING_URI is not set: there is no MLflow server to sync to');
    env.MLFLOW_POLL_INTERVAL_MS = 'often';
    expect(await run('list')).toBe(1);
    expect(err[2]).toMatch(/^models: Invalid environment \(1 problem\):\n {2}MLFLOW_POLL_INTERVAL_MS="often": /);
    expect(await run('no-such-command')).not.toBe(0);
  });

  it('should track a training result from its files, register it and apply the gate', async () => {
    const input = engineTrainingInput(1, figures(140, 3, 962, 10), new Date('2026-11-27T14:00:00.000Z'));
    const artifactPath = join(dir, 'model.json');
    await writeFile(artifactPath, input.artifactBytes);
    const reportDir = join(dir, 'report');
    await mkdir(join(reportDir, 'charts'), { recursive: true });
    await writeFile(join(reportDir, 'charts', 'roc_curve.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const logs: string[] = [];
    const publisher = runPublisherFromConfig(mlflowConfigFrom(env), new SecretsService(env), {
      log: (m) => logs.push(m),
      warn: (m) => logs.push(m),
    });
    const tracked = await publisher.publish(
      await publishInput({
        artifactPath,
        evaluation: { test: metrics(0.95, 0.98) },
        cv: { folds: 2, metrics: metrics(0.91, 0.975), perFold: [metrics(0.9, 0.97), metrics(0.92, 0.98)] },
        reportDir,
        params: input.params,
        durationMs: 1234,
      }),
      { promote: true },
    );
    expect(tracked.run).toMatchObject({ store: 'mlflow', synced: true, version: { version: '1' } });
    expect(tracked.promotion).toMatchObject({ decision: 'champion' });
    const store = new MlflowTrackingStore(new MlflowClient({ trackingUri: double.url }));
    expect((await store.listArtifacts(tracked.run.runId, 'reports/charts')).map((f) => f.path)).toEqual([
      'reports/charts/roc_curve.png',
    ]);
    expect((await store.getMetricHistory(tracked.run.runId, 'cv_f1_score')).map((p) => p.value)).toEqual([0.9, 0.92]);
    expect(logs.at(-1)).toBe('spam-classifier v1: champion (no champion yet)');
  });

  it('should work on the local registry when MLFLOW_TRACKING_URI is unset', async () => {
    delete env.MLFLOW_TRACKING_URI;
    const local = new LocalTrackingStore(join(dir, 'registry'));
    await logTrainingRun(local, trainingInput('v-local', figures(140, 3, 962, 10)));
    expect(await run('gate', '1')).toBe(0);
    expect(await run('list')).toBe(0);
    expect(out.at(-2)).toBe(`spam-classifier in local ${join(dir, 'registry')}: 1 version(s)`);
    expect(out.at(-1)).toMatch(/^v1 +champion /);
  });
});
