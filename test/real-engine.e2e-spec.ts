import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { trainSmallRealModel, type RealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

describe('the service on the real engine', () => {
  let t: TestApp;
  let model!: RealModel;

  beforeAll(async () => {
    t = await startTestApp({
      codec: new EngineArtifactCodec(),
      env: { CLASSIFY_MAX_CHARS: '5000' },
      prepare: async (dir) => {
        mkdirSync(dir, { recursive: true });
        model = await trainSmallRealModel(dir, 600);
      },
    });
  }, 120_000);
  afterAll(() => t.close());

  const predict = (text: string, url = '/api/v1/predictions') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text }),
    });

  it('should serve the trained artifact and show its card', async () => {
    const card = (await t.app.inject({ url: '/api/v1/model' })).json();
    expect(card).toMatchObject({
      version: model.artifact.metadata.version,
      algorithm: 'svm',
      training_data_fingerprint: 'test-600',
      // Named relative to MODEL_DIR: the card never shows the server's paths.
      source: basename(model.path),
    });
    expect(card.parameters.model).toBeDefined();
    expect(card.parameters.vectorizer.analyzers).toBeDefined();
  });

  it('should classify most unseen test SMS right', async () => {
    const spam = model.testSpam.slice(0, 30);
    const ham = model.testHam.slice(0, 30);
    let right = 0;
    for (const text of spam) if ((await predict(text)).json().prediction === 'spam') right++;
    for (const text of ham) if ((await predict(text)).json().prediction === 'not_spam') right++;
    expect(right).toBeGreaterThanOrEqual(48);
  });

  it('should explain a decision by the words of the message', async () => {
    const res = await predict(model.testSpam[0], '/api/v1/predictions?explain=true');
    expect(res.statusCode).toBe(200);
    const { explanation } = res.json();
    expect(explanation.towards_spam.length).toBeGreaterThan(0);
    expect(explanation.unit).toBe('log_odds');
    expect(explanation.towards_spam[0].word).toMatch(/\S/);
    expect(explanation.towards_spam[0].weight).toBeGreaterThan(0);
  });

  it('should classify a text longer than CLASSIFY_MAX_CHARS from its start', async () => {
    const long = `${model.testHam[0]} `.repeat(2000).slice(0, 200_000);
    const res = await predict(long);
    expect(res.statusCode).toBe(200);
    expect(res.json().prediction).toBe('not_spam');
  });

  it('should answer the batch and the seed route with the same verdicts', async () => {
    const texts = [model.testSpam[1], model.testHam[1]];
    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions/batch',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ messages: texts.map((text) => ({ text })) }),
    });
    const singles = await Promise.all(texts.map(async (text) => (await predict(text)).json().prediction));
    expect(batch.json().results.map((r: { prediction: string }) => r.prediction)).toEqual(singles);
    const seed = (await predict(texts[0], '/predict')).json();
    expect(seed.prediction).toBe(singles[0] === 'spam' ? 'spam' : 'ham');
  });

  it('should refuse a tampered artifact and keep serving', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/model/reload' });
    expect(res.statusCode).toBe(401);
    const codec = new EngineArtifactCodec();
    const tampered = JSON.stringify({
      ...model.artifact,
      metadata: { ...model.artifact.metadata, algorithm: 'naive_bayes' },
    });
    expect(() => codec.parse(tampered, 'tampered.json')).toThrow(/checksum|tampered/i);
  });
});
