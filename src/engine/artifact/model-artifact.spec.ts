import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitTfidfVectorizer } from '../features/tfidf-vectorizer';
import { DEFAULT_VECTORIZER_CONFIG, SEED_VECTORIZER_CONFIG } from '../features/vectorizer-config';
import { fitModel } from '../models';
import { fitTinyPipeline, HAM, SPAM } from '../tiny-corpus.fixture';
import type { Algorithm } from '../types';
import { ArtifactError } from './artifact-error';
import { readArtifactBytesIn, readArtifactFile, writeArtifactFile } from './artifact-file';
import { canonicalJson } from './canonical-json';
import {
  ARTIFACT_FORMAT,
  createArtifact,
  type ModelArtifact,
  parseArtifact,
  pipelineFromArtifact,
  serializeArtifact,
} from './model-artifact';

const TRAINING = { fingerprint: 'sha256:abc123', rows: 12, spam: 6, ham: 6, sources: ['tiny'] };
const METRICS = {
  test: {
    f1: 0.97,
    precision: 1,
    confusionMatrix: [
      [6, 0],
      [1, 5],
    ],
  },
};
const CREATED = new Date('2026-11-27T14:05:12.345Z');
const PROBES = ['Claim your FREE prize now', 'see you at dinner', '', '😀 \ud800', ...SPAM, ...HAM];

function artifactFor(algorithm: Algorithm, createdAt = CREATED): ModelArtifact {
  const pipeline = fitTinyPipeline(algorithm);
  return createArtifact({
    vectorizer: pipeline.vectorizer,
    model: pipeline.model,
    metrics: METRICS,
    training: TRAINING,
    createdAt,
  });
}

/** Re-serialises an edited artifact with a fresh checksum, so only the edit is wrong. */
function resigned(edit: (a: Record<string, unknown>) => void): string {
  const a = JSON.parse(serializeArtifact(artifactFor('naive_bayes'))) as Record<string, unknown>;
  edit(a);
  delete a.checksum;
  const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return canonicalJson({ ...a, checksum: createHash('sha256').update(canonicalJson(a)).digest('hex') });
}

