import { SEED_VECTORIZER_CONFIG } from '../features/vectorizer-config';
import { fitTfidfVectorizer } from '../features/tfidf-vectorizer';
import { fitModel } from '../models';
import { fitTinyPipeline, HAM, SPAM } from '../tiny-corpus.fixture';
import type { Algorithm } from '../types';
import { ArtifactError } from './artifact-error';
import { inspectArtifactAsync, IN_THREAD_MAX_BYTES, loadPipelineAsync } from './artifact-loader';
import { createArtifact, parseArtifact, pipelineFromArtifact, serializeArtifact } from './model-artifact';

const TRAINING = { fingerprint: 'sha256:abc123', rows: 12, spam: 6, ham: 6, sources: ['tiny'] };
const PROBES = ['Claim your FREE prize now', 'see you at dinner', '', '😀 \ud800 ünïcödé', ...SPAM, ...HAM];

function bytesFor(algorithm: Algorithm): string {
  const pipeline = fitTinyPipeline(algorithm);
  const artifact = createArtifact({
    vectorizer: pipeline.vectorizer,
    model: pipeline.model,
    metrics: { test: { f1: 0.9 } },
    training: TRAINING,
    createdAt: new Date('2026-11-27T14:05:12.345Z'),
  });
  return serializeArtifact(artifact);
}

function refusal(run: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

/** In a worker thread (every artifact is above 0 bytes), or in the calling thread (the tiny ones are below). */
const WAYS = [
  ['in a worker thread', 0],
  ['in the calling thread', IN_THREAD_MAX_BYTES],
] as const;

describe.each(WAYS)(`${loadPipelineAsync.name} %s`, (_way, inThreadMaxBytes) => {
  it.each<Algorithm>(['logistic_regression', 'random_forest'])(
    'should build the same pipeline as the synchronous path (%s)',
    async (algorithm) => {
      const bytes = bytesFor(algorithm);
      const sync = pipelineFromArtifact(parseArtifact(bytes, 'tiny.json'), { maxChars: 50 });
      const { artifact, pipeline } = await loadPipelineAsync(Buffer.from(bytes), 'tiny.json', {
        maxChars: 50,
        inThreadMaxBytes,
      });
      const { vectorizer: _v, model: _m, ...header } = parseArtifact(bytes);
      expect(artifact).toEqual(header);
      expect(pipeline.maxChars).toBe(50);
      expect(pipeline.vectorizer.nFeatures).toBe(sync.vectorizer.nFeatures);
      expect(pipeline.vectorizer.toState()).toEqual(sync.vectorizer.toState());
      for (const text of PROBES)
        expect(pipeline.classify(text, { explain: true })).toEqual(sync.classify(text, { explain: true }));
    },
    60_000,
  );

  it('should load from a string and from a vectorizer with several analyzers', async () => {
    const texts = [...SPAM, ...HAM];
    const labels = Uint8Array.from(texts, (_, i) => (i < SPAM.length ? 1 : 0));
    const { vectorizer, matrix } = fitTfidfVectorizer(texts, SEED_VECTORIZER_CONFIG);
    const model = fitModel('naive_bayes', matrix, labels, {}, { seed: 1 });
    const bytes = serializeArtifact(createArtifact({ vectorizer, model, metrics: {}, training: TRAINING }));
    const sync = pipelineFromArtifact(parseArtifact(bytes));
    const { pipeline } = await loadPipelineAsync(bytes, 'artifact', { inThreadMaxBytes });
    for (const text of PROBES) expect(pipeline.classify(text)).toEqual(sync.classify(text));
  }, 60_000);

  it('should refuse a tampered artifact with the same ArtifactError as parseArtifact', async () => {
    const bytes = bytesFor('logistic_regression').replace('"rows":12', '"rows":13');
    const expected = await refusal(() => parseArtifact(bytes, 'tampered.json'));
    const error = await refusal(() => loadPipelineAsync(bytes, 'tampered.json', { inThreadMaxBytes }));
    expect(expected).toBeInstanceOf(ArtifactError);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toBe((expected as Error).message);
    expect((error as Error).message).toContain('tampered.json: checksum mismatch');
  }, 60_000);

  it('should refuse bytes that are not JSON with the same message', async () => {
    const expected = await refusal(() => parseArtifact('{"format":', 'cut.json'));
    const error = await refusal(() => loadPipelineAsync('{"format":', 'cut.json', { inThreadMaxBytes }));
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toBe((expected as Error).message);
  }, 60_000);

  it('should inspect an artifact: the verified header only, and the same refusal', async () => {
    const bytes = bytesFor('naive_bayes');
    const { vectorizer: _v, model: _m, ...header } = parseArtifact(bytes);
    expect(await inspectArtifactAsync(bytes, 'tiny.json', inThreadMaxBytes)).toEqual(header);
    const tampered = bytes.replace('"spam":6', '"spam":7');
    const expected = await refusal(() => parseArtifact(tampered, 'bad.json'));
    const error = await refusal(() => inspectArtifactAsync(tampered, 'bad.json', inThreadMaxBytes));
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as Error).message).toBe((expected as Error).message);
  }, 60_000);

  it('should verify from a Uint8Array view as from a Buffer', async () => {
    const bytes = Buffer.from(bytesFor('naive_bayes'));
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { artifact } = await loadPipelineAsync(view, 'tiny.json', { inThreadMaxBytes });
    expect(artifact).toEqual(await inspectArtifactAsync(bytes, 'tiny.json', inThreadMaxBytes));
  }, 60_000);
});
