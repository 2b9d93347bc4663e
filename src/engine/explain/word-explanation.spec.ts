import { fitTfidfVectorizer } from '../features/tfidf-vectorizer';
import { fitTinyPipeline, HAM, SPAM } from '../tiny-corpus.fixture';
import type { Vectorizer, VectorizerConfig } from '../types';
import { contributionScale, explainByWord, shareBaseline } from './word-explanation';

const UNIT = { unit: 'log_odds', factor: 1, offset: 0 } as const;

function vectorizerOf(analyzers: VectorizerConfig['analyzers']): Vectorizer {
  const config: VectorizerConfig = {
    analyzers,
    maxFeatures: null,
    minDf: 1,
    sublinearTf: true,
    smoothIdf: true,
    useIdf: true,
    norm: 'l2',
  };
  return fitTfidfVectorizer([...SPAM, ...HAM], config).vectorizer;
}

/** Every feature of the text with weight 1: a word's weight is then how many of its features occur. */
function unitContributions(vectorizer: Vectorizer, text: string): Array<{ index: number; weight: number }> {
  return Array.from(vectorizer.transform(text).indices, (index) => ({ index, weight: 1 }));
}

describe(explainByWord.name, () => {
  it('should sum character n-grams into the word they came from, case-folded, with every position', () => {
    const vectorizer = vectorizerOf([{ kind: 'char_wb', ngramRange: [2, 3], lowercase: true }]);
    const text = 'Claim now! CLAIM\tclaim.';
    const words = explainByWord(text, vectorizer, unitContributions(vectorizer, text), UNIT);
    const claim = words.find((w) => w.word === 'claim')!;
    expect(claim.spans.map((s) => text.slice(s.start, s.end))).toEqual(['Claim', 'CLAIM', 'claim.']);
    expect(words.map((w) => w.word).sort()).toEqual(['claim', 'now']);
    const total = words.reduce((sum, w) => sum + w.weight, 0);
    expect(total).toBeCloseTo(vectorizer.transform(text).indices.length, 9);
  });

  it('should split a feature evenly over its occurrences and scale it to the unit', () => {
    const vectorizer = vectorizerOf([
      { kind: 'word', ngramRange: [1, 1], lowercase: true, stopWords: null, stem: false },
    ]);
    const text = 'free cash, FREE prize';
    const index = Array.from(vectorizer.transform('free').indices)[0];
    const words = explainByWord(text, vectorizer, [{ index, weight: 0.5 }], { unit: 'log_odds', factor: 4, offset: 1 });
    expect(words).toEqual([
      {
        word: 'free',
        weight: 2,
        spans: [
          { start: 0, end: 4 },
          { start: 11, end: 15 },
        ],
      },
    ]);
  });

  it('should report a word bigram as the phrase it spans, stop words between included', () => {
    const vectorizer = vectorizerOf([{ kind: 'seed', ngramRange: [1, 2] }]);
    const text = 'Claim the prize';
    const words = explainByWord(text, vectorizer, unitContributions(vectorizer, text), UNIT);
    expect(Object.fromEntries(words.map((w) => [w.word, w.weight]))).toEqual({
      claim: 1,
      prize: 1,
      'claim the prize': 1,
    });
    const phrase = words.find((w) => w.word === 'claim the prize')!;
    expect(phrase.spans).toEqual([{ start: 0, end: text.length }]);
  });

  it('should keep strongest first on both sides and leave out features found in no word', () => {
    const pipeline = fitTinyPipeline();
    const text = 'WINNER call now, see you at dinner';
    const contributions = pipeline.model.contributions(pipeline.vectorizer.transform(text));
    const present = new Set(pipeline.vectorizer.transform(text).indices);
    const absent = Array.from(pipeline.vectorizer.transform('Happy birthday').indices).filter((i) => !present.has(i));
    expect(absent.length).toBeGreaterThan(0);
    const words = explainByWord(
      text,
      pipeline.vectorizer,
      [...contributions, ...absent.map((index) => ({ index, weight: 5 }))],
      UNIT,
    );
    const strengths = words.map((w) => Math.abs(w.weight));
    expect([...strengths].sort((a, b) => b - a)).toEqual(strengths);
    expect(words.some((w) => /happy|birthday/.test(w.word))).toBe(false);
    const sum = words.reduce((s, w) => s + w.weight, 0);
    expect(sum).toBeCloseTo(
      contributions.reduce((s, c) => s + c.weight, 0),
      9,
    );
  });

  it('should take any text: empty, whitespace only, emoji and lone surrogates', () => {
    const pipeline = fitTinyPipeline();
    for (const text of ['', ' \n\u3000', '😀 win😀 \ud800prize']) {
      const words = explainByWord(text, pipeline.vectorizer, unitContributions(pipeline.vectorizer, text), UNIT);
      for (const w of words) for (const s of w.spans) expect(text.slice(s.start, s.end).trim()).not.toBe('');
    }
  });
});

describe(contributionScale.name, () => {
  it('should turn a calibrated decision into log-odds of the calibrated probability', () => {
    expect(contributionScale({ algorithm: 'svm', calibration: { a: -6, b: 0.5 } })).toEqual({
      unit: 'log_odds',
      factor: 6,
      offset: -0.5,
    });
    expect(contributionScale({ algorithm: 'naive_bayes', calibration: null })).toEqual(UNIT);
    expect(contributionScale({ algorithm: 'random_forest', calibration: null })).toEqual({
      unit: 'probability',
      factor: 1,
      offset: 0,
    });
  });
});

describe(shareBaseline.name, () => {
  it('should spread the baseline over the features by their squared value, so everything adds up to the decision', () => {
    const x = { indices: Int32Array.of(1, 4, 7), values: Float64Array.of(0.6, 0.8, 0) };
    const shared = shareBaseline(
      [
        { index: 4, weight: 2 },
        { index: 9, weight: 0.5 },
      ],
      x,
      -10,
    );
    expect(Object.fromEntries(shared.map((c) => [c.index, c.weight]))).toEqual({
      1: expect.closeTo(-3.6, 12),
      4: expect.closeTo(2 - 6.4, 12),
      7: 0,
      9: 0.5,
    });
    expect(shareBaseline([], { indices: new Int32Array(0), values: new Float64Array(0) }, -3)).toEqual([]);
  });
});