describe('model artifact', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'artifact-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each<Algorithm>(['naive_bayes', 'svm', 'logistic_regression', 'random_forest'])(
    'should round-trip a fitted %s model through a file with identical predictions',
    async (algorithm) => {
      const original = pipelineFromArtifact(artifactFor(algorithm));
      const path = join(dir, 'models', 'model.json');
      await writeArtifactFile(path, artifactFor(algorithm));
      const loaded = await readArtifactFile(path);
      expect(loaded.metadata.algorithm).toBe(algorithm);
      const pipeline = pipelineFromArtifact(loaded);
      for (const text of PROBES)
        expect(pipeline.classify(text, { explain: true })).toEqual(original.classify(text, { explain: true }));
      expect(readdirSync(join(dir, 'models'))).toEqual(['model.json']);
    },
  );

  it('should record the metadata the service and MLflow read', () => {
    const a = artifactFor('logistic_regression');
    expect(a.format).toBe(ARTIFACT_FORMAT);
    expect(a.formatVersion).toBe(1);
    expect(a.metadata.version).toMatch(/^20261127T140512Z-[0-9a-f]{8}$/);
    expect(a.metadata.version.endsWith(a.metadata.contentHash.slice(0, 8))).toBe(true);
    expect(a.metadata.createdAt).toBe('2026-11-27T14:05:12.345Z');
    expect(a.metadata.metrics).toEqual(METRICS);
    expect(a.metadata.training).toEqual(TRAINING);
    expect(a.metadata.vectorizerConfig).toEqual(DEFAULT_VECTORIZER_CONFIG);
    expect(a.metadata.nFeatures).toBe(a.vectorizer.vocabulary.length);
    expect(a.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should be byte-identical for the same inputs, createdAt and version aside', () => {
    expect(serializeArtifact(artifactFor('svm'))).toBe(serializeArtifact(artifactFor('svm')));
    const later = artifactFor('svm', new Date('2027-01-01T00:00:00Z'));
    const first = artifactFor('svm');
    expect(later.metadata.contentHash).toBe(first.metadata.contentHash);
    const strip = (a: ModelArtifact): string =>
      serializeArtifact({ ...a, checksum: '', metadata: { ...a.metadata, createdAt: '', version: '' } });
    expect(strip(later)).toBe(strip(first));
  });

  it('should store undefined figures in metrics as null', () => {
    const pipeline = fitTinyPipeline('naive_bayes');
    const metrics = { mcc: Number.NaN, rocAuc: Infinity, curve: Float64Array.of(0.5, 1), nested: [{ f1: 1 }] };
    const artifact = createArtifact({
      vectorizer: pipeline.vectorizer,
      model: pipeline.model,
      metrics,
      training: TRAINING,
    });
    expect(artifact.metadata.metrics).toEqual({ mcc: null, rocAuc: null, curve: [0.5, 1], nested: [{ f1: 1 }] });
  });

  it('should round-trip the seed configuration too', () => {
    const texts = [...SPAM, ...HAM];
    const { vectorizer, matrix } = fitTfidfVectorizer(texts, SEED_VECTORIZER_CONFIG);
    const y = Uint8Array.from(texts, (_, i) => (i < SPAM.length ? 1 : 0));
    const model = fitModel('naive_bayes', matrix, y, { calibration: 'none' }, { seed: 1 });
    const artifact = parseArtifact(
      serializeArtifact(createArtifact({ vectorizer, model, metrics: {}, training: TRAINING })),
    );
    expect(pipelineFromArtifact(artifact).classify(SPAM[0]).label).toBe(1);
    expect(Date.parse(artifact.metadata.createdAt)).toBeGreaterThan(Date.parse('2026-01-01'));
  });

  it('should accept an artifact that was re-formatted but not changed', () => {
    const artifact = artifactFor('naive_bayes');
    const pretty = JSON.stringify(JSON.parse(serializeArtifact(artifact)), null, 2);
    expect(parseArtifact(pretty).checksum).toBe(artifact.checksum);
  });

  it('should build a pipeline from an artifact it did not parse itself', () => {
    const copy = JSON.parse(serializeArtifact(artifactFor('naive_bayes'))) as ModelArtifact;
    expect(pipelineFromArtifact(copy, { maxChars: 100 }).maxChars).toBe(100);
  });

  describe('refusals', () => {
    const good = serializeArtifact(artifactFor('naive_bayes'));

    it('should refuse a truncated file', async () => {
      const path = join(dir, 'truncated.json');
      writeFileSync(path, good.slice(0, Math.floor(good.length / 2)));
      await expect(readArtifactFile(path)).rejects.toThrow(
        `${path}: not valid JSON, the file is truncated or corrupted`,
      );
    });

    it('should refuse a tampered file by its checksum', () => {
      const a = JSON.parse(good) as ModelArtifact & { model: { bias: number } };
      a.model.bias += 1;
      expect(() => parseArtifact(JSON.stringify(a), 'm.json')).toThrow(/^m.json: checksum mismatch/);
      const flipped = good.replace('"algorithm":"naive_bayes"', '"algorithm":"svm"');
      expect(() => parseArtifact(flipped)).toThrow(/checksum mismatch/);
      expect(() => parseArtifact(Buffer.from(flipped), 'm.json')).toThrow(/^m.json: checksum mismatch/);
      expect(parseArtifact(Buffer.from(good)).checksum).toBe(JSON.parse(good).checksum);
      expect(parseArtifact(Buffer.from(JSON.stringify(JSON.parse(good), null, 1))).checksum).toBe(
        JSON.parse(good).checksum,
      );
    });

    it('should refuse an unknown format version, naming it', () => {
      expect(() =>
        parseArtifact(
          resigned((a) => (a.formatVersion = 2)),
          'next.json',
        ),
      ).toThrow('next.json: unsupported formatVersion 2: this build reads formatVersion 1 only');
      expect(() => parseArtifact(resigned((a) => (a.format = 'pickle')))).toThrow(
        /format: expected 'spam-classifier-model'/,
      );
    });

    it('should refuse a well-signed artifact with a bad field, naming it', () => {
      const cases: Array<[(a: Record<string, unknown>) => void, RegExp]> = [
        [(a) => (a.extra = 1), /1 unknown top-level field\(s\)/],
        [(a) => ((a.metadata as Record<string, unknown>).version = 'v1'), /metadata.version/],
        [(a) => ((a.metadata as Record<string, unknown>).algorithm = 'svm'), /does not match model.algorithm/],
        [(a) => ((a.metadata as Record<string, unknown>).nFeatures = 3), /features but metadata.nFeatures is 3/],
        [(a) => ((a.metadata as Record<string, unknown>).createdAt = 'yesterday'), /metadata.createdAt/],
        [(a) => ((a.metadata as Record<string, unknown>).metrics = 5), /metadata.metrics/],
        [(a) => ((a.metadata as { training: { rows: number } }).training.rows = 99), /metadata.training: spam/],
        [(a) => ((a.vectorizer as { idf: unknown[] }).idf[0] = 'x'), /vectorizer.idf\[0\]/],
        [(a) => ((a.model as Record<string, unknown>).weights = []), /model: model state/],
        [(a) => (a.metadata = null), /metadata: expected an object/],
      ];
      for (const [edit, message] of cases) {
        expect(() => parseArtifact(resigned(edit))).toThrow(ArtifactError);
        expect(() => parseArtifact(resigned(edit))).toThrow(message);
      }
    });

    it('should give edited weights with a recomputed checksum another identity, or refuse them', () => {
      const original = JSON.parse(good) as ModelArtifact;
      const editWeights = (a: Record<string, unknown>): void => {
        (a.model as { bias: number }).bias += 1;
      };
      expect(() => parseArtifact(resigned(editWeights), 'edited.json')).toThrow(
        'edited.json: metadata.contentHash does not match the vectorizer, model and training it describes',
      );
      // Recomputing the content hash as well is possible, but the version then names other content.
      const rehashed = resigned((a) => {
        editWeights(a);
        const metadata = a.metadata as Record<string, unknown>;
        const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
        const contentHash = createHash('sha256')
          .update(canonicalJson({ vectorizer: a.vectorizer, model: a.model, training: metadata.training }))
          .digest('hex');
        metadata.contentHash = contentHash;
        metadata.version = `${String(metadata.version).slice(0, 16)}-${contentHash.slice(0, 8)}`;
      });
      expect(parseArtifact(rehashed).metadata.version).not.toBe(original.metadata.version);
      expect(() =>
        parseArtifact(
          resigned((a) => {
            editWeights(a);
            const metadata = a.metadata as Record<string, unknown>;
            metadata.contentHash = JSON.parse(rehashed).metadata.contentHash;
          }),
        ),
      ).toThrow('metadata.version does not end with the start of the content hash');
    });

    it('should never quote the content of a refused file', () => {
      const secret = 'root:x:0:0:root:/root:/bin/bash';
      const messages = [
        secret,
        JSON.stringify({ format: secret }),
        JSON.stringify({ format: ARTIFACT_FORMAT, formatVersion: secret }),
        JSON.stringify({ format: ARTIFACT_FORMAT, formatVersion: 1, [secret]: 1 }),
        JSON.stringify({ format: ARTIFACT_FORMAT, formatVersion: 1, checksum: secret }),
        resigned((a) => ((a.metadata as Record<string, unknown>).algorithm = secret)),
        resigned((a) => ((a.vectorizer as { vocabulary: string[] }).vocabulary[1] = secret)),
        resigned((a) => ((a.vectorizer as { vocabulary: string[] }).vocabulary[0] = secret.repeat(2))),
        resigned((a) => ((a.model as Record<string, unknown>).algorithm = secret)),
        resigned((a) => ((a.vectorizer as { idf: unknown[] }).idf[0] = secret)),
      ].map((bytes) => {
        try {
          parseArtifact(bytes, 'passwd');
        } catch (error) {
          return (error as Error).message;
        }
        return 'parsed';
      });
      for (const message of messages) {
        expect(message).toMatch(/^passwd: /);
        expect(message).not.toContain('root');
      }
    });

    it('should refuse non-objects, a bad checksum field and a missing file', async () => {
      expect(() => parseArtifact('[1]')).toThrow('artifact: expected a JSON object');
      expect(() => parseArtifact(Buffer.from(good.replace(/"checksum":"[0-9a-f]+"/, '"checksum":"xyz"')))).toThrow(
        /checksum: expected 64 lowercase hex digits/,
      );
      await expect(readArtifactFile(join(dir, 'missing.json'))).rejects.toThrow(
        /missing.json: cannot read the artifact \(ENOENT\)/,
      );
    });

    it('should refuse to store what JSON cannot hold', () => {
      expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow('$.a[1]: NaN cannot be stored in JSON');
      expect(() => canonicalJson({ a: { b: Infinity } })).toThrow('$.a.b: Infinity cannot be stored in JSON');
      expect(() => canonicalJson({ a: new Float64Array(2) })).toThrow('$.a: a typed array cannot be stored in JSON');
      expect(() => canonicalJson([() => 1])).toThrow('$[0]: a function cannot be stored in JSON');
      expect(canonicalJson({ b: [{ z: 1, a: [] }, 'x'], a: undefined, c: -0 })).toBe(
        '{"b":[{"a":[],"z":1},"x"],"c":0}',
      );
      const pipeline = fitTinyPipeline('naive_bayes');
      expect(() =>
        createArtifact({
          vectorizer: pipeline.vectorizer,
          model: pipeline.model,
          metrics: {},
          training: { ...TRAINING, spam: 1 },
        }),
      ).toThrow(/training: spam \(1\) \+ ham \(6\) must equal rows \(12\)/);
      expect(() =>
        createArtifact({
          vectorizer: pipeline.vectorizer,
          model: pipeline.model,
          metrics: {},
          training: TRAINING,
          createdAt: new Date('x'),
        }),
      ).toThrow('createdAt: not a valid date');
    });

    it('should read from a model folder only regular files inside it', async () => {
      const models = join(dir, 'models');
      mkdirSync(join(models, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'passwd'), 'root:x:0:0');
      writeFileSync(join(models, 'model.json'), good);
      symlinkSync(join(dir, 'passwd'), join(models, 'link.json'));
      symlinkSync(dir, join(models, 'up'));
      expect((await readArtifactBytesIn(models, 'model.json')).toString('utf8')).toBe(good);
      const refusal = (name: string): Promise<Error> =>
        readArtifactBytesIn(models, name).then(
          () => new Error('read'),
          (error: unknown) => error as Error,
        );
      const only = 'only regular files inside the model folder are read';
      expect((await refusal('link.json')).message).toBe(`link.json: a symbolic link; ${only}`);
      expect((await refusal('sub')).message).toBe(`sub: not a regular file; ${only}`);
      expect((await refusal('up/passwd')).message).toBe(
        `up/passwd: outside the model folder once links in its path are resolved; ${only}`,
      );
      expect((await refusal('../passwd')).message).toBe(`../passwd: not a name inside the folder; ${only}`);
      expect((await refusal('missing.json')).message).toBe(`missing.json: cannot be read (ENOENT); ${only}`);
    });

    it('should leave no temporary file when writing fails', async () => {
      const blocked = join(dir, 'file');
      writeFileSync(blocked, 'not a folder');
      await expect(writeArtifactFile(join(blocked, 'model.json'), artifactFor('naive_bayes'))).rejects.toThrow();
      const target = join(dir, 'target.json');
      await writeArtifactFile(target, artifactFor('naive_bayes'));
      expect(readFileSync(target, 'utf8')).toBe(good);
      expect(readdirSync(dir).sort()).toEqual(['file', 'target.json']);
    });
  });
});
