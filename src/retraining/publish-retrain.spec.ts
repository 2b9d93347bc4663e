import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifact, serializeArtifact } from '../engine';
import { fitTinyPipeline } from '../engine/tiny-corpus.fixture';
import { LocalTrackingStore } from '../mlflow/local-tracking-store';
import type { PublishTarget } from '../mlflow/publish-run';
import type { EvaluationMetrics } from '../training/evaluation/metrics';
import { publishRetrainInWorker } from './publish-retrain';
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

describe(publishRetrainInWorker.name, () => {
  let dir: string;
  let result: RetrainTaskResult;
  let checksum: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'publish-retrain-'));
    const pipeline = fitTinyPipeline('logistic_regression');
    const artifact = createArtifact({
      vectorizer: pipeline.vectorizer,
      model: pipeline.model,
      metrics: {},
      training: { fingerprint: 'sha256:tiny', rows: 12, spam: 6, ham: 6, sources: ['tiny'] },
    });
    checksum = artifact.checksum;
    await writeFile(join(dir, 'model.json'), serializeArtifact(artifact));
    result = {
      artifactPath: join(dir, 'model.json'),
      artifactVersion: artifact.metadata.version,
      algorithm: 'logistic_regression',
      evaluation: { sms: FIGURES },
      primaryEvaluation: 'sms',
      params: { algorithm: 'logistic_regression' },
      durationMs: 1234,
      trainingRows: 12,
      feedbackRows: 3,
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const target = (root: string): PublishTarget => ({
    tracking: { kind: 'local', root },
    experimentName: 'spam-classifier-training',
    modelName: 'spam-classifier',
    gate: { minF1Gain: 0, maxFpIncrease: 0 },
    runTags: { user: 'ci', sourceName: 'spam-classifier/train', buildNumber: undefined, gitCommit: 'feedc0de' },
  });

  it('should log, register and gate the run in the given registry, as the service would', async () => {
    const root = join(dir, 'registry');
    const published = await publishRetrainInWorker('20261127T140512Z-abcdef', result, target(root));
    expect(published).toMatchObject({
      run: { store: 'local', synced: true, version: { version: '1' } },
      promotion: { decision: 'champion' },
      artifactChecksum: checksum,
    });
    expect(published.messages).toEqual([
      expect.objectContaining({ level: 'log' }),
      { level: 'log', text: 'spam-classifier v1: champion (no champion yet)' },
    ]);
    const store = new LocalTrackingStore(root);
    const run = await store.getRun(published.run.runId);
    expect(run.runName).toBe('retrain-20261127T140512Z-abcdef');
    expect(run.params).toMatchObject({ retrain_run_id: '20261127T140512Z-abcdef', feedback_rows: '3' });
    expect(run.tags).toMatchObject({ git_commit: 'feedc0de', artifact_sha256: checksum });
    const files = (await store.listArtifacts(published.run.runId, 'reports')).map((entry) => entry.path);
    expect(files).toContain('reports/confusion_matrix.png');
    const version = await store.getModelVersion('spam-classifier', '1');
    expect(await store.downloadModelVersionFile(version, 'model.json')).toEqual(await readFile(result.artifactPath));
    expect((await store.getVersionByAlias('spam-classifier', 'champion'))?.version).toBe('1');
  });

  it('should refuse a tampered artifact before logging anything', async () => {
    const bytes = (await readFile(result.artifactPath, 'utf8')).replace('"rows":12', '"rows":13');
    await writeFile(result.artifactPath, bytes);
    const root = join(dir, 'registry');
    await expect(publishRetrainInWorker('r1', result, target(root))).rejects.toThrow(/checksum mismatch/);
    expect(await new LocalTrackingStore(root).listModelVersions('spam-classifier').catch(() => [])).toEqual([]);
  });
});
