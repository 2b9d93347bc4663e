import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { resolveDataDir } from '../../training/datasets/data-dir';
import { loadSmsCsv } from '../../training/datasets/sms-csv';
import { applySplit, loadSplit } from '../../training/datasets/split-file';
import { ArtifactError } from '../artifact/artifact-error';
import { analyzeToStrings, createAnalyzer } from '../text/analyzers';
import type { SparseVector, VectorizerConfig } from '../types';
import fixtures from './sklearn-fixtures.json';
import smsVocabulary from './sklearn-sms-vocabulary.json';
import { fitTfidfVectorizer, sortRange, tfidfVectorizerFromState, type TfidfVectorizerState } from './tfidf-vectorizer';
import { DEFAULT_VECTORIZER_CONFIG, SEED_VECTORIZER_CONFIG, VectorizerConfigError } from './vectorizer-config';

const WORDS: VectorizerConfig = {
  analyzers: [{ kind: 'word', ngramRange: [1, 1], lowercase: true, stopWords: null, stem: false }],
  maxFeatures: null,
  minDf: 1,
  sublinearTf: false,
  smoothIdf: true,
  useIdf: true,
  norm: 'l2',
};

function dense(v: SparseVector, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  v.indices.forEach((index, i) => (out[index] = v.values[i]));
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tolerance);
}

