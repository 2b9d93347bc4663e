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

  it('should explain a prediction by words on each side, strongest first, in log-odds that add up', () => {
    const text = 'Claim your FREE prize now, see you at dinner';
    const { explanation, score } = pipeline.classify(text, { explain: true, topFeatures: 3 });
    expect(explanation!.unit).toBe('log_odds');
    expect(explanation!.towardsSpam).toHaveLength(3);
    expect(explanation!.towardsHam.length).toBeGreaterThan(0);
    expect(explanation!.towardsSpam.every((w) => w.weight > 0)).toBe(true);
    expect(explanation!.towardsHam.every((w) => w.weight < 0)).toBe(true);
    const weights = explanation!.towardsSpam.map((w) => w.weight);
    expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    for (const w of [...explanation!.towardsSpam, ...explanation!.towardsHam]) {
      for (const span of w.spans)
        expect(text.slice(span.start, span.end).toLowerCase()).toContain(w.word.split(' ')[0]);
    }
    // Uncalibrated logistic regression: the log-odds is the decision, and the words (baseline shared) add up to it.
    const all = pipeline.classify(text, { explain: true, topFeatures: 1000 }).explanation!;
    const sum = [...all.towardsSpam, ...all.towardsHam].reduce((s, w) => s + w.weight, 0);
    expect(all.total).toBeCloseTo(score, 9);
    expect(sum).toBeCloseTo(all.total, 9);
    expect(all.baseline).toBeCloseTo((pipeline.model as unknown as { bias: number }).bias, 9);
    const defaults = pipeline.classify('Claim your FREE prize now', { explain: true });
    expect(defaults.explanation!.towardsSpam.length).toBeLessThanOrEqual(10);
  });

  it('should explain in log-odds of the calibrated probability when the model is calibrated', () => {
    const calibration = { a: -3, b: 0.25 };
    const calibrated: TrainedModel = {
      ...pipeline.model,
      algorithm: 'svm',
      calibration,
      decision: (x) => pipeline.model.decision(x),
      contributions: (x) => pipeline.model.contributions(x),
      probability: (x) => 1 / (1 + Math.exp(calibration.a * pipeline.model.decision(x) + calibration.b)),
    };
    const c = new SpamPipeline(pipeline.vectorizer, calibrated).classify('Claim your FREE prize now', {
      explain: true,
      topFeatures: 1000,
    });
    const e = c.explanation!;
    expect(e.total).toBeCloseTo(Math.log(c.spamProbability / (1 - c.spamProbability)), 9);
    expect([...e.towardsSpam, ...e.towardsHam].reduce((s, w) => s + w.weight, 0)).toBeCloseTo(e.total, 9);
    expect(e.baseline).toBeCloseTo(3 * (pipeline.model as unknown as { bias: number }).bias - 0.25, 9);
  });

  it('should explain a batch like one message at a time', () => {
    const texts = [...SPAM.slice(0, 2), HAM[0]];
    expect(pipeline.classifyBatch(texts, { explain: true })).toEqual(
      texts.map((t) => pipeline.classify(t, { explain: true })),
    );
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

  it('should order equal weights by where the word first occurs', () => {
    const text = 'alpha beta gamma';
    const columns = Array.from(pipeline.vectorizer.transform(text).indices);
    const wordOf = (index: number): string =>
      ['alpha', 'beta', 'gamma'].find((w) => pipeline.vectorizer.transform(w).indices.includes(index))!;
    const first = columns.find((i) => wordOf(i) === 'gamma')!;
    const second = columns.find((i) => wordOf(i) === 'alpha')!;
    const model: TrainedModel = {
      ...pipeline.model,
      algorithm: 'naive_bayes',
      probability: () => 0.5,
      decision: () => 2, // no baseline to share
      contributions: () => [
        { index: first, weight: 1 },
        { index: second, weight: 1 },
      ],
    };
    const result = new SpamPipeline(pipeline.vectorizer, model).classify(text, { explain: true, topFeatures: -1 });
    expect(result.label).toBe(1);
    expect(result.explanation!.towardsSpam.map((w) => w.word)).toEqual(['alpha', 'gamma']);
  });
});
