import { DEFAULT_MAX_CHARS, SpamPipeline } from './pipeline';
import { fitTinyPipeline, HAM, SPAM } from './tiny-corpus.fixture';
import type { SparseVector, TrainedModel } from './types';

describe(SpamPipeline.name, () => {
  const pipeline = fitTinyPipeline();

  it('should label spam and ham with a probability and a raw score', () => {
    const spam = pipeline.classify('Claim your FREE prize now, call to win cash');
    const ham = pipeline.classify('Are we still on for dinner at home tonight?');
    expect(spam.label).toBe(1);
    expect(ham.label).toBe(0);
    expect(spam.spamProbability).toBeGreaterThanOrEqual(0.5);
    expect(ham.spamProbability).toBeLessThan(0.5);
    expect(spam.score).toBeGreaterThan(ham.score);
    expect(spam.explanation).toBeUndefined();
    expect(pipeline.algorithm).toBe('logistic_regression');
  });

  it('should explain a prediction with named features on each side, strongest first', () => {
    const { explanation } = pipeline.classify('Claim your FREE prize now, see you at dinner', {
      explain: true,
      topFeatures: 3,
    });
    expect(explanation!.towardsSpam).toHaveLength(3);
    expect(explanation!.towardsHam.length).toBeGreaterThan(0);
    expect(explanation!.towardsSpam.every((c) => c.weight > 0 && /^(c|w):/.test(c.feature))).toBe(true);
    expect(explanation!.towardsHam.every((c) => c.weight < 0)).toBe(true);
    const weights = explanation!.towardsSpam.map((c) => c.weight);
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    const defaults = pipeline.classify('Claim your FREE prize now', { explain: true });
    expect(defaults.explanation!.towardsSpam.length).toBeLessThanOrEqual(10);
  });

  it('should classify a batch like one message at a time', () => {
    const texts = [...SPAM, ...HAM, '', '😀'];
    expect(pipeline.classifyBatch(texts)).toEqual(texts.map((t) => pipeline.classify(t)));
  });

  it('should classify only the first maxChars characters', () => {
    const seen: number[] = [];
    const vectorizer = {
      ...pipeline.vectorizer,
      transform: (text: string): SparseVector => {
        seen.push(text.length);
        return pipeline.vectorizer.transform(text);
      },
    };
    new SpamPipeline(vectorizer, pipeline.model).classify('x'.repeat(DEFAULT_MAX_CHARS + 5));
    new SpamPipeline(vectorizer, pipeline.model, { maxChars: 10 }).classify('free prize now claim it');
    expect(seen).toEqual([DEFAULT_MAX_CHARS, 10]);
    expect(() => new SpamPipeline(vectorizer, pipeline.model, { maxChars: 0 })).toThrow(/maxChars/);
  });

  it('should take any string without throwing', () => {
    for (const text of ['', ' \n', '\ud800', '\u0000\u001b', '😀'.repeat(50_000), 'a b '.repeat(300_000)]) {
      const result = pipeline.classify(text, { explain: true });
      expect(result.spamProbability).toBeGreaterThanOrEqual(0);
      expect(result.spamProbability).toBeLessThanOrEqual(1);
    }
  });

  it('should order equal contributions by column', () => {
    const model: TrainedModel = {
      ...pipeline.model,
      algorithm: 'naive_bayes',
      probability: () => 0.5,
      decision: () => 0,
      contributions: () => [
        { index: 5, weight: 1 },
        { index: 2, weight: 1 },
        { index: 3, weight: -2 },
      ],
    };
    const result = new SpamPipeline(pipeline.vectorizer, model).classify('anything', {
      explain: true,
      topFeatures: -1,
    });
    expect(result.label).toBe(1);
    expect(result.explanation!.towardsSpam.map((c) => c.feature)).toEqual([
      pipeline.vectorizer.featureName(2),
      pipeline.vectorizer.featureName(5),
    ]);
  });
});
