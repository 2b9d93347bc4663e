import { tinyRows } from '../../test/fixtures/training/tiny-corpus';
import { evaluate } from './evaluation/metrics';
import {
  candidateWeights,
  describeCandidate,
  FP_PENALTY,
  LARGE_CORPUS_CHARS,
  objectiveOf,
  SEARCH_VECTORIZERS,
  searchFolds,
  searchHyperparameters,
  searchSpace,
  type SearchCandidate,
} from './hyperparameter-search';

describe(searchHyperparameters.name, () => {
  const rows = tinyRows(60);
  const texts = rows.map((r) => r.text);
  const y = Uint8Array.from(rows, (r) => r.label);
  const nb: SearchCandidate = {
    algorithm: 'naive_bayes',
    vectorizerName: 'word 1-2',
    vectorizer: SEARCH_VECTORIZERS['word 1-2'],
    params: { alpha: 0.1 },
  };
  const svm: SearchCandidate = {
    algorithm: 'svm',
    vectorizerName: 'char_wb 2-5',
    vectorizer: SEARCH_VECTORIZERS['char_wb 2-5'],
    params: { C: 1 },
  };

  it('should score every candidate on out-of-fold predictions and rank them, earlier first on ties', () => {
    const progress: number[] = [];
    const result = searchHyperparameters(texts, y, {
      candidates: [nb, svm],
      folds: 3,
      seed: 7,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result.ranking.map((s) => s.candidate)).toEqual([nb, svm]);
    expect(result.best.cv.n).toBe(60);
    expect(result.best.folds).toHaveLength(3);
    expect(result.best.folds.reduce((sum, f) => sum + f.n, 0)).toBe(60);
    expect(result.best.objective).toBe(objectiveOf(result.best.cv));
    expect(progress[progress.length - 1]).toBe(4);
  });

  it('should stop starting candidates once the time budget is spent, always scoring the first', () => {
    let clock = 0;
    const now = () => (clock += 1000);
    const result = searchHyperparameters(texts, y, {
      candidates: [nb, svm],
      folds: 3,
      seed: 7,
      timeBudgetMs: 500,
      now,
    });
    expect(result.ranking.map((s) => s.candidate)).toEqual([nb]);
    expect(result.skipped).toEqual([svm]);
    const unbounded = searchHyperparameters(texts, y, { candidates: [nb, svm], folds: 3, seed: 7 });
    expect(unbounded.skipped).toEqual([]);
  });

  it('should be deterministic for a seed', () => {
    const a = searchHyperparameters(texts, y, { candidates: [svm], folds: 3, seed: 1 });
    const b = searchHyperparameters(texts, y, { candidates: [svm], folds: 3, seed: 1 });
    expect(b.best.cv).toEqual(a.best.cv);
  });
});

describe(objectiveOf.name, () => {
  it('should subtract the false-positive rate times the penalty from F1', () => {
    const m = evaluate([1, 1, 0, 0, 0, 0], [0.9, 0.2, 0.8, 0.1, 0.1, 0.1]);
    expect(objectiveOf(m)).toBeCloseTo(m.f1 - FP_PENALTY * 0.25, 12);
  });
});

describe(searchSpace.name, () => {
  it('should use the SMS grid (no NBSVM) and 5 folds for SMS-sized data, the email grid and 3 folds above the limit', () => {
    const small = searchSpace(100_000);
    const large = searchSpace(LARGE_CORPUS_CHARS + 1);
    expect(new Set(small.map((c) => c.algorithm))).toEqual(new Set(['svm', 'logistic_regression', 'naive_bayes']));
    expect(small.some((c) => c.params.nbAlpha !== undefined)).toBe(false);
    expect(large.every((c) => c.params.calibrationFolds === 3)).toBe(true);
    expect(small.some((c) => c.params.calibrationFolds !== undefined)).toBe(false);
    expect(searchFolds(100)).toBe(5);
    expect(searchFolds(LARGE_CORPUS_CHARS + 1)).toBe(3);
    expect(searchSpace(100, ['naive_bayes']).every((c) => c.algorithm === 'naive_bayes')).toBe(true);
  });

  it('should describe a candidate for reports', () => {
    expect(describeCandidate(searchSpace(1)[0])).toBe('svm (char_wb 1-5 + char_wb 2-5 + word 1-2, C=1)');
    const nbsvm = { ...searchSpace(1)[0], params: { C: 1, classWeight: null, nbAlpha: 0.1 } };
    expect(describeCandidate(nbsvm)).toBe('svm (char_wb 1-5 + char_wb 2-5 + word 1-2, C=1, nb_alpha=0.1)');
  });
});

describe(candidateWeights.name, () => {
  it('should multiply ham rows by the ham weight and keep row weights', () => {
    const y = Uint8Array.from([1, 0, 0]);
    expect(candidateWeights(y, undefined)).toBeUndefined();
    expect(candidateWeights(y, undefined, 3)).toEqual(Float64Array.from([1, 3, 3]));
    expect(candidateWeights(y, Float64Array.from([2, 2, 0.5]), 2)).toEqual(Float64Array.from([2, 4, 1]));
  });

  it('should lower the out-of-fold false positives of a candidate with a higher ham weight', () => {
    const rows = tinyRows(60);
    // a few ham rows that look like spam make false positives possible
    const texts = rows.map((r, i) =>
      r.label === 0 && i % 10 === 1 ? `${r.text} call now to claim your prize` : r.text,
    );
    const y = Uint8Array.from(rows, (r) => r.label);
    const base: SearchCandidate = {
      algorithm: 'logistic_regression',
      vectorizerName: 'word 1-2',
      vectorizer: SEARCH_VECTORIZERS['word 1-2'],
      params: { C: 10 },
    };
    const result = searchHyperparameters(texts, y, {
      candidates: [base, { ...base, hamWeight: 8 }],
      folds: 3,
      seed: 3,
    });
    const [plain, weighted] = [base, { ...base, hamWeight: 8 }].map((c) =>
      result.ranking.find((s) => s.candidate.hamWeight === c.hamWeight)!,
    );
    expect(weighted.cv.fp).toBeLessThanOrEqual(plain.cv.fp);
    expect(describeCandidate(weighted.candidate)).toContain('ham_weight=8');
  });
});
