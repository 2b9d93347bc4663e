import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createArtifact,
  DEFAULT_VECTORIZER_CONFIG,
  fitModel,
  fitTfidfVectorizer,
  serializeArtifact,
  type ArtifactMetrics,
} from '../engine';
import { artifactEvaluation, modelFolderBaseline, servingRunInput } from './serving-model';

const SMS = {
  n: 1115,
  accuracy: 0.99,
  precision: 0.98,
  recall: 0.95,
  f1: 0.969,
  mcc: 0.96,
  rocAuc: 0.99,
  tp: 140,
  fp: 10,
  tn: 955,
  fn: 10,
};

function artifactBytes(metrics: ArtifactMetrics, createdAt: string): string {
  const texts = ['win a free prize now', 'claim your cash prize', 'see you at dinner', 'call me when home'];
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const model = fitModel('naive_bayes', matrix, Uint8Array.from([1, 1, 0, 0]), { alpha: 1 }, { seed: 1 });
  return serializeArtifact(
    createArtifact({
      vectorizer,
      model,
      metrics,
      training: { fingerprint: 'f', rows: 4, spam: 2, ham: 2, sources: ['tiny'] },
      createdAt: new Date(createdAt),
    }),
  );
}

describe(artifactEvaluation.name, () => {
  it('should read the figures per set the trainer records, and skip incomplete sets', () => {
    expect(artifactEvaluation({ evaluation: { sms: SMS, email: { f1: 0.9 } }, cv: { f1: 0.9 } })).toEqual({ sms: SMS });
    expect(artifactEvaluation({ test: { f1: 0.9, fp: 1 } })).toEqual({});
    expect(artifactEvaluation(undefined)).toEqual({});
  });

  it('should keep the threshold a set was counted at, when the artifact records it', () => {
    expect(artifactEvaluation({ evaluation: { sms: { ...SMS, threshold: 0.73 } } })).toEqual({
      sms: { ...SMS, threshold: 0.73 },
    });
  });
});

describe(servingRunInput.name, () => {
  it('should verify the bytes and describe the serving model as a run without a training time', async () => {
    const bytes = Buffer.from(artifactBytes({ evaluation: { sms: SMS } }, '2026-12-01T10:00:00.000Z'));
    const input = await servingRunInput(bytes, 'model.json');
    expect(input).toMatchObject({ evaluation: { sms: SMS }, durationMs: 0, params: { registered_from: 'serving' } });
    expect(input.runName).toBe(`serving-${input.artifact.metadata.version}`);
    bytes[bytes.length - 3] ^= 1;
    await expect(servingRunInput(bytes, 'model.json')).rejects.toThrow(/model\.json/);
  });
});

describe(modelFolderBaseline.name, () => {
  it('should take the newest artifact of the folder, as serving does, or MODEL_PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baseline-'));
    try {
      expect(await modelFolderBaseline({ modelPath: undefined, modelDir: join(dir, 'none') })).toBeUndefined();
      await writeFile(
        join(dir, 'old.json'),
        artifactBytes({ evaluation: { sms: { ...SMS, f1: 0.5 } } }, '2026-01-01T00:00:00.000Z'),
      );
      await writeFile(join(dir, 'new.json'), artifactBytes({ evaluation: { sms: SMS } }, '2026-12-01T00:00:00.000Z'));
      await writeFile(join(dir, 'broken.json'), '{}');
      const newest = await modelFolderBaseline({ modelPath: undefined, modelDir: dir });
      expect(newest).toEqual({
        label: expect.stringMatching(/^the serving model 20261201T000000Z-/),
        scores: { sms: { f1: 0.969, fp: 10, n: 1115 } },
      });
      const pinned = await modelFolderBaseline({ modelPath: join(dir, 'old.json'), modelDir: dir });
      expect(pinned?.scores.sms.f1).toBe(0.5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