function expectWellFormed(v: SparseVector): void {
  for (let i = 1; i < v.indices.length; i++) expect(v.indices[i]).toBeGreaterThan(v.indices[i - 1]);
  expect(v.values.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
}

describe('fitTfidfVectorizer', () => {
  describe("scikit-learn's TfidfVectorizer (fixtures from sklearn-fixtures.py)", () => {
    for (const [name, fixture] of Object.entries(fixtures.cases)) {
      it(`should match scikit-learn for ${name}`, () => {
        const { vectorizer, matrix } = fitTfidfVectorizer(
          fixtures.train,
          fixture.config as unknown as VectorizerConfig,
        );
        const state = vectorizer.toState();
        expect(state.vocabulary).toEqual(fixture.featureNames);
        expectClose(state.idf, fixture.idf);
        matrix.rows.forEach((row, i) => {
          expect(Array.from(row.indices)).toEqual(fixture.trainRows[i].indices);
          expectClose(row.values, fixture.trainRows[i].values);
        });
        fixtures.test.forEach((text, i) => {
          const row = vectorizer.transform(text);
          expect(Array.from(row.indices)).toEqual(fixture.testRows[i].indices);
          expectClose(row.values, fixture.testRows[i].values);
        });
      });
    }
  });

  describe("scikit-learn's max_features cut on the SMS training rows (sklearn-sms-vocabulary.py)", () => {
    let train: string[];
    beforeAll(async () => {
      const dataDir = resolveDataDir();
      const rows = await loadSmsCsv(join(dataDir, 'sms-spam', 'spam.csv'), 'sms', { joinSplitRows: false });
      train = applySplit(rows, await loadSplit(join(dataDir, 'sms-spam', 'split-seed42.json'))).train.map(
        (row) => row.text,
      );
    });

    for (const [name, fixture] of Object.entries(smsVocabulary.cases)) {
      it(`should keep the terms scikit-learn keeps, ${fixture.keptOfTied} of ${fixture.tiedAtCut} tied at the cut, for ${name}`, () => {
        expect(train).toHaveLength(smsVocabulary.rows);
        const config = fixture.config as unknown as VectorizerConfig;
        const vocabulary = fitTfidfVectorizer(train, config).vectorizer.toState().vocabulary;
        expect(vocabulary).toHaveLength(config.maxFeatures!);
        const sha256 = createHash('sha256').update(vocabulary.join('\n'), 'utf8').digest('hex');
        expect(sha256).not.toBe(fixture.tiesByTermOrderSha256);
        expect(sha256).toBe(fixture.keptSha256);
      });
    }
  });

  it('should break ties at the max_features cut in numpy argsort order, not by term', () => {
    // 20 terms seen once: numpy's argsort of 20 equal keys starts [0, 17, …], so "rr" (column 17) beats "bb".
    const terms = Array.from({ length: 20 }, (_, i) => String.fromCharCode(97 + i).repeat(2));
    const vocabulary = fitTfidfVectorizer([terms.join(' ')], { ...WORDS, maxFeatures: 2 }).vectorizer.toState()
      .vocabulary;
    expect(vocabulary).toEqual(['aa', 'rr']);
  });

  it('should compute TF-IDF by the formula on a tiny corpus', () => {
    const { vectorizer, matrix } = fitTfidfVectorizer(['free free win', 'win now', 'hello'], WORDS);
    expect(vectorizer.toState().vocabulary).toEqual(['free', 'hello', 'now', 'win']);
    const idf = (df: number): number => Math.log((1 + 3) / (1 + df)) + 1;
    expectClose(vectorizer.toState().idf, [idf(1), idf(1), idf(1), idf(2)]);
    const raw = [2 * idf(1), 0, 0, 1 * idf(2)];
    const norm = Math.hypot(...raw);
    expectClose(
      dense(matrix.rows[0], 4),
      raw.map((v) => v / norm),
    );
    expectClose(dense(vectorizer.transform('win win unknown'), 4), [0, 0, 0, 1]);
  });

  it('should apply sublinear tf, unsmoothed idf, no idf and no norm as configured', () => {
    const texts = ['free free free win', 'win now', 'hello'];
    const sublinear = fitTfidfVectorizer(texts, { ...WORDS, sublinearTf: true, smoothIdf: false, norm: null });
    const idf = (df: number): number => Math.log(3 / df) + 1;
    expectClose(dense(sublinear.matrix.rows[0], 4), [(1 + Math.log(3)) * idf(1), 0, 0, idf(2)]);
    const counts = fitTfidfVectorizer(texts, { ...WORDS, useIdf: false, norm: null });
    expectClose(dense(counts.matrix.rows[0], 4), [3, 0, 0, 1]);
  });

  it('should keep the most frequent terms and break ties by code-point order', () => {
    const texts = ['zz zz yy', 'bb aa', 'aa cc', 'cc dd'];
    const { vectorizer } = fitTfidfVectorizer(texts, { ...WORDS, maxFeatures: 3 });
    // zz: 2, aa: 2, cc: 2, then bb, dd, yy: 1 each.
    expect(vectorizer.toState().vocabulary).toEqual(['aa', 'cc', 'zz']);
    const two = fitTfidfVectorizer(texts, { ...WORDS, maxFeatures: 4 }).vectorizer;
    expect(two.toState().vocabulary).toEqual(['aa', 'bb', 'cc', 'zz']);
  });

  it('should drop terms below minDf, as a count or a proportion', () => {
    const texts = ['aa bb', 'aa cc', 'aa bb', 'dd'];
    expect(fitTfidfVectorizer(texts, { ...WORDS, minDf: 2 }).vectorizer.toState().vocabulary).toEqual(['aa', 'bb']);
    expect(fitTfidfVectorizer(texts, { ...WORDS, minDf: 0.6 }).vectorizer.toState().vocabulary).toEqual(['aa']);
  });

  it('should join several analyzers into one space with one unit-norm block each', () => {
    const config: VectorizerConfig = {
      ...WORDS,
      analyzers: [WORDS.analyzers[0], { kind: 'char_wb', ngramRange: [2, 3], lowercase: true }],
      maxFeatures: 5,
    };
    const { vectorizer } = fitTfidfVectorizer(['free prize', 'free call', 'call me'], config);
    const state = vectorizer.toState() as TfidfVectorizerState;
    expect(state.columnsPerAnalyzer).toEqual([4, 5]);
    expect(vectorizer.nFeatures).toBe(9);
    expect(vectorizer.featureName(0)).toBe('w:call');
    expect(vectorizer.featureName(4)).toMatch(/^c:/);
    expect(vectorizer.featureName(99)).toBe('#99');
    const x = vectorizer.transform('free call');
    const blocks = [0, 0];
    x.indices.forEach((index, i) => (blocks[index < 4 ? 0 : 1] += x.values[i] ** 2));
    expectClose(blocks, [1, 1]);
    const twice = fitTfidfVectorizer(['aa bb'], { ...WORDS, analyzers: [WORDS.analyzers[0], WORDS.analyzers[0]] });
    expect([twice.vectorizer.featureName(0), twice.vectorizer.featureName(2)]).toEqual(['w1:aa', 'w2:aa']);
  });

  it('should be deterministic', () => {
    const texts = fixtures.train;
    const a = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
    const b = fitTfidfVectorizer([...texts], DEFAULT_VECTORIZER_CONFIG);
    expect(JSON.stringify(a.vectorizer.toState())).toBe(JSON.stringify(b.vectorizer.toState()));
    expect(a.vectorizer.transform(texts[0])).toEqual(a.vectorizer.transform(texts[0]));
    expect(a.matrix).toEqual(b.matrix);
  });

  it('should count exactly what the analyzers emit (hash table against a plain Map)', () => {
    const config: VectorizerConfig = { ...DEFAULT_VECTORIZER_CONFIG, sublinearTf: false, useIdf: false, norm: null };
    const alphabet = fc.constantFrom('a', 'b', 'ab', ' ', '😀', 'é', '\ud800', '\n', 'x');
    const text = fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), text, (corpus, probe) => {
        if (corpus.every((t) => t.trim() === '')) corpus.push('ab');
        let vectorizer;
        try {
          vectorizer = fitTfidfVectorizer(corpus, config).vectorizer;
        } catch (error) {
          expect(error).toBeInstanceOf(VectorizerConfigError);
          return;
        }
        const names = vectorizer.toState().vocabulary;
        const columns = (vectorizer.toState() as TfidfVectorizerState).columnsPerAnalyzer;
        const expected = new Array<number>(names.length).fill(0);
        let offset = 0;
        config.analyzers.forEach((analyzerConfig, b) => {
          const block = new Map(names.slice(offset, offset + columns[b]).map((term, i) => [term, offset + i]));
          for (const term of analyzeToStrings(createAnalyzer(analyzerConfig), probe)) {
            const column = block.get(term);
            if (column !== undefined) expected[column]++;
          }
          offset += columns[b];
        });
        expect(dense(vectorizer.transform(probe), names.length)).toEqual(expected);
        // Again, now with the probe's words in the word cache.
        expect(dense(vectorizer.transform(probe), names.length)).toEqual(expected);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('should take any string without throwing', () => {
    const { vectorizer } = fitTfidfVectorizer(fixtures.train, DEFAULT_VECTORIZER_CONFIG);
    const seed = fitTfidfVectorizer(fixtures.train, SEED_VECTORIZER_CONFIG).vectorizer;
    const inputs = [
      '',
      '   \n\t',
      '😀'.repeat(1000),
      '\u0000\u0001\u001b[31m',
      '\ud800\udc00\udfff\ud800x',
      'a'.repeat(1 << 20),
    ];
    for (const text of inputs) {
      expectWellFormed(vectorizer.transform(text));
      expectWellFormed(seed.transform(text));
    }
    expect(vectorizer.transform('').indices).toHaveLength(0);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) =>
        expectWellFormed(vectorizer.transform(text)),
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('should refuse a bad configuration or an empty corpus, naming the field', () => {
    expect(() => fitTfidfVectorizer([], WORDS)).toThrow('texts: cannot fit a vectorizer on no texts');
    expect(() => fitTfidfVectorizer(['a'], WORDS)).toThrow(/analyzers\[0\]: empty vocabulary/);
    const bad: Array<[unknown, RegExp]> = [
      [null, /config: expected an object/],
      [{ ...WORDS, analyzers: [] }, /config.analyzers: expected 1 to 8/],
      [{ ...WORDS, analyzers: [{ kind: 'char', ngramRange: [1, 2] }] }, /analyzers\[0\].kind/],
      [{ ...WORDS, analyzers: [{ ...WORDS.analyzers[0], ngramRange: [3, 2] }] }, /analyzers\[0\].ngramRange/],
      [{ ...WORDS, analyzers: [{ ...WORDS.analyzers[0], stopWords: 'french' }] }, /analyzers\[0\].stopWords/],
      [{ ...WORDS, analyzers: [{ kind: 'char_wb', ngramRange: [1, 2] }] }, /analyzers\[0\].lowercase/],
      [{ ...WORDS, maxFeatures: 0 }, /config.maxFeatures/],
      [{ ...WORDS, minDf: 1.5 }, /config.minDf/],
      [{ ...WORDS, norm: 'l1' }, /config.norm/],
      [{ ...WORDS, sublinearTf: 'yes' }, /config.sublinearTf/],
    ];
    for (const [config, message] of bad) {
      expect(() => fitTfidfVectorizer(['aa bb'], config as VectorizerConfig)).toThrow(message);
    }
  });
});

describe(sortRange.name, () => {
  it('should sort any range of an Int32Array in place', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }), fc.nat(10), (values, pad) => {
        const a = Int32Array.from([99, ...values, -99].concat(new Array(pad).fill(7)));
        sortRange(a, 1, values.length + 1);
        expect(Array.from(a.subarray(1, values.length + 1))).toEqual([...values].sort((x, y) => x - y));
        expect([a[0], a[values.length + 1]]).toEqual([99, -99]);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe('tfidfVectorizerFromState', () => {
  const { vectorizer } = fitTfidfVectorizer(fixtures.train, DEFAULT_VECTORIZER_CONFIG);
  const state = JSON.parse(JSON.stringify(vectorizer.toState())) as TfidfVectorizerState;

  it('should rebuild a vectorizer that transforms identically', () => {
    const rebuilt = tfidfVectorizerFromState(state);
    expect(rebuilt.nFeatures).toBe(vectorizer.nFeatures);
    for (const text of [...fixtures.train, ...fixtures.test])
      expect(rebuilt.transform(text)).toEqual(vectorizer.transform(text));
    expect(rebuilt.featureName(3)).toBe(vectorizer.featureName(3));
  });

  it('should find every term of a vocabulary that lacks some prefixes', () => {
    const config = { ...WORDS, analyzers: [{ kind: 'char_wb', ngramRange: [2, 3], lowercase: true }] };
    const holes = tfidfVectorizerFromState({
      config,
      vocabulary: ['abc', 'bc '],
      idf: [1, 1],
      columnsPerAnalyzer: [2],
    });
    expect(Array.from(holes.transform('xabc abc').indices)).toEqual([0, 1]);
    const words = { ...WORDS, analyzers: [{ ...WORDS.analyzers[0], ngramRange: [1, 2] }] };
    const pairs = tfidfVectorizerFromState({
      config: words,
      vocabulary: ['free prize'],
      idf: [1],
      columnsPerAnalyzer: [1],
    });
    expect(Array.from(pairs.transform('a free prize').indices)).toEqual([0]);
  });

  it('should refuse bad state with an ArtifactError naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^vectorizer: expected an object/],
      [{ ...state, config: { ...state.config, norm: 'l3' } }, /^vectorizer.config.norm/],
      [{ ...state, vocabulary: [] }, /^vectorizer.vocabulary: expected a non-empty array/],
      [
        { ...state, vocabulary: [...state.vocabulary.slice(1), 7] },
        /^vectorizer.vocabulary\[\d+\]: expected a non-empty string/,
      ],
      [{ ...state, idf: state.idf.slice(1) }, /^vectorizer.idf: expected \d+ numbers/],
      [{ ...state, idf: [...state.idf.slice(1), -1] }, /^vectorizer.idf\[\d+\]: expected a finite number > 0/],
      [{ ...state, columnsPerAnalyzer: [1, 2] }, /^vectorizer.columnsPerAnalyzer/],
      [
        { ...state, vocabulary: [state.vocabulary[1], ...state.vocabulary.slice(1)] },
        /^vectorizer.vocabulary\[1\]: duplicate term/,
      ],
    ];
    for (const [bad, message] of cases) {
      expect(() => tfidfVectorizerFromState(bad)).toThrow(ArtifactError);
      expect(() => tfidfVectorizerFromState(bad)).toThrow(message);
    }
  });
});
