import { createArtifact, serializeArtifact } from '../engine';
import { fitTinyPipeline } from '../engine/tiny-corpus.fixture';
import { EngineArtifactCodec } from './engine-adapters';
import { ArtifactCodec, inspectWith, type ClassifierBuildOptions, type ServedArtifact } from './model-artifact.port';
import { ModelHolder } from './model-holder.service';
import type { SpamClassifier } from '../engine';

function artifactBytes(algorithm: 'logistic_regression' | 'naive_bayes'): string {
  const pipeline = fitTinyPipeline(algorithm);
  return serializeArtifact(
    createArtifact({
      vectorizer: pipeline.vectorizer,
      model: pipeline.model,
      metrics: {},
      training: { fingerprint: 'sha256:tiny', rows: 12, spam: 6, ham: 6, sources: ['tiny'] },
    }),
  );
}

describe(ModelHolder.name, () => {
  const codec = new EngineArtifactCodec();

  it('should load bytes off the event loop into the same classifier the synchronous swap builds', async () => {
    const bytes = artifactBytes('logistic_regression');
    const holder = new ModelHolder(codec, 30);
    const swaps: string[] = [];
    holder.onSwap((current, previous) => swaps.push(`${previous?.source ?? '-'} → ${current.source}`));
    const sync = holder.swap(codec.parse(bytes, 'a.json'), 'sync');
    const loaded = await holder.load(Buffer.from(bytes), 'async');
    expect(holder.active()).toBe(loaded);
    expect(loaded.artifact).toEqual(sync.artifact);
    expect(loaded.artifact).not.toHaveProperty('vectorizer');
    for (const text of ['WIN a FREE prize, call now', 'dinner tonight?', 'x'.repeat(100)]) {
      expect(loaded.classifier.classify(text)).toEqual(sync.classifier.classify(text));
    }
    expect(swaps).toEqual(['- → sync', 'sync → async']);
  }, 60_000);

  it('should keep the serving model when the bytes are refused, and swap only on install', async () => {
    const holder = new ModelHolder(codec);
    const serving = await holder.load(artifactBytes('naive_bayes'), 'first');
    await expect(holder.load('{"format":"nope"}', 'bad.json')).rejects.toThrow(/^bad\.json: format/);
    expect(holder.active()).toBe(serving);
    const prepared = await holder.prepare(artifactBytes('logistic_regression'), 'second');
    expect(holder.active()).toBe(serving);
    expect(holder.install(prepared, 'second')).toBe(holder.active());
    expect(holder.active()?.source).toBe('second');
  }, 60_000);

  it('should fall back to parse and toClassifier for a codec without its own load', async () => {
    const classifier = { algorithm: 'naive_bayes' } as unknown as SpamClassifier;
    const built: ClassifierBuildOptions[] = [];
    class PlainCodec extends ArtifactCodec {
      parse(bytes: string | Buffer, source: string): ServedArtifact {
        return { metadata: { version: source, algorithm: 'naive_bayes', createdAt: 'now' }, checksum: String(bytes) };
      }
      toClassifier(_artifact: ServedArtifact, options: ClassifierBuildOptions): SpamClassifier {
        built.push(options);
        return classifier;
      }
    }
    const holder = new ModelHolder(new PlainCodec(), 99);
    const active = await holder.load('abc', 'v1');
    expect(active).toMatchObject({ classifier, source: 'v1', artifact: { checksum: 'abc' } });
    expect(built).toEqual([{ maxChars: 99 }]);
    expect(await new PlainCodec().inspect('def', 'v2')).toMatchObject({ checksum: 'def' });
    // A codec that implements the port without extending it has neither load nor inspect.
    const bare = { parse: PlainCodec.prototype.parse, toClassifier: PlainCodec.prototype.toClassifier };
    expect(await new ModelHolder(bare as ArtifactCodec, 7).load('ghi', 'v3')).toMatchObject({ classifier });
    expect(built).toEqual([{ maxChars: 99 }, { maxChars: 7 }]);
    expect(await inspectWith(bare as ArtifactCodec, 'jkl', 'v4')).toMatchObject({ checksum: 'jkl' });
  });
});
