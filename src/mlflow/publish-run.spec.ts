import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createArtifact, DEFAULT_VECTORIZER_CONFIG, fitModel, fitTfidfVectorizer, serializeArtifact } from '../engine';
import { LocalTrackingStore } from './local-tracking-store';
import { CHAMPION_ALIAS, DEFAULT_GATE_RULE } from './promotion';
import { RunPublisher } from './publish-run';

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

function servingArtifact(): { bytes: Buffer; checksum: string } {
  const texts = ['win a free prize now', 'claim your cash prize', 'see you at dinner', 'call me when home'];
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const artifact = createArtifact({
    vectorizer,
    model: fitModel('naive_bayes', matrix, Uint8Array.from([1, 1, 0, 0]), { alpha: 1 }, { seed: 1 }),
    metrics: { evaluation: { sms: SMS } },
    training: { fingerprint: 'f', rows: 4, spam: 2, ham: 2, sources: ['tiny'] },
    createdAt: new Date('2026-12-01T10:00:00.000Z'),
  });
  return { bytes: Buffer.from(serializeArtifact(artifact)), checksum: artifact.checksum };
}

describe(RunPublisher.name, () => {
  let dir: string;
  let store: LocalTrackingStore;
  let publisher: RunPublisher;
  const served = servingArtifact();
  const loaded = { source: 'model.json', checksum: served.checksum };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'publisher-'));
    store = new LocalTrackingStore(dir);
    publisher = new RunPublisher(store, {
      experimentName: 'spam-classifier-training',
      modelName: 'spam-classifier',
      gate: DEFAULT_GATE_RULE,
      runTags: { user: 'ci', sourceName: 'test', buildNumber: undefined, gitCommit: 'abc' },
    });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('should register what serves as v1 champion with its figures, once', async () => {
    const registration = await publisher.registerServing(served.bytes, loaded);
    expect(registration).toMatchObject({ registered: true, version: { version: '1', aliases: [CHAMPION_ALIAS] } });
    const run = await store.getRun(registration!.version.runId!);
    expect(run.metrics).toMatchObject({ 'eval/sms/f1_score': 0.969, 'eval/sms/fp': 10, 'eval/sms/n': 1115 });
    expect(run.metrics.training_seconds).toBeUndefined();
    expect(run.tags.artifact_sha256).toBe(served.checksum);
    expect(await publisher.registerServing(served.bytes, loaded)).toBeUndefined();
    expect(await store.listModelVersions('spam-classifier')).toHaveLength(1);
  });

  it('should reuse the version of the same artifact when only the alias is missing', async () => {
    await publisher.registerServing(served.bytes, loaded);
    await store.deleteAlias('spam-classifier', CHAMPION_ALIAS);
    expect(await publisher.registerServing(served.bytes, loaded)).toMatchObject({
      registered: false,
      version: { version: '1' },
    });
    expect(await store.listModelVersions('spam-classifier')).toHaveLength(1);
  });

  it('should refuse bytes that are not what was loaded', async () => {
    await expect(publisher.registerServing(served.bytes, { ...loaded, checksum: 'other' })).rejects.toThrow(
      'model.json changed since it was loaded: not registered',
    );
    expect(await store.listModelVersions('spam-classifier')).toHaveLength(0);
  });
});
